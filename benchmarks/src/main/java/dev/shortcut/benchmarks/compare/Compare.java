package dev.shortcut.benchmarks.compare;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Shortcut against PyTorch, side by side, on one machine. For each configuration: Shortcut writes
 * the network's weights, a batch, and its own logits, gradients and parameters after one Adam step
 * (at 1 thread, and at 2 where they differ) to a safetensors file; compare.py builds the same
 * network from {@code torch.nn} modules and reports how far each side, at each thread count, is
 * from that network evaluated in float64 ({@link Agreement}). A configuration that disagrees is
 * reported and not timed. Then, at 1 and at 2 threads, PyTorch's fastest agreeing mode is chosen,
 * both sides warm up, and they are timed in interleaved trials (Shortcut, PyTorch, PyTorch,
 * Shortcut, …), each trial from the same starting state; the report gives medians, spreads and the
 * ratio of medians ({@link Report}).
 */
public final class Compare {
  /**
   * How a run times.
   *
   * @param run {@code quick}, {@code full}, {@code smoke} or {@code only}
   * @param trials timed trials per side, configuration and thread count
   * @param seconds the least wall time of one trial
   * @param warmupSeconds an untimed trial per side before the first timed one
   * @param selectSeconds each PyTorch mode's trial when choosing the fastest
   * @param minSteps the fewest steps a trial may time
   * @param threads the thread counts at which both sides run
   * @param timed false for a check of agreement alone
   */
  record Settings(String run, int trials, double seconds, double warmupSeconds, double selectSeconds, int minSteps,
      int[] threads, boolean timed) {
    static Settings of(String run) {
      return switch (run) {
        case "full" -> new Settings(run, 7, 1.5, 1.5, 0.5, 3, new int[] {1, 2}, true);
        case "smoke" -> new Settings(run, 5, 0.2, 0.3, 0.2, 3, new int[] {1, 2}, true);
        default -> new Settings(run, 5, 1.0, 1.0, 0.4, 3, new int[] {1, 2}, true);
      };
    }
  }

  private Compare() {}

