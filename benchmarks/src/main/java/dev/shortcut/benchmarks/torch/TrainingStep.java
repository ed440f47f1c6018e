package dev.shortcut.benchmarks.torch;

import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.BufferTable;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.Shape;
import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.checkpoint.SafeTensors;
import dev.shortcut.runtime.loss.SoftmaxCrossEntropy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What one network computes, written for {@code torch_check.py} to compare with PyTorch. The files
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
 *       statistics that training pass updated);
 *   <li>{@code NAME.after.safetensors}: the state after that pass, by {@link Checkpoints#save}:
 *       the same parameters, the running statistics and batch counts it updated.
 * </ul>
 */
final class TrainingStep {
  private TrainingStep() {}

  /**
   * Draws every batch normalization's γ, β, running mean and variance and batch count, and the
   * biases, at random, so that the checkpoint's names and layouts are tested by values that differ
   * per channel (a fresh network's γ = 1, β = 0, mean 0 and variance 1 would not notice a swap or
   * a permutation of them, and its zero-initialized last γ would silence whole residual branches),
   * then writes the case's files.
   */
  static void write(Path dir, String name, FloatNetwork net, int batch, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    randomizeNormalizationAndBiases(net, random);
    Checkpoints.save(net, dir.resolve(name + ".init.safetensors"));

    Architecture a = net.architecture();
    int classes = a.outputs();
    float[] x = net.input();
    for (int i = 0; i < batch * a.inputs(); i++) {
      x[i] = (float) gaussian(random);
    }
    int[] labels = new int[batch];
    long[] labelsI64 = new long[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = random.nextInt(classes);
      labelsI64[i] = labels[i];
    }
    long[] inputShape = nhwc(a.input(), batch);
    SafeTensors.write(dir.resolve(name + ".batch.safetensors"), List.of(
        SafeTensors.Tensor.ofFloats("input", inputShape, x, 0, batch * a.inputs()),
        SafeTensors.Tensor.ofLongs("labels", new long[] {batch}, labelsI64, 0, batch)), Map.of());

    List<SafeTensors.Tensor> results = new ArrayList<>();
    long[] logitsShape = {batch, classes};
    net.setTraining(false);
    net.forward(batch);
    results.add(SafeTensors.Tensor.ofFloats("eval_before.logits", logitsShape, net.output(), 0, batch * classes));

    net.setTraining(true);
    net.forward(batch);
    results.add(SafeTensors.Tensor.ofFloats("train.logits", logitsShape, net.output(), 0, batch * classes));
    double loss = SoftmaxCrossEntropy.lossAndGradient(net.output(), batch, classes, labels, 0,
        net.outputGradient()) / batch;
    results.add(SafeTensors.Tensor.ofDoubles("train.loss", new long[0], new double[] {loss}, 0, 1));
    net.zeroGradients();
    net.backward(batch, true);
    for (ParameterTable.Parameter p : a.parameters().all()) {
      results.add(SafeTensors.Tensor.ofFloats("grad." + p.name(), torchShape(p.shape()),
          inTorchOrder(net.gradients(), p), 0, p.size()));
    }
    results.add(SafeTensors.Tensor.ofFloats("train.input_grad", inputShape, net.inputGradient(), 0,
        batch * a.inputs()));
    Checkpoints.save(net, dir.resolve(name + ".after.safetensors"));

    net.setTraining(false);
    net.forward(batch);
    results.add(SafeTensors.Tensor.ofFloats("eval_after.logits", logitsShape, net.output(), 0, batch * classes));
    SafeTensors.write(dir.resolve(name + ".shortcut.safetensors"), results, Map.of("network", a.name()));
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

  private static void randomizeNormalizationAndBiases(FloatNetwork net, SplittableRandom random) {
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

  /** {@code values[p.offset() ..]} (stored in {@code p.layout()}) in PyTorch's row-major order. */
  private static float[] inTorchOrder(float[] values, ParameterTable.Parameter p) {
    float[] torch = new float[p.size()];
    for (int t = 0; t < p.size(); t++) {
      torch[t] = values[p.offset() + p.layout().storedIndex(t, p.shape())];
    }
    return torch;
  }

  private static long[] torchShape(int[] shape) {
    return Arrays.stream(shape).asLongStream().toArray();
  }

  private static long[] nhwc(Shape input, int batch) {
    return new long[] {batch, input.height(), input.width(), input.channels()};
  }

  private static double gaussian(SplittableRandom random) {
    // Box–Muller: SplittableRandom has no nextGaussian on Java 17.
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
