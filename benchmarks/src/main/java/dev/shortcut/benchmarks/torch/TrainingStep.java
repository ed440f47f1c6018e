package dev.shortcut.benchmarks.torch;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Precision;
import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.BufferTable;
import dev.shortcut.runtime.DoubleNetwork;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.NetworkArrays;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.Shape;
import dev.shortcut.runtime.Values;
import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.checkpoint.SafeTensors;
import dev.shortcut.runtime.loss.SoftmaxCrossEntropy;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What one network computes, written for {@code torch_check.py} to compare with PyTorch (its helpers
 * for ReLU decisions, random normalization state and PyTorch's layouts serve the comparison's
 * convolutional rows too). The files
 * of case {@code NAME} in the directory:
 *
 * <ul>
 *   <li>{@code NAME.init.safetensors}: the starting state, written by {@link Checkpoints#save}
 *       (so it is also the checkpoint that PyTorch must load with {@code strict=True});
 *   <li>{@code NAME.batch.safetensors}: {@code input} {@code [N, H, W, C]} (NHWC, Shortcut's
 *       layout; PyTorch permutes it to NCHW) and {@code labels} {@code [N]} (I64);
 *   <li>{@code NAME.shortcut.safetensors}: {@code eval_before.logits} (evaluation mode, the
 *       starting state); after one training-mode forward and backward of the mean softmax
 *       cross-entropy, {@code train.logits}, {@code train.loss} (a scalar), {@code grad.<parameter>}
 *       for every parameter in PyTorch's name, shape and layout, and {@code train.input_grad}
 *       {@code [N, H, W, C]}; then {@code eval_after.logits} (evaluation mode, with the running
 *       statistics that training pass updated); and {@code relu.<k>.<layer>}, which way each ReLU
 *       of that training pass went (see {@link #reluMasks});
 *   <li>{@code NAME.after.safetensors}: the state after that pass, by {@link Checkpoints#save}:
 *       the same parameters, the running statistics and batch counts it updated;
 *   <li>with a double-precision twin of the network, {@code NAME.shortcut64.safetensors} and
 *       {@code NAME.after64.safetensors}: the same from the twin, started from the same state
 *       (widened exactly from float) on the same batch.
 * </ul>
 */
public final class TrainingStep {
  private TrainingStep() {}

  /**
   * Draws every batch normalization's γ, β, running mean and variance and batch count, and the
   * biases, at random (see {@link #randomizeNormalizationAndBiases}), then writes the case's files.
   *
   * @param twin a double-precision network of the same declaration, or null
   */
  static void write(Path dir, String name, FloatNetwork net, DoubleNetwork twin, int batch, long seed)
      throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    randomizeNormalizationAndBiases(net, random);
    Checkpoints.save(net, dir.resolve(name + ".init.safetensors"));
    if (twin != null) {
      copyState(net, twin);
    }

    Architecture a = net.architecture();
    float[] x = net.input();
    for (int i = 0; i < batch * a.inputs(); i++) {
      x[i] = (float) gaussian(random);
    }
    int[] labels = new int[batch];
    long[] labelsI64 = new long[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = random.nextInt(a.outputs());
      labelsI64[i] = labels[i];
    }
    SafeTensors.write(dir.resolve(name + ".batch.safetensors"), List.of(
        SafeTensors.Tensor.ofFloats("input", nhwc(a.input(), batch), x, 0, batch * a.inputs()),
        SafeTensors.Tensor.ofLongs("labels", new long[] {batch}, labelsI64, 0, batch)), Map.of());

    step(dir, name, "", net, batch, labels);
    if (twin != null) {
      for (int i = 0; i < batch * a.inputs(); i++) {
        twin.input()[i] = x[i];
      }
      step(dir, name, "64", twin, batch, labels);
    }
  }

  /** Evaluation, one training-mode forward and backward, evaluation again; writes the results. */
  private static void step(Path dir, String name, String suffix, Network net, int batch, int[] labels)
      throws IOException {
    Architecture a = net.architecture();
    NetworkArrays arrays = NetworkArrays.of(net);
    int classes = a.outputs();
    long[] logitsShape = {batch, classes};
    List<SafeTensors.Tensor> results = new ArrayList<>();
    net.setTraining(false);
    net.forward(batch);
    results.add(tensor("eval_before.logits", logitsShape, arrays.output(), 0, batch * classes));

    net.setTraining(true);
    net.forward(batch);
    results.add(tensor("train.logits", logitsShape, arrays.output(), 0, batch * classes));
    results.addAll(reluMasks(net, batch));
    double loss = (net instanceof FloatNetwork f
        ? SoftmaxCrossEntropy.lossAndGradient(f.output(), batch, classes, labels, 0, f.outputGradient())
        : SoftmaxCrossEntropy.lossAndGradient(((DoubleNetwork) net).output(), batch, classes, labels, 0,
            ((DoubleNetwork) net).outputGradient())) / batch;
    results.add(SafeTensors.Tensor.ofDoubles("train.loss", new long[0], new double[] {loss}, 0, 1));
    net.zeroGradients();
    net.backward(batch, true);
    for (ParameterTable.Parameter p : a.parameters().all()) {
      results.add(tensor("grad." + p.name(), torchShape(p.shape()), inTorchOrder(arrays.gradients(), p), 0,
          p.size()));
    }
    Values inputGradient = net instanceof FloatNetwork f ? Values.of(f.inputGradient())
        : Values.of(((DoubleNetwork) net).inputGradient());
    results.add(tensor("train.input_grad", nhwc(a.input(), batch), inputGradient, 0, batch * a.inputs()));
    Checkpoints.save(net, dir.resolve(name + ".after" + suffix + ".safetensors"));

    net.setTraining(false);
    net.forward(batch);
    results.add(tensor("eval_after.logits", logitsShape, arrays.output(), 0, batch * classes));
    SafeTensors.write(dir.resolve(name + ".shortcut" + suffix + ".safetensors"), results,
        Map.of("network", a.name()));
  }

  /**
   * Which way each ReLU went in the training-mode forward pass just run: for the k-th layer (in
   * forward order) whose activation is a ReLU, {@code relu.<k>.<layer>}, {@code [N, H, W, C]}
   * bytes (U8), 1 where the output is positive. Float32 may round a value within about 1e-7 of
   * zero to either side of the kink, and that decides its whole gradient, so {@code
   * torch_check.py} evaluates its float64 reference along these decisions (checking that they
   * differ from float64's own only at such ties). The outputs are read from the network's own
   * {@code activations} array (private: read reflectively), where layer i's output starts at
   * {@code maxBatch} times the sizes of the layers before it, the layout {@link
   * dev.shortcut.runtime.kernel.Kernels#firstNonFiniteLayer} reads.
   */
  public static List<SafeTensors.Tensor> reluMasks(Network net, int batch) {
    Values activations = activations(net);
    List<Architecture.Layer> layers = net.architecture().layers();
    List<SafeTensors.Tensor> masks = new ArrayList<>();
    long offset = 0;
    for (int i = 0; i < layers.size() - 1; i++) { // the last layer writes output(), not activations
      Architecture.Layer layer = layers.get(i);
      int size = layer.output().size();
      if (layer.activation() == Activation.RELU) {
        int from = Math.toIntExact(offset * net.maxBatch());
        byte[] mask = new byte[batch * size];
        for (int j = 0; j < mask.length; j++) {
          mask[j] = (byte) (activations.get(from + j) > 0 ? 1 : 0);
        }
        masks.add(new SafeTensors.Tensor(String.format(Locale.ROOT, "relu.%03d.%s", masks.size(), layer.name()), "U8",
            nhwc(layer.output(), batch), mask));
      }
      offset += size;
    }
    return masks;
  }

  private static Values activations(Network net) {
    try {
      Field field = net.getClass().getDeclaredField("activations");
      field.setAccessible(true);
      Object array = field.get(net);
      return array instanceof float[] f ? Values.of(f) : Values.of((double[]) array);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(net.name() + " keeps no activations array this tool can read", e);
    }
  }

  /**
   * Loads {@code NAME.state.safetensors} (a state dict that PyTorch wrote) into {@code net} with
   * {@link Checkpoints#load}, runs the batch of {@code NAME.batch.safetensors} (NHWC) in evaluation
   * mode, and writes {@code eval.logits} to {@code NAME.shortcut.safetensors}.
   */
  static void evaluateLoaded(Path dir, String name, FloatNetwork net) throws IOException {
    Checkpoints.load(net, dir.resolve(name + ".state.safetensors"));
    SafeTensors.Contents batchFile = SafeTensors.read(dir.resolve(name + ".batch.safetensors"));
    SafeTensors.Tensor input = batchFile.tensors().get("input");
    Architecture a = net.architecture();
    long[] expected = nhwc(a.input(), (int) input.shape()[0]);
    if (!input.dtype().equals("F32") || !Arrays.equals(input.shape(), expected)) {
      throw new IllegalArgumentException(name + ": input is " + input.dtype() + " " + Arrays.toString(input.shape())
          + ", expected F32 " + Arrays.toString(expected));
    }
    int batch = (int) expected[0];
    input.copyTo(net.input(), 0);
    net.setTraining(false);
    net.forward(batch);
    SafeTensors.write(dir.resolve(name + ".shortcut.safetensors"), List.of(SafeTensors.Tensor.ofFloats(
        "eval.logits", new long[] {batch, a.outputs()}, net.output(), 0, batch * a.outputs())),
        Map.of("network", a.name()));
  }

  /**
   * γ in [0.5, 1.5), β and biases in [-0.2, 0.2), running means in [-0.2, 0.2), variances in
   * [0.5, 1.5), batch counts below 1,000: values that differ per channel test the checkpoint's
   * names and layouts (a fresh network's γ = 1, β = 0, mean 0 and variance 1 would not notice a
   * swap or a permutation of them), and a γ that is not 0 keeps every residual branch in the
   * gradients (the paper's blocks start their last γ at 0).
   */
  public static void randomizeNormalizationAndBiases(FloatNetwork net, SplittableRandom random) {
    Architecture a = net.architecture();
    float[] parameters = net.parameters();
    for (ParameterTable.Parameter p : a.parameters().all()) {
      double low;
      double high;
      switch (p.role()) {
        case BN_WEIGHT -> {
          low = 0.5;
          high = 1.5;
        }
        case BN_BIAS, BIAS -> {
          low = -0.2;
          high = 0.2;
        }
        default -> {
          continue;
        }
      }
      for (int i = p.offset(); i < p.offset() + p.size(); i++) {
        parameters[i] = (float) random.nextDouble(low, high);
      }
    }
    float[] buffers = net.buffers();
    for (BufferTable.Buffer b : a.buffers().all()) {
      boolean mean = b.kind() == BufferTable.Kind.RUNNING_MEAN;
      for (int i = b.offset(); i < b.offset() + b.size(); i++) {
        buffers[i] = (float) (mean ? random.nextDouble(-0.2, 0.2) : random.nextDouble(0.5, 1.5));
      }
    }
    long[] counts = net.batchCounts();
    for (int i = 0; i < counts.length; i++) {
      counts[i] = random.nextInt(1000);
    }
  }

  /** Parameters, buffers and counts of {@code from} into {@code to}, tensor by tensor by name. */
  private static void copyState(Network from, Network to) {
    NetworkArrays source = NetworkArrays.of(from);
    NetworkArrays target = NetworkArrays.of(to);
    for (ParameterTable.Parameter p : from.architecture().parameters().all()) {
      ParameterTable.Parameter q = to.architecture().parameters().get(p.name());
      if (!Arrays.equals(p.shape(), q.shape())) {
        throw new IllegalStateException(p.name() + " is " + p.shapeString() + " in " + from.name() + " but "
            + q.shapeString() + " in " + to.name());
      }
      for (int t = 0; t < p.size(); t++) {
        target.parameters().set(q.offset() + q.layout().storedIndex(t, q.shape()),
            source.parameters().get(p.offset() + p.layout().storedIndex(t, p.shape())));
      }
    }
    for (BufferTable.Buffer b : from.architecture().buffers().all()) {
      BufferTable.Buffer c = to.architecture().buffers().get(b.name());
      for (int i = 0; i < b.size(); i++) {
        target.buffers().set(c.offset() + i, source.buffers().get(b.offset() + i));
      }
    }
    for (BufferTable.Counter c : from.architecture().buffers().counters()) {
      to.batchCounts()[to.architecture().buffers().counter(c.name()).index()] = from.batchCounts()[c.index()];
    }
  }

  /** {@code values[p.offset() ..]} (stored in {@code p.layout()}) in PyTorch's row-major order. */
  public static Values inTorchOrder(Values values, ParameterTable.Parameter p) {
    Values torch = values.precision() == Precision.DOUBLE ? Values.of(new double[p.size()])
        : Values.of(new float[p.size()]);
    for (int t = 0; t < p.size(); t++) {
      torch.set(t, values.get(p.offset() + p.layout().storedIndex(t, p.shape())));
    }
    return torch;
  }

  private static SafeTensors.Tensor tensor(String name, long[] shape, Values values, int offset, int size) {
    if (values instanceof Values.Floats f) {
      return SafeTensors.Tensor.ofFloats(name, shape, f.array(), offset, size);
    }
    return SafeTensors.Tensor.ofDoubles(name, shape, ((Values.Doubles) values).array(), offset, size);
  }

  private static long[] torchShape(int[] shape) {
    return Arrays.stream(shape).asLongStream().toArray();
  }

  private static long[] nhwc(Shape input, int batch) {
    return new long[] {batch, input.height(), input.width(), input.channels()};
  }

  /** A standard normal draw. */
  public static double gaussian(SplittableRandom random) {
    // Box–Muller: SplittableRandom has no nextGaussian on Java 17.
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
