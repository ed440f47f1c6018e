package dev.shortcut.benchmarks.compare;

import dev.shortcut.benchmarks.Workload;
import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.checkpoint.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Shortcut's side of a configuration of the dense family: the generated network of {@code
 * benchmarks.family}, one {@link Workload} per thread count, all built from the same seed (same
 * weights, same batch).
 */
final class DenseShortcut implements ShortcutSide {
  private static final long SEED = 1;

  private final Config config;
  private final Map<Integer, Workload> workloads = new LinkedHashMap<>();

  DenseShortcut(Config config) {
    this.config = config;
  }

  private Workload workload(int threads) {
    return workloads.computeIfAbsent(threads,
        t -> new Workload(config.width(), config.layers(), config.batch(), t, SEED));
  }

  /** Logits, gradients and parameters after one Adam step, from the starting state. */
  private record Results(float[] logits, float[] gradients, float[] after) {
    boolean bitIdentical(Results o) {
      return Arrays.equals(logits, o.logits) && Arrays.equals(gradients, o.gradients) && Arrays.equals(after, o.after);
    }
  }

  private Results results(Workload w) {
    w.reset();
    FloatNetwork net = w.network();
    w.lossAndGradients();
    float[] logits = Arrays.copyOf(net.output(), config.batch() * net.architecture().outputs());
    float[] gradients = net.gradients().clone();
    w.optimizerStep();
    float[] after = net.parameters().clone();
    w.reset();
    return new Results(logits, gradients, after);
  }

  @Override
  public Set<Integer> writeReference(Path file, int[] threadCounts) throws IOException {
    Workload base = workload(1);
    base.reset();
    FloatNetwork net = base.network();
    Architecture a = net.architecture();
    List<SafeTensors.Tensor> tensors = new ArrayList<>();
    for (ParameterTable.Parameter p : a.parameters().all()) {
      tensors.add(SafeTensors.Tensor.ofFloats(p.name(), shape(p), net.parameters(), p.offset(), p.size()));
    }
    int batch = config.batch();
    tensors.add(SafeTensors.Tensor.ofFloats("input", new long[] {batch, a.inputs()}, net.input(), 0,
        batch * a.inputs()));
    float[] labels = new float[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = base.labels()[i];
    }
    tensors.add(SafeTensors.Tensor.ofFloats("labels", new long[] {batch}, labels, 0, batch));

    Results one = results(base);
    add(tensors, a, 1, one);
    Set<Integer> identical = new TreeSet<>();
    for (int threads : threadCounts) {
      if (threads == 1) {
        continue;
      }
      Results r = results(workload(threads));
      if (r.bitIdentical(one)) {
        identical.add(threads);
      } else {
        add(tensors, a, threads, r);
      }
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("family", "residual_mlp");
    meta.put("kind", config.kind());
    meta.put("architecture", architectureJson(a));
    meta.put("optimizer", Json.line(Map.of("name", "adam", "lr", Workload.LEARNING_RATE, "betas",
        List.of(Workload.BETA1, Workload.BETA2), "eps", Workload.EPSILON)));
    SafeTensors.write(file, tensors, meta);
    return identical;
  }

  private static long[] shape(ParameterTable.Parameter p) {
    return Arrays.stream(p.shape()).asLongStream().toArray();
  }

  private void add(List<SafeTensors.Tensor> tensors, Architecture a, int threads, Results r) {
    String prefix = "shortcut.t" + threads + ".";
    tensors.add(SafeTensors.Tensor.ofFloats(prefix + "logits", new long[] {config.batch(), a.outputs()}, r.logits, 0,
        r.logits.length));
    for (ParameterTable.Parameter p : a.parameters().all()) {
      tensors.add(SafeTensors.Tensor.ofFloats(prefix + "grad." + p.name(), shape(p), r.gradients, p.offset(),
          p.size()));
      tensors.add(SafeTensors.Tensor.ofFloats(prefix + "step." + p.name(), shape(p), r.after, p.offset(), p.size()));
    }
  }

  /** Layers and blocks, as compare.py builds them into torch modules. */
  static String architectureJson(Architecture a) {
    List<Object> layers = new ArrayList<>();
    for (Architecture.Layer layer : a.layers()) {
      Architecture.DenseLayer l = (Architecture.DenseLayer) layer; // the dense family has dense layers only
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", l.name());
      m.put("in", l.inputs());
      m.put("out", l.units());
      m.put("act", l.activation().name());
      layers.add(m);
    }
    List<Object> blocks = new ArrayList<>();
    for (Architecture.Block b : a.blocks()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", b.name());
      m.put("in", b.inputs());
      m.put("out", b.outputs());
      m.put("shortcut", b.shortcut().name());
      m.put("first", b.firstLayer());
      m.put("last", b.lastLayer());
      blocks.add(m);
    }
    Map<String, Object> arch = new LinkedHashMap<>();
    arch.put("layers", layers);
    arch.put("blocks", blocks);
    return Json.line(arch);
  }

  @Override
  public Trial trial(int threads, double seconds, int minSteps) {
    Workload w = workload(threads);
    w.reset();
    return Trial.ofShortcut(config, threads, seconds, minSteps, config.kind().equals("train") ? w::trainStep : w::infer);
  }
}
