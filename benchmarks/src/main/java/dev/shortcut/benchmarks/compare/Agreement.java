package dev.shortcut.benchmarks.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether a configuration may be timed. compare.py evaluates the network in float64 from the same
 * weights and batch and reports, per side and thread count, relative differences in norm from it
 * (per tensor, the worst tensor counting):
 *
 * <ul>
 *   <li>{@code logits}: within {@value #LOGITS};
 *   <li>{@code gradients} and {@code parameters_after_step} (after one Adam step, against the
 *       float64 network's own step): within twice PyTorch's own float32 difference on the same
 *       quantity (the worst of its 1- and 2-thread runs), but never below {@value #FLOOR} nor above
 *       {@value #CAP}. Deep ReLU stacks amplify float32 rounding on both sides alike (a unit whose
 *       input lies within rounding of zero flips), and Adam's first step, about the learning rate
 *       times the sign of each gradient, magnifies it again; the cap keeps that allowance bounded;
 *   <li>{@code adam_step}: the parameters after the side's step against a float64 Adam step from the
 *       same parameters with the side's own gradients, within {@value #ADAM_STEP}: the optimizer
 *       alone. With parameters about 100 times the first step (learning rate 1e-3), this catches an
 *       update off by 0.1 %; float32 rounding leaves about 4e-8 (PyTorch), and Shortcut's {@code 1 −
 *       β2}, taken in float32 from β2 already rounded to float32, about 1e-6.
 * </ul>
 *
 * <p>Shortcut must pass at every thread count, and so must PyTorch's eager float32 run: a
 * baseline that disagrees is no baseline. Each faster PyTorch mode (TorchScript, matrix-vector) is
 * held to the same tolerances; one that fails is left out of the timing, and recorded.
 */
final class Agreement {
  static final double LOGITS = 1e-4;
  static final double FLOOR = 1e-4;
  static final double CAP = 1e-2;
  static final double ADAM_STEP = 1e-5;

  /** Quantities whose tolerance follows PyTorch's own float32 difference. */
  static final List<String> SCALED = List.of("gradients", "parameters_after_step");

  /**
   * The outcome for one configuration.
   *
   * @param tolerances per quantity
   * @param problems why it may not be timed; empty when it may
   * @param modes the PyTorch modes that agree, in compare.py's order
   * @param excludedModes the modes that do not, each with why
   */
  record Verdict(Map<String, Double> tolerances, List<String> problems, List<String> modes,
      Map<String, String> excludedModes) {
    boolean agree() {
      return problems.isEmpty();
    }
  }

  private Agreement() {}

  /** The tolerance of each quantity, given PyTorch's own float32 differences per thread count. */
  static Map<String, Double> tolerances(Map<String, Map<String, Double>> pytorchByThreads) {
    Map<String, Double> t = new LinkedHashMap<>();
    t.put("logits", LOGITS);
    for (String q : SCALED) {
      double own = 0;
      for (Map<String, Double> e : pytorchByThreads.values()) {
        Double v = e.get(q);
        if (v != null) {
          own = Math.max(own, v.isNaN() ? Double.POSITIVE_INFINITY : v);
        }
      }
      t.put(q, Math.min(CAP, Math.max(FLOOR, 2 * own)));
    }
    t.put("adam_step", ADAM_STEP);
    return t;
  }

  /**
   * Judges compare.py's answer to {@code load}: {@code shortcut}, {@code pytorch} (eager) and
   * {@code modes}, each by thread count, each a map from quantity to difference.
   */
  static Verdict judge(Map<String, Map<String, Double>> shortcut, Map<String, Map<String, Double>> pytorch, Map<String, Map<String, Map<String, Double>>> modes) {
    Map<String, Double> tolerances = tolerances(pytorch);
    List<String> problems = new ArrayList<>();
    for (var e : shortcut.entrySet()) {
      problems.addAll(violations("Shortcut at " + e.getKey() + " thread(s)", e.getValue(), tolerances));
    }
    for (var e : pytorch.entrySet()) {
      problems.addAll(violations("PyTorch (eager) at " + e.getKey() + " thread(s)", e.getValue(), tolerances));
    }
    List<String> agreeing = new ArrayList<>();
    Map<String, String> excluded = new LinkedHashMap<>();
    for (var mode : modes.entrySet()) {
      List<String> why = new ArrayList<>();
      for (var e : mode.getValue().entrySet()) {
        why.addAll(violations("at " + e.getKey() + " thread(s)", e.getValue(), tolerances));
      }
      if (why.isEmpty()) {
        agreeing.add(mode.getKey());
      } else {
        excluded.put(mode.getKey(), String.join("; ", why));
      }
    }
    if (agreeing.isEmpty()) {
      problems.add("no PyTorch mode agrees: " + excluded);
    }
    return new Verdict(tolerances, problems, agreeing, excluded);
  }

  /** Each quantity of {@code errors} over its tolerance, worded for the report; NaN never passes. */
  static List<String> violations(String who, Map<String, Double> errors, Map<String, Double> tolerances) {
    List<String> out = new ArrayList<>();
    for (var e : errors.entrySet()) {
      Double tolerance = tolerances.get(e.getKey());
      if (tolerance == null) {
        throw new IllegalArgumentException("no tolerance for quantity " + e.getKey());
      }
      if (!(e.getValue() <= tolerance)) {
        out.add(String.format(Locale.ROOT, "%s: %s %.2e > %.1e", who, e.getKey().replace('_', ' '), e.getValue(),
            tolerance));
      }
    }
    return out;
  }
}