  /** Runs the comparison; {@code --help} lists the options. */
  public static void main(String[] args) throws Exception {
    String python = "/usr/bin/python3";
    Path script = Path.of("benchmarks/compare.py");
    Path out = null;
    Path blasDirectory = null;
    String run = "quick";
    List<Config> only = new ArrayList<>();
    Integer trials = null;
    Double seconds = null;
    int[] threads = null;
    boolean checkOnly = false;
    boolean anyBlas = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--python" -> python = args[++i];
        case "--script" -> script = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--blas-dir" -> blasDirectory = Path.of(args[++i]);
        case "--quick" -> run = "quick";
        case "--full" -> run = "full";
        case "--smoke" -> run = "smoke";
        case "--only" -> only.add(Config.parse(args[++i]));
        case "--trials" -> trials = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Double.parseDouble(args[++i]);
        case "--threads" -> threads = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--check-only" -> checkOnly = true;
        case "--any-blas" -> anyBlas = true;
        case "--help", "-h" -> {
          System.out.println(USAGE);
          return;
        }
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "\n" + USAGE);
      }
    }
    List<Config> grid = !only.isEmpty() ? only : switch (run) {
      case "full" -> Grid.full();
      case "smoke" -> Grid.smoke();
      default -> Grid.quick();
    };
    Settings base = Settings.of(run);
    Settings settings = new Settings(only.isEmpty() ? run : "only", trials != null ? trials : base.trials(),
        seconds != null ? seconds : base.seconds(), base.warmupSeconds(), base.selectSeconds(), base.minSteps(),
        threads != null ? threads : base.threads(), !checkOnly);
    if (settings.trials() < 1 || settings.threads()[0] != 1) {
      throw new IllegalArgumentException("at least one trial, and thread counts starting at 1 (the reference)");
    }
    // Only the quick and full runs write the committed results; the others keep to target/.
    boolean committed = only.isEmpty() && !checkOnly && (run.equals("quick") || run.equals("full"));
    if (out == null) {
      out = committed ? Path.of("benchmarks/results") : Path.of("benchmarks/target/compare");
    }
    Files.createDirectories(out);

    try (PyTorchServer pytorch = new PyTorchServer(python, script, blasDirectory)) {
      Map<String, Object> environment = new LinkedHashMap<>();
      environment.put("machine", Environment.machine());
      environment.put("load_average_at_start", Environment.loadAverage());
      environment.put("cores_busy_by_others_at_start", Environment.coresBusyByOthers(2000));
      environment.put("shortcut", Environment.java());
      environment.put("pytorch", pytorch.environment());
      String threading = String.valueOf(Json.object(environment.get("pytorch"), "blas").get("threading"));
      if (!threading.equals("OpenMP") && !anyBlas) {
        throw new IllegalStateException("PyTorch loaded a BLAS whose threading is " + threading + " ("
            + Json.object(environment.get("pytorch"), "blas").get("path") + "): torch.set_num_threads governs only"
            + " OpenMP's threads, so thread counts would not be what they say. Install libopenblas0-openmp and pass"
            + " --blas-dir with its directory (compare.sh does), or --any-blas to go on regardless.");
      }
      System.out.println(Report.environmentLine(environment));
      List<Map<String, Object>> records = new ArrayList<>();
      boolean allAgree = true;
      for (Config c : grid) {
        List<Map<String, Object>> rows = compare(c, settings, pytorch);
        for (Map<String, Object> r : rows) {
          allAgree &= Boolean.TRUE.equals(r.get("agree"));
          System.out.println(Report.row(r));
        }
        records.addAll(rows);
        write(out, environment, settings, records);
      }
      environment.put("load_average_at_end", Environment.loadAverage());
      environment.put("cores_busy_by_others_at_end", Environment.coresBusyByOthers(2000));
      write(out, environment, settings, records);
      System.out.println("wrote " + out.resolve("compare.json") + " and compare.md");
      if (!allAgree) {
        System.exit(1);
      }
    }
  }

  private static void write(Path out, Map<String, Object> environment, Settings settings,
      List<Map<String, Object>> records) throws IOException {
    Files.writeString(out.resolve("compare.json"), Json.write(Report.document(environment, settings, records)));
    Files.writeString(out.resolve("compare.md"), Report.markdown(environment, settings, records));
  }

  /** Checks and times one configuration: one record per thread count. */
  static List<Map<String, Object>> compare(Config c, Settings s, PyTorchServer pytorch) throws IOException {
    ShortcutSide shortcut = ShortcutSide.of(c);
    Path file = Files.createTempFile("shortcut-compare", ".safetensors");
    Set<Integer> identical;
    Map<String, Object> differences;
    try {
      identical = shortcut.writeReference(file, s.threads());
      differences = pytorch.load(file, s.threads());
    } finally {
      Files.deleteIfExists(file);
    }
    Map<String, Map<String, Double>> shortcutErrors = byThreads(differences.get("shortcut"));
    for (int t : identical) {
      shortcutErrors.put(String.valueOf(t), shortcutErrors.get("1"));
    }
    Map<String, Map<String, Map<String, Double>>> modeErrors = new LinkedHashMap<>();
    Json.object(differences, "modes").forEach((mode, e) -> modeErrors.put(mode, byThreads(e)));
    Agreement.Verdict verdict = Agreement.judge(shortcutErrors, byThreads(differences.get("pytorch")), modeErrors);
    Map<String, Object> agreement = Report.agreement(verdict, shortcutErrors, byThreads(differences.get("pytorch")),
        modeErrors, identical);
    if (!verdict.agree()) {
      System.err.println(c.label() + ": Shortcut and PyTorch disagree, not timed: " + verdict.problems());
    }

    List<Map<String, Object>> records = new ArrayList<>();
    for (int threads : s.threads()) {
      if (!verdict.agree() || !s.timed()) {
        records.add(Report.untimed(c, threads, verdict, agreement));
        continue;
      }
      Map<String, Double> selection = new LinkedHashMap<>();
      String mode = fastest(verdict.modes(), threads, s, c.batch(), pytorch, selection);
      warmUp(shortcut, threads, s);
      pytorch.trial(mode, threads, s.warmupSeconds(), s.minSteps(), c.batch());
      List<Trial> shortcutTrials = new ArrayList<>();
      List<Trial> pytorchTrials = new ArrayList<>();
      for (int i = 0; i < s.trials(); i++) {
        // Alternate who goes first (S P, P S, ...): a drift in the machine's speed favours neither.
        if (i % 2 == 0) {
          shortcutTrials.add(shortcut.trial(threads, s.seconds(), s.minSteps()));
          pytorchTrials.add(pytorch.trial(mode, threads, s.seconds(), s.minSteps(), c.batch()));
        } else {
          pytorchTrials.add(pytorch.trial(mode, threads, s.seconds(), s.minSteps(), c.batch()));
          shortcutTrials.add(shortcut.trial(threads, s.seconds(), s.minSteps()));
        }
      }
      records.add(Report.timed(c, threads, verdict, agreement, shortcutTrials, pytorchTrials, mode, selection));
    }
    return records;
  }

  /**
   * Shortcut's warm-up: a trial of the warm-up length, then short ones until the JIT has compiled
   * nothing during a whole one (at most {@value #WARMUP_CAP_SECONDS} s more), so that no timed trial
   * pays for C2 compiling a generated network, nor counts the compiler's threads as cores used.
   */
  private static void warmUp(ShortcutSide shortcut, int threads, Settings s) {
    shortcut.trial(threads, s.warmupSeconds(), s.minSteps());
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      return;
    }
    long deadline = System.nanoTime() + (long) (WARMUP_CAP_SECONDS * 1e9);
    long before;
    do {
      before = jit.getTotalCompilationTime();
      shortcut.trial(threads, 0.25, s.minSteps());
    } while (jit.getTotalCompilationTime() > before && System.nanoTime() < deadline);
  }

  private static final double WARMUP_CAP_SECONDS = 10;

  /**
   * PyTorch's fastest agreeing mode at {@code threads}: each is warmed up, then timed twice, its
   * better trial counting. A single mode is taken as it is.
   */
  private static String fastest(List<String> modes, int threads, Settings s, int batch, PyTorchServer pytorch,
      Map<String, Double> selection) throws IOException {
    if (modes.size() == 1) {
      return modes.get(0);
    }
    String best = null;
    for (String mode : modes) {
      pytorch.trial(mode, threads, s.selectSeconds(), s.minSteps(), batch);
      double rate = Math.max(pytorch.trial(mode, threads, s.selectSeconds(), s.minSteps(), batch).perSecond(),
          pytorch.trial(mode, threads, s.selectSeconds(), s.minSteps(), batch).perSecond());
      selection.put(mode, rate);
      if (best == null || rate > selection.get(best)) {
        best = mode;
      }
    }
    return best;
  }

  /** compare.py's {"1": {quantity: difference}, "2": {...}} as maps of doubles. */
  static Map<String, Map<String, Double>> byThreads(Object parsed) {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    ((Map<?, ?>) parsed).forEach((threads, errors) -> {
      Map<String, Double> e = new LinkedHashMap<>();
      ((Map<?, ?>) errors).forEach((q, v) -> e.put((String) q, ((Number) v).doubleValue()));
      out.put((String) threads, e);
    });
    return out;
  }

  private static final String USAGE = String.format(Locale.ROOT, String.join("\n",
      "usage: Compare [--quick | --full | --smoke] [--only kind:width:layers:batch]... [--check-only]",
      "               [--trials N] [--seconds S] [--threads 1,2] [--out DIR]",
      "               [--python PATH] [--script compare.py] [--blas-dir DIR] [--any-blas]",
      "  --quick       the quick subset (default): results/compare.json and compare.md",
      "  --full        the whole grid, into results/ as well",
      "  --smoke       two small rows, short trials, into target/compare/",
      "  --only C      just configuration C (repeatable), into target/compare/",
      "  --check-only  agreement with float64 only, nothing timed, into target/compare/",
      "  --blas-dir    the directory of the OpenBLAS build PyTorch should load (LD_LIBRARY_PATH)"));
}
