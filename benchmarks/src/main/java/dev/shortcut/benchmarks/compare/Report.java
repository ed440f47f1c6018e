package dev.shortcut.benchmarks.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * compare.json and compare.md. A record per configuration and thread count keeps the fields of the
 * earlier runner ({@code config} with {@code kind}, {@code width}, {@code layers}, {@code batch},
 * {@code threads}; {@code shortcut_per_s}, {@code pytorch_per_s}, {@code ratio}, now medians) and
 * adds {@code config.network}, each side's trials and spread, the cores each side really used, the
 * thread counts its libraries reported, PyTorch's mode, and the agreement in full.
 */
final class Report {
  /** A side that keeps more cores busy than its thread count, by more than this, is flagged. */
  static final double CORES_SLACK = 0.25;

  private Report() {}

  static Map<String, Object> document(Map<String, Object> environment, Compare.Settings s,
      List<Map<String, Object>> records) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("run", s.run());
    d.put("environment", environment);
    Map<String, Object> method = new LinkedHashMap<>();
    method.put("trials_per_side", s.trials());
    method.put("trial_seconds_at_least", s.seconds());
    method.put("trial_steps_at_least", s.minSteps());
    method.put("warmup_seconds", s.warmupSeconds());
    method.put("mode_selection_seconds", s.selectSeconds());
    method.put("threads", java.util.Arrays.stream(s.threads()).boxed().toList());
    method.put("timed", s.timed());
    method.put("order", "interleaved, first side alternating: Shortcut, PyTorch, PyTorch, Shortcut, ...");
    method.put("starting_state", "every trial of either side starts from the same weights, batch and a fresh "
        + "optimizer");
    Map<String, Object> tolerances = new LinkedHashMap<>();
    tolerances.put("logits", Agreement.LOGITS);
    tolerances.put("gradients", Agreement.GRADIENTS);
    tolerances.put("adam_step", Agreement.ADAM_STEP);
    tolerances.put("relu_decision_z", Agreement.RELU_DECISION);
    tolerances.put("measure", "relative difference in norm from the network in float64, worst tensor; "
        + "gradients with ReLU ties taken the side's way; parameters_after_step reported, not judged");
    method.put("tolerances", tolerances);
    d.put("method", method);
    d.put("records", records);
    return d;
  }

  /** The agreement as a record keeps it: tolerances, every difference, excluded modes, problems. */
  static Map<String, Object> agreement(Agreement.Verdict v, Map<String, Map<String, Double>> shortcut,
      Map<String, Map<String, Double>> pytorch, Map<String, Map<String, Map<String, Double>>> modes,
      Set<Integer> identical) {
    Map<String, Object> a = new LinkedHashMap<>();
    Map<String, Object> s = new LinkedHashMap<>();
    shortcut.forEach((t, e) -> s.put(t, rounded(e)));
    a.put("shortcut", s);
    a.put("shortcut_threads_bit_identical_to_1", List.copyOf(new TreeSet<>(identical)));
    Map<String, Object> p = new LinkedHashMap<>();
    pytorch.forEach((t, e) -> p.put(t, rounded(e)));
    a.put("pytorch_eager", p);
    Map<String, Object> m = new LinkedHashMap<>();
    modes.forEach((name, byThreads) -> {
      Map<String, Object> x = new LinkedHashMap<>();
      byThreads.forEach((t, e) -> x.put(t, rounded(e)));
      m.put(name, x);
    });
    a.put("pytorch_modes", m);
    a.put("excluded_modes", v.excludedModes());
    a.put("problems", v.problems());
    return a;
  }

  private static Map<String, Object> config(Config c, int threads) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("network", c.network());
    m.put("kind", c.kind());
    m.put("width", c.width());
    m.put("layers", c.layers());
    m.put("batch", c.batch());
    m.put("threads", threads);
    return m;
  }

  private static Map<String, Object> common(Config c, int threads, Agreement.Verdict v, Map<String, Object> a) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("config", config(c, threads));
    r.put("agree", v.agree());
    // The earlier runner's error fields: Shortcut's worst over thread counts, and PyTorch's own.
    r.put("logits_rel_error", worst(a.get("shortcut"), "logits"));
    r.put("gradient_rel_error", worst(a.get("shortcut"), "gradients"));
    r.put("pytorch_gradient_rel_error", worst(a.get("pytorch_eager"), "gradients"));
    r.put("agreement", a);
    return r;
  }

  static Map<String, Object> untimed(Config c, int threads, Agreement.Verdict v, Map<String, Object> a) {
    return common(c, threads, v, a);
  }

  static Map<String, Object> timed(Config c, int threads, Agreement.Verdict v, Map<String, Object> a,
      List<Trial> shortcut, List<Trial> pytorch, String mode, Map<String, Double> selection) {
    Summary s = summarize(shortcut);
    Summary p = summarize(pytorch);
    Map<String, Object> r = common(c, threads, v, a);
    r.put("shortcut_per_s", round(s.median(), 1));
    r.put("pytorch_per_s", round(p.median(), 1));
    r.put("ratio", round(s.ratioOfMedians(p), 3));
    double[] range = s.ratioRange(p);
    r.put("ratio_range", List.of(round(range[0], 3), round(range[1], 3)));
    r.put("pytorch_mode", mode);
    Map<String, Object> sm = side(s, shortcut, threads);
    Map<String, Object> pm = side(p, pytorch, threads);
    pm.put("mode", mode);
    Map<String, Object> sel = new LinkedHashMap<>();
    selection.forEach((k, val) -> sel.put(k, round(val, 1)));
    pm.put("mode_selection_per_s", sel);
    r.put("shortcut", sm);
    r.put("pytorch", pm);
    r.put("threads_verified", Boolean.TRUE.equals(sm.get("threads_verified"))
        && Boolean.TRUE.equals(pm.get("threads_verified")));
    return r;
  }

  private static Summary summarize(List<Trial> trials) {
    return Summary.of(trials.stream().mapToDouble(Trial::perSecond).toArray());
  }

  /** One side's figures: the summary, every trial, the cores used and the thread counts reported. */
  private static Map<String, Object> side(Summary s, List<Trial> trials, int threads) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("median", round(s.median(), 1));
    m.put("min", round(s.min(), 1));
    m.put("max", round(s.max(), 1));
    m.put("q1", round(s.q1(), 1));
    m.put("q3", round(s.q3(), 1));
    m.put("trials_per_s", s.values().stream().map(x -> round(x, 1)).toList());
    m.put("steps_per_trial", trials.stream().map(Trial::steps).toList());
    Summary cores = Summary.of(trials.stream().mapToDouble(Trial::coresUsed).toArray());
    m.put("cores_used", round(cores.median(), 2));
    m.put("cores_used_max", round(cores.max(), 2));
    Map<String, Set<Long>> inForce = new LinkedHashMap<>();
    for (Trial t : trials) {
      t.threadsInForce().forEach((lib, n) -> inForce.computeIfAbsent(lib, k -> new TreeSet<>()).add(n));
    }
    Map<String, Object> reported = new LinkedHashMap<>();
    boolean asAsked = true;
    for (var e : inForce.entrySet()) {
      reported.put(e.getKey(), List.copyOf(e.getValue()));
      asAsked &= e.getValue().equals(Set.of((long) threads));
    }
    m.put("threads_reported", reported);
    m.put("threads_verified", asAsked && cores.median() <= threads + CORES_SLACK);
    return m;
  }

  // ---- text -------------------------------------------------------------------------------------

  static String environmentLine(Map<String, Object> env) {
    Map<String, Object> machine = Json.object(env, "machine");
    Map<String, Object> java = Json.object(env, "shortcut");
    Map<String, Object> torch = Json.object(env, "pytorch");
    Map<String, Object> blas = Json.object(torch, "blas");
    return String.format(Locale.ROOT, "%s, %s logical CPUs [%s]; JDK %s, kernels %s; PyTorch %s, BLAS %s (%s), oneDNN %s",
        machine.get("cpu_model"), machine.get("logical_cpus"), String.join(" ", strings(machine.get("vector_flags"))),
        java.get("jdk"), java.get("kernels"), torch.get("torch"), blas.get("path"), blas.get("threading"),
        torch.get("onednn"));
  }

  static String markdown(Map<String, Object> env, Compare.Settings s, List<Map<String, Object>> records) {
    Map<String, Object> machine = Json.object(env, "machine");
    Map<String, Object> java = Json.object(env, "shortcut");
    Map<String, Object> torch = Json.object(env, "pytorch");
    Map<String, Object> blas = Json.object(torch, "blas");
    StringBuilder md = new StringBuilder();
    md.append("# Shortcut and PyTorch, side by side (").append(s.run()).append(" run)\n\n");
    md.append(String.format(Locale.ROOT, "- **Machine:** %s (family/model/stepping %s), %s logical CPUs; vector "
            + "flags %s; %s. Cores kept busy by other processes (over 2 s) at start %s, at end %s; load average "
            + "(1, 5, 15 min, this run's own work included) at start %s, at end %s.\n",
        machine.get("cpu_model"), machine.getOrDefault("cpu_family_model_stepping", "?"), machine.get("logical_cpus"),
        String.join(" ", strings(machine.get("vector_flags"))), machine.get("os"),
        cores(env.get("cores_busy_by_others_at_start")), cores(env.getOrDefault("cores_busy_by_others_at_end", null)),
        env.get("load_average_at_start"), env.getOrDefault("load_average_at_end", "(running)")));
    md.append(String.format(Locale.ROOT, "- **Shortcut:** JDK %s (%s), dense kernels %s, convolution kernels %s; "
            + "JVM arguments %s.\n", java.get("jdk"), java.get("vm"), java.get("kernels"),
        java.getOrDefault("convolution_kernels", "?"), java.getOrDefault("jvm_arguments", List.of())));
    md.append(String.format(Locale.ROOT, "- **PyTorch:** %s (Python %s, numpy %s); BLAS `%s`, %s threading, %s, "
            + "core %s; oneDNN %s; ATen CPU capability %s; parallel backend %s.\n",
        torch.get("torch"), torch.get("python"), torch.get("numpy"), blas.get("path"), blas.get("threading"),
        blas.get("config"), blas.get("core"), torch.get("onednn"), torch.get("cpu_capability"),
        torch.get("parallel_backend")));
    md.append(String.format(Locale.ROOT, "- **Method:** at each thread count both sides run with that many threads; "
            + "%d trials per side of at least %s s and %d steps, after a %s s warm-up, interleaved (Shortcut, PyTorch, "
            + "PyTorch, Shortcut, …); every trial starts from the same weights, batch and a fresh optimizer. Figures "
            + "are samples per second, median [min–max]; the ratio is Shortcut's median over PyTorch's, in brackets "
            + "its range over any pairing of trials. Cores used = CPU time / wall time (median); ⚠ marks a side whose "
            + "reported thread count differed from the row's or that kept more cores busy. PyTorch trains with "
            + "Adam(foreach=True); for inference it runs the fastest of its modes that agree (chosen by a short "
            + "timing of each).\n",
        s.trials(), s.seconds(), s.minSteps(), s.warmupSeconds()));
    md.append(String.format(Locale.ROOT, "- **Agreement** with the network in float64, before anything is timed, "
            + "for both sides at 1 and 2 threads (relative difference in norm, worst tensor): logits ≤ %.0e; gradients "
            + "≤ %.0e, with each ReLU tie (a pre-activation within %.0e of the magnitudes of its terms, where float32 may "
            + "land on either side of the kink) taken the side's way (for the ResNets: the float64 network follows "
            + "each side's recorded ReLU decisions, which may differ from its own only where |z| ≤ %.0e of the "
            + "layer's largest); parameters after one Adam step against a float64 step from the same gradients "
            + "≤ %.0e. The last column is Shortcut's worst difference over logits and gradients.\n",
        Agreement.LOGITS, Agreement.GRADIENTS, number(Json.object(env, "pytorch").get("relu_tie_fraction")),
        Agreement.RELU_DECISION, Agreement.ADAM_STEP));
    long disagreeing = records.stream().filter(r -> !Boolean.TRUE.equals(r.get("agree"))).count();
    long flagged = records.stream().filter(r -> Boolean.FALSE.equals(r.get("threads_verified"))).count();
    md.append(String.format(Locale.ROOT, "- **Rows:** %d (configurations × thread counts); %s; %s.\n",
        records.size(), disagreeing == 0 ? "all agree" : disagreeing + " disagree and were not timed",
        flagged == 0 ? "thread counts verified in every timed row" : flagged + " with a thread count not as asked"));
    if (busy(env, "cores_busy_by_others_at_start") || busy(env, "cores_busy_by_others_at_end")) {
      md.append("\n**The machine was busy during this run (other processes kept more than half its CPUs busy): these figures measure "
          + "the contention as much as the code. Rerun on a quiet machine.**\n");
    }
    md.append('\n');
    md.append("| network | kind | width (image side) | layers | batch | threads | Shortcut samples/s | PyTorch samples/s | "
        + "PyTorch mode | ratio | cores used (Shortcut / PyTorch) | max rel. difference |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|\n");
    for (Map<String, Object> r : records) {
      md.append(row(r)).append('\n');
    }
    return md.toString();
  }

  /** One row of the Markdown table. */
  @SuppressWarnings("unchecked")
  static String row(Map<String, Object> r) {
    Map<String, Object> c = (Map<String, Object>) r.get("config");
    Map<String, Object> a = (Map<String, Object>) r.get("agreement");
    String head = String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |",
        c.get("network") == null ? "dense" : c.get("network"), c.get("kind"), c.get("width"), c.get("layers"),
        c.get("batch"), c.get("threads"));
    double worst = Math.max(number(r.get("logits_rel_error")), number(r.get("gradient_rel_error")));
    if (!Boolean.TRUE.equals(r.get("agree"))) {
      return head + " – | – | – | not timed: " + String.join("; ", strings(a.get("problems"))) + " | – | "
          + String.format(Locale.ROOT, "%.1e |", worst);
    }
    if (!r.containsKey("shortcut")) {
      return head + " – | – | – | agrees (not timed) | – | " + String.format(Locale.ROOT, "%.1e |", worst);
    }
    Map<String, Object> s = (Map<String, Object>) r.get("shortcut");
    Map<String, Object> p = (Map<String, Object>) r.get("pytorch");
    List<?> range = (List<?>) r.get("ratio_range");
    return head + String.format(Locale.ROOT, " %s | %s | %s | %.2f [%.2f–%.2f] | %s / %s | %.1e |", figure(s),
        figure(p), r.get("pytorch_mode"), number(r.get("ratio")), number(range.get(0)), number(range.get(1)),
        cores(s), cores(p), worst);
  }

  private static String figure(Map<String, Object> side) {
    return String.format(Locale.ROOT, "%,.0f [%,.0f–%,.0f]", number(side.get("median")), number(side.get("min")),
        number(side.get("max")));
  }

  private static String cores(Map<String, Object> side) {
    return String.format(Locale.ROOT, "%.2f%s", number(side.get("cores_used")),
        Boolean.TRUE.equals(side.get("threads_verified")) ? "" : " ⚠");
  }

  /**
   * Whether other processes kept more than half the logical CPUs busy. Not the load average: it
   * counts this run's own rows and the build before it, and called every run busy.
   */
  static boolean busy(Map<String, Object> env, String key) {
    Object cpus = Json.object(env, "machine").get("logical_cpus");
    if (!(env.get(key) instanceof Number others) || !(cpus instanceof Number n)) {
      return false;
    }
    return others.doubleValue() > 0.5 * n.doubleValue();
  }

  private static String cores(Object busy) {
    return busy instanceof Number n && !Double.isNaN(n.doubleValue())
        ? String.format(Locale.ROOT, "%.2f", n.doubleValue()) : "(not measured)";
  }

  // ---- small helpers ----------------------------------------------------------------------------

  /** The largest {@code quantity} over the thread counts of {@code byThreads}; NaN stays NaN. */
  private static double worst(Object byThreads, String quantity) {
    double w = 0;
    for (Object e : ((Map<?, ?>) byThreads).values()) {
      Object v = ((Map<?, ?>) e).get(quantity);
      if (v != null) {
        double d = ((Number) v).doubleValue();
        w = Double.isNaN(d) || Double.isNaN(w) ? Double.NaN : Math.max(w, d);
      }
    }
    return w;
  }

  private static Map<String, Object> rounded(Map<String, Double> errors) {
    Map<String, Object> m = new LinkedHashMap<>();
    errors.forEach((k, v) -> m.put(k, k.startsWith("relu_ties") ? (Object) v.longValue() : significant(v, 3)));
    return m;
  }

  static double round(double x, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(x * scale) / scale;
  }

  static double significant(double x, int digits) {
    if (x == 0 || !Double.isFinite(x)) {
      return x;
    }
    return Double.parseDouble(String.format(Locale.ROOT, "%." + (digits - 1) + "e", x));
  }

  private static double number(Object o) {
    return o == null ? Double.NaN : ((Number) o).doubleValue();
  }

  private static List<String> strings(Object list) {
    List<String> out = new ArrayList<>();
    if (list instanceof List<?> l) {
      l.forEach(x -> out.add(String.valueOf(x)));
    }
    return out;
  }
}
