package dev.shortcut.benchmarks.compare;

import dev.shortcut.benchmarks.ConvWorkload;
import dev.shortcut.benchmarks.Workload;
import dev.shortcut.benchmarks.torch.TrainingStep;
import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.Shape;
import dev.shortcut.runtime.Values;
import dev.shortcut.runtime.checkpoint.SafeTensors;
import dev.shortcut.runtime.checkpoint.StateTensors;
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
 * Shortcut's side of a convolutional configuration: the paper's CIFAR ResNet-20 or ResNet-56
 * ({@link ConvWorkload}; {@code width} is the image side, 28 or 32), one workload per thread count,
 * all from the same seed. The reference file holds the state in PyTorch's names and layouts ({@link
 * StateTensors}, running statistics included), the batch in NHWC (compare.py permutes it), and per
 * thread count the logits; for training also every gradient and parameter after one Adam step in
 * PyTorch's layouts, and which way each ReLU went ({@link TrainingStep#reluMasks}), so that the
 * float64 reference can follow this side's decisions at float32 ties.
 */
final class ConvShortcut implements ShortcutSide {
  private static final long SEED = 1;

  private final Config config;
  private final int depth;
  private final Map<Integer, ConvWorkload> workloads = new LinkedHashMap<>();

  ConvShortcut(Config config) {
    this.config = config;
    this.depth = switch (config.network()) {
      case "resnet20" -> 20;
      case "resnet56" -> 56;
      default -> throw new IllegalArgumentException("no Shortcut network named " + config.network()
          + " (resnet20, resnet56)");
    };
    if (config.layers() != depth || (config.width() != 28 && config.width() != 32)) {
      throw new IllegalArgumentException(config.label() + ": " + config.network() + " has " + depth
          + " layers and takes 28 × 28 or 32 × 32 images");
    }
  }

  private ConvWorkload workload(int threads) {
    return workloads.computeIfAbsent(threads, t -> new ConvWorkload(depth, config.width(), config.batch(), t, SEED));
  }

  private boolean training() {
    return config.kind().equals("train");
  }

  /** Logits; for training also gradients and parameters after one Adam step (PyTorch's layouts) and ReLU decisions. */
  private record Results(float[] logits, List<SafeTensors.Tensor> gradients, List<SafeTensors.Tensor> after,
      List<SafeTensors.Tensor> relus) {
    boolean bitIdentical(Results o) {
      return Arrays.equals(logits, o.logits) && same(gradients, o.gradients) && same(after, o.after);
    }

    private static boolean same(List<SafeTensors.Tensor> a, List<SafeTensors.Tensor> b) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!Arrays.equals(a.get(i).data(), b.get(i).data())) {
          return false;
        }
      }
      return true;
    }
  }

  private Results results(ConvWorkload w) {
    w.reset();
    FloatNetwork net = w.network();
    int batch = config.batch();
    int classes = net.architecture().outputs();
    if (!training()) {
      w.infer();
      float[] logits = Arrays.copyOf(net.output(), batch * classes);
      return new Results(logits, List.of(), List.of(), List.of());
    }
    w.lossAndGradients();
    float[] logits = Arrays.copyOf(net.output(), batch * classes);
    List<SafeTensors.Tensor> relus = TrainingStep.reluMasks(net, batch);
    List<SafeTensors.Tensor> gradients = inTorchLayout("grad.", net.gradients(), net.architecture());
    w.optimizerStep();
    List<SafeTensors.Tensor> after = inTorchLayout("step.", net.parameters(), net.architecture());
    w.reset();
    return new Results(logits, gradients, after, relus);
  }

  private static List<SafeTensors.Tensor> inTorchLayout(String prefix, float[] values, Architecture a) {
    List<SafeTensors.Tensor> out = new ArrayList<>();
    for (ParameterTable.Parameter p : a.parameters().all()) {
      float[] torch = ((Values.Floats) TrainingStep.inTorchOrder(Values.of(values), p)).array();
      out.add(SafeTensors.Tensor.ofFloats(prefix + p.name(), Arrays.stream(p.shape()).asLongStream().toArray(),
          torch, 0, torch.length));
    }
    return out;
  }

  @Override
  public Set<Integer> writeReference(Path file, int[] threadCounts) throws IOException {
    ConvWorkload base = workload(1);
    base.reset();
    FloatNetwork net = base.network();
    Architecture a = net.architecture();
    int batch = config.batch();
    List<SafeTensors.Tensor> tensors = new ArrayList<>(StateTensors.of(net));
    Shape in = a.input();
    tensors.add(SafeTensors.Tensor.ofFloats("input", new long[] {batch, in.height(), in.width(), in.channels()},
        net.input(), 0, batch * a.inputs()));
    float[] labels = new float[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = base.labels()[i];
    }
    tensors.add(SafeTensors.Tensor.ofFloats("labels", new long[] {batch}, labels, 0, batch));

    Results one = results(base);
    add(tensors, 1, one);
    Set<Integer> identical = new TreeSet<>();
    for (int threads : threadCounts) {
      if (threads == 1) {
        continue;
      }
      Results r = results(workload(threads));
      if (r.bitIdentical(one)) {
        identical.add(threads);
      } else {
        add(tensors, threads, r);
      }
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("family", "cifar_resnet");
    meta.put("kind", config.kind());
    meta.put("architecture", Json.line(Map.of("blocks_per_stage", (depth - 2) / 6, "channels", in.channels(),
        "side", in.height(), "layout", "NHWC input; parameters and gradients in PyTorch's layouts")));
    meta.put("optimizer", Json.line(Map.of("name", "adam", "lr", Workload.LEARNING_RATE, "betas",
        List.of(Workload.BETA1, Workload.BETA2), "eps", Workload.EPSILON)));
    SafeTensors.write(file, tensors, meta);
    return identical;
  }

  private void add(List<SafeTensors.Tensor> tensors, int threads, Results r) {
    String prefix = "shortcut.t" + threads + ".";
    tensors.add(SafeTensors.Tensor.ofFloats(prefix + "logits", new long[] {config.batch(), 10}, r.logits, 0,
        r.logits.length));
    for (List<SafeTensors.Tensor> group : List.of(r.gradients, r.after, r.relus)) {
      for (SafeTensors.Tensor t : group) {
        tensors.add(new SafeTensors.Tensor(prefix + t.name(), t.dtype(), t.shape(), t.data()));
      }
    }
  }

  @Override
  public Trial trial(int threads, double seconds, int minSteps) {
    ConvWorkload w = workload(threads);
    w.reset();
    return Trial.ofShortcut(config, threads, seconds, minSteps, training() ? w::trainStep : w::infer);
  }
}
