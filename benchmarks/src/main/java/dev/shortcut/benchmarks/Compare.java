package dev.shortcut.benchmarks;

import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.checkpoint.SafeTensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The side-by-side runner: for each configuration, writes the network's weights, a batch, and
 * Shortcut's logits and gradients to a safetensors file; PyTorch ({@code compare.py}) loads them
 * into the same network, checks that Shortcut's results match that network evaluated in float64
 * (relative norm difference per tensor within 1e-4, or within twice PyTorch's own float32
 * difference), and times itself; a configuration that disagrees is reported and not timed; Shortcut is timed just before and
 * after, each side at 1 and 2 threads, and the best of each is compared.
 */
public final class Compare {
  /** One configuration of the grid. */
  record Config(String kind, int width, int layers, int batch) {}

  private static final double TOLERANCE = 1e-4;

  private Compare() {}

  public static void main(String[] args) throws Exception {
    String python = "/usr/bin/python3";
    Path script = Path.of("benchmarks/compare.py");
    Path out = Path.of("benchmarks/results");
    boolean full = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--python" -> python = args[++i];
        case "--script" -> script = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--full" -> full = true;
        case "--quick" -> full = false;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Files.createDirectories(out);
    double seconds = full ? 2.0 : 1.0;
    List<String> records = new ArrayList<>();
    List<String> rows = new ArrayList<>();
    boolean allAgree = true;
    for (Config c : grid(full)) {
      Map<String, Object> r = run(c, python, script, seconds);
      records.add((String) r.get("json"));
      rows.add((String) r.get("row"));
      allAgree &= (Boolean) r.get("agree");
      System.out.println(r.get("row"));
    }
    Files.writeString(out.resolve("compare.json"), "[\n  " + String.join(",\n  ", records) + "\n]\n");
    Files.writeString(out.resolve("compare.md"), table(rows));
    System.out.println("wrote " + out.resolve("compare.json") + " and compare.md");
    if (!allAgree) {
      System.exit(1);
    }
  }

  static List<Config> grid(boolean full) {
    List<Config> grid = new ArrayList<>();
    int[] widths = full ? new int[] {64, 128, 256, 512} : new int[] {64, 128, 256};
    int[] depths = full ? new int[] {10, 50, 100} : new int[] {10, 100};
    for (int w : widths) {
      for (int l : depths) {
        for (int b : new int[] {32, 128}) {
          grid.add(new Config("train", w, l, b));
        }
      }
    }
    for (int w : full ? widths : new int[] {64, 128, 256, 512}) {
      for (int l : full ? depths : new int[] {100}) {
        grid.add(new Config("infer", w, l, 1));
      }
    }
    return grid;
  }

