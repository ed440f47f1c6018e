package dev.shortcut.benchmarks.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether a configuration may be timed. compare.py evaluates the network in float64 from the same
 * weights and batch and reports, for each side at each thread count, relative differences in norm
 * from it (per tensor; the worst tensor counts). Judged, with fixed tolerances:
 *
 * <ul>
 *   <li>{@code logits} within {@value #LOGITS};
 *   <li>{@code gradients} within {@value #GRADIENTS}, against the float64 network with each ReLU tie
 *       (a pre-activation within float32 rounding of zero, where both sides of the kink are correct
 *       float32 results) taken the way the side took it; compare.py settles ties and reports how
 *       many it took across ({@code relu_ties_taken_across});
 *   <li>{@code adam_step}: the parameters after the side's Adam step against a float64 Adam step from
 *       the same parameters with the side's own gradients, within {@value #ADAM_STEP}: the optimizer
 *       alone. With parameters about 100 times the first step (learning rate 1e-3), this catches an
 *       update off by 0.1 %; float32 rounding leaves about 4e-8 (PyTorch), and Shortcut's {@code 1 −
 *       β2}, taken in float32 from β2 already rounded to float32, about 1e-6;
 *   <li>{@code relu_decision_z} (convolutional networks): the float64 reference follows each side's
 *       own ReLU decisions, which may differ from float64's only at ties, within {@value
 *       #RELU_DECISION} of the layer's largest |z|.
 * </ul>
 *
 * <p>Reported, not judged: {@code parameters_after_step}, against a float64 step from the float64
 * gradients. Adam's first update is about the learning rate times the sign of each gradient, so a
 * gradient element within rounding of zero moves its parameter by up to twice the learning rate:
 * float32 implementations differ from float64 there by up to 1e-2 of a tensor (PyTorch's own
 * included), whatever their quality. The step is judged well-conditioned, as {@code adam_step} on
 * top of {@code gradients}.
 *
 * <p>Shortcut must pass at every thread count, and so must PyTorch's eager float32 run: a baseline
 * that disagrees is no baseline. Each faster PyTorch mode (TorchScript, matrix-vector) is held to
 * the same tolerances; one that fails is left out of the timing, and recorded.
 */
final class Agreement {
  static final double LOGITS = 1e-4;
  static final double GRADIENTS = 1e-4;
  static final double ADAM_STEP = 1e-5;
  /**
   * A convolutional side's ReLU decisions, which the float64 reference follows, may differ from
   * float64's own only at ties: |z| at most this fraction of the largest |z| of the layer (torch_check
   * measured up to 4e-5 in ResNet-50, PyTorch's float32 alike). Beyond it the side computed something
   * else.
   */
  static final double RELU_DECISION = 1e-4;

  /** The judged quantities and their tolerances. */
  static final Map<String, Double> TOLERANCES = Map.of("logits", LOGITS, "gradients", GRADIENTS, "adam_step",
      ADAM_STEP, "relu_decision_z", RELU_DECISION);

  /**
   * The outcome for one configuration.
   *
   * @param problems why it may not be timed; empty when it may
   * @param modes the PyTorch modes that agree, in compare.py's order
   * @param excludedModes the modes that do not, each with why
   */
  record Verdict(List<String> problems, List<String> modes, Map<String, String> excludedModes) {
    boolean agree() {
      return problems.isEmpty();
    }
  }

  private Agreement() {}

  /**
   * Judges compare.py's answer to {@code load}: {@code shortcut}, {@code pytorch} (eager) and each
   * of {@code modes}, by thread count, each a map from quantity to difference.
   */
  static Verdict judge(Map<String, Map<String, Double>> shortcut, Map<String, Map<String, Double>> pytorch,
      Map<String, Map<String, Map<String, Double>>> modes) {
    List<String> problems = new ArrayList<>();
    shortcut.forEach((threads, e) -> problems.addAll(violations("Shortcut at " + threads + " thread(s)", e)));
    pytorch.forEach((threads, e) -> problems.addAll(violations("PyTorch (eager) at " + threads + " thread(s)", e)));
    List<String> agreeing = new ArrayList<>();
    Map<String, String> excluded = new LinkedHashMap<>();
    modes.forEach((mode, byThreads) -> {
      List<String> why = new ArrayList<>();
      byThreads.forEach((threads, e) -> why.addAll(violations("at " + threads + " thread(s)", e)));
      if (why.isEmpty()) {
        agreeing.add(mode);
      } else {
        excluded.put(mode, String.join("; ", why));
      }
    });
    if (agreeing.isEmpty()) {
      problems.add("no PyTorch mode agrees: " + excluded);
    }
    return new Verdict(problems, agreeing, excluded);
  }

  /**
   * Each judged quantity of {@code errors} over its tolerance, worded for the report. NaN never
   * passes, and a side that reports no logits has not been checked at all.
   */
  static List<String> violations(String who, Map<String, Double> errors) {
    List<String> out = new ArrayList<>();
    if (!errors.containsKey("logits")) {
      out.add(who + ": no logits to check");
    }
    for (var e : errors.entrySet()) {
      Double tolerance = TOLERANCES.get(e.getKey());
      if (tolerance != null && !(e.getValue() <= tolerance)) {
        out.add(String.format(Locale.ROOT, "%s: %s %.2e > %.0e", who, e.getKey().replace('_', ' '), e.getValue(),
            tolerance));
      }
    }
    return out;
  }
}