  static Map<String, Object> run(Config c, String python, Path script, double seconds) throws Exception {
    Path file = Files.createTempFile("shortcut-compare", ".safetensors");
    try {
      writeReference(c, file);
      double[] shortcut = new double[3];
      shortcut[1] = time(c, 1, seconds);
      String py = runPython(python, script, file, c.kind(), seconds);
      shortcut[2] = time(c, 2, seconds);
      double logitsRel = number(py, "logits_rel");
      double gradRel = number(py, "grad_rel");
      double torchGradRel = number(py, "torch_grad_rel");
      // Agreement with the float64 evaluation: within 1e-4, or at least as close as PyTorch's own
      // float32 result, since deep ReLU stacks amplify float32 rounding on both sides alike.
      double gradTolerance = Math.max(TOLERANCE, 2 * torchGradRel);
      if (!(logitsRel <= TOLERANCE) || !(gradRel <= gradTolerance)) {
        String why = String.format(Locale.ROOT, "logits %.2e, gradients %.2e (PyTorch float32: %.2e)", logitsRel,
            gradRel, torchGradRel);
        System.err.println(c + ": Shortcut and PyTorch disagree (" + why + "); not timed");
        return Map.of("json", String.format(Locale.ROOT,
            "{\"config\": {\"kind\": \"%s\", \"width\": %d, \"layers\": %d, \"batch\": %d}, \"agree\": false, "
                + "\"logits_rel_error\": %.2e, \"gradient_rel_error\": %.2e}", c.kind(), c.width(), c.layers(),
            c.batch(), logitsRel, gradRel), "row", String.format(Locale.ROOT,
            "| %s | %d | %d | %d | – | – | not timed: %s |", c.kind(), c.width(), c.layers(), c.batch(), why),
            "agree", false);
      }
      double torch1 = number(py, "\"1\"");
      double torch2 = number(py, "\"2\"");
      int shortcutThreads = shortcut[2] > shortcut[1] ? 2 : 1;
      int torchThreads = torch2 > torch1 ? 2 : 1;
      double s = shortcut[shortcutThreads];
      double t = Math.max(torch1, torch2);
      String json = String.format(Locale.ROOT,
          "{\"config\": {\"kind\": \"%s\", \"width\": %d, \"layers\": %d, \"batch\": %d, \"threads\": %d}, "
              + "\"shortcut_per_s\": %.1f, \"pytorch_per_s\": %.1f, \"ratio\": %.2f, \"pytorch_threads\": %d, "
              + "\"shortcut_per_s_by_threads\": [%.1f, %.1f], \"pytorch_per_s_by_threads\": [%.1f, %.1f], "
              + "\"logits_rel_error\": %.2e, \"gradient_rel_error\": %.2e, \"pytorch_gradient_rel_error\": %.2e}",
          c.kind(), c.width(), c.layers(), c.batch(), shortcutThreads, s, t, s / t, torchThreads, shortcut[1],
          shortcut[2], torch1, torch2, logitsRel, gradRel, torchGradRel);
      String row = String.format(Locale.ROOT, "| %s | %d | %d | %d | %,.0f (%d) | %,.0f (%d) | %.2f | %.1e |",
          c.kind(), c.width(), c.layers(), c.batch(), s, shortcutThreads, t, torchThreads, s / t,
          Math.max(logitsRel, gradRel));
      return Map.of("json", json, "row", row, "agree", true);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Samples per second of Shortcut on {@code c} with {@code threads} threads. */
  static double time(Config c, int threads, double seconds) {
    Workload w = new Workload(c.width(), c.layers(), c.batch(), threads, 1);
    boolean train = c.kind().equals("train");
    double sink = 0;
    long warmEnd = System.nanoTime() + (long) (0.5e9 * seconds);
    while (System.nanoTime() < warmEnd) {
      sink += train ? w.trainStep() : w.infer();
    }
    long n = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long now;
    do {
      sink += train ? w.trainStep() : w.infer();
      n++;
      now = System.nanoTime();
    } while (now < end || n < 5);
    if (Double.isNaN(sink)) {
      throw new IllegalStateException("diverged");
    }
    return c.batch() * n / ((now - start) / 1e9);
  }

  /** Weights, batch, labels, architecture, and Shortcut's logits and gradients of one step. */
  static void writeReference(Config c, Path file) throws IOException {
    Workload w = new Workload(c.width(), c.layers(), c.batch(), 1, 1);
    FloatNetwork net = w.network();
    w.lossAndGradients();
    Architecture a = net.architecture();
    List<SafeTensors.Tensor> tensors = new ArrayList<>();
    for (ParameterTable.Parameter p : a.parameters().all()) {
      long[] shape = java.util.Arrays.stream(p.shape()).asLongStream().toArray();
      tensors.add(SafeTensors.Tensor.ofFloats(p.name(), shape, net.parameters(), p.offset(), p.size()));
      tensors.add(SafeTensors.Tensor.ofFloats("expected.grad." + p.name(), shape, net.gradients(), p.offset(), p.size()));
    }
    tensors.add(SafeTensors.Tensor.ofFloats("input", new long[] {c.batch(), a.inputs()}, net.input(), 0,
        c.batch() * a.inputs()));
    tensors.add(SafeTensors.Tensor.ofFloats("expected.logits", new long[] {c.batch(), a.outputs()}, net.output(), 0,
        c.batch() * a.outputs()));
    float[] labels = new float[c.batch()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = w.labels()[i];
    }
    tensors.add(SafeTensors.Tensor.ofFloats("labels", new long[] {c.batch()}, labels, 0, c.batch()));
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("architecture", architectureJson(a));
    SafeTensors.write(file, tensors, meta);
  }

  static String architectureJson(Architecture a) {
    StringBuilder sb = new StringBuilder("{\"layers\": [");
    for (int i = 0; i < a.layers().size(); i++) {
      Architecture.DenseLayer l = (Architecture.DenseLayer) a.layers().get(i);
      sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT,
          "{\"name\": \"%s\", \"in\": %d, \"out\": %d, \"act\": \"%s\"}", l.name(), l.inputs(), l.units(),
          l.activation()));
    }
    sb.append("], \"blocks\": [");
    for (int i = 0; i < a.blocks().size(); i++) {
      Architecture.Block b = a.blocks().get(i);
      sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT,
          "{\"name\": \"%s\", \"in\": %d, \"out\": %d, \"shortcut\": \"%s\", \"first\": %d, \"last\": %d}",
          b.name(), b.inputs(), b.outputs(), b.shortcut(), b.firstLayer(), b.lastLayer()));
    }
    return sb.append("]}").toString();
  }

  private static String runPython(String python, Path script, Path file, String kind, double seconds)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(python, script.toString(), file.toString(), kind, Double.toString(seconds))
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("compare.py failed:\n" + output);
    }
    String[] lines = output.strip().split("\n");
    return lines[lines.length - 1];
  }

  private static double number(String json, String key) {
    String k = key.startsWith("\"") ? key : "\"" + key + "\"";
    Matcher m = Pattern.compile(Pattern.quote(k) + ":\\s*([-0-9.eE+naNinf]+)").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no " + key + " in " + json);
    }
    return Double.parseDouble(m.group(1));
  }

  private static String table(List<String> rows) {
    return "| kind | width | layers | batch | Shortcut samples/s (threads) | PyTorch samples/s (threads) | ratio "
        + "| max rel. difference |\n|---|---:|---:|---:|---:|---:|---:|---:|\n" + String.join("\n", rows) + "\n";
  }
}
