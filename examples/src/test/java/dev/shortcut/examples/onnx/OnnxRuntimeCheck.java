package dev.shortcut.examples.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.shortcut.annotations.Precision;
import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.NetworkArrays;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.Shape;
import dev.shortcut.runtime.Values;
import dev.shortcut.runtime.onnx.Onnx;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs an exported model in ONNX Runtime on the inputs a network just saw, and measures how far
 * the two outputs are apart.
 *
 * <p>The norm: for a batch, {@code max |onnx − shortcut| / max |shortcut|} over every element of
 * every row (the L∞ norm of the difference over the L∞ norm of Shortcut's output). Dividing by the
 * largest logit, not by each one, keeps a logit near zero from inflating the ratio.
 */
final class OnnxRuntimeCheck {
  private OnnxRuntimeCheck() {}

  /**
   * One comparison: Shortcut's output, the model's, their relative difference, and the element
   * where they differ most.
   */
  record Comparison(double[] shortcut, double[] onnx, double relativeDifference, int worst) {
    /** The element that differs most, for a failure message. */
    String worstElement() {
      return "element " + worst + ": Shortcut " + shortcut[worst] + ", ONNX " + onnx[worst];
    }
  }

  /**
   * Gives every parameter a value that shows in the output: batch-normalization scales in
   * [0.5, 1.5] (zero-initialized last scales would hide a block's main path), shifts and biases
   * in [−0.2, 0.2], and small random weights for a weight tensor initialized to zeros; then, for a
   * network with batch normalization, two forward passes in training mode on random inputs, so
   * the running statistics are the data's, not the initial 0 and 1.
   */
  static void makeNonTrivial(Network net, int batch, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Values parameters = NetworkArrays.of(net).parameters();
    for (ParameterTable.Parameter p : net.architecture().parameters().all()) {
      int from = p.offset();
      int to = from + p.size();
      switch (p.role()) {
        case BN_WEIGHT -> fill(parameters, from, to, () -> 0.5 + random.nextDouble());
        case BN_BIAS, BIAS -> fill(parameters, from, to, () -> 0.4 * random.nextDouble() - 0.2);
        default -> {
          if (parameters.sumOfSquares(from, to) == 0) {
            double scale = 0.3 / Math.sqrt(p.fanIn());
            fill(parameters, from, to, () -> scale * random.nextGaussian());
          }
        }
      }
    }
    if (!net.architecture().buffers().isEmpty()) {
      net.setTraining(true);
      for (int pass = 0; pass < 2; pass++) {
        randomInput(net, batch, random.nextLong());
        net.forward(batch);
      }
      net.setTraining(false);
    }
  }

  private static void fill(Values values, int from, int to, java.util.function.DoubleSupplier value) {
    for (int i = from; i < to; i++) {
      values.set(i, value.getAsDouble());
    }
  }

  /** Fills input rows {@code [0, batch)} with standard normal values. */
  static void randomInput(Network net, int batch, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Values input = NetworkArrays.of(net).input();
    for (int i = 0; i < batch * net.architecture().inputs(); i++) {
      input.set(i, random.nextGaussian());
    }
  }

  /**
   * Runs {@code net} in evaluation mode and the model at {@code model} on the same {@code batch}
   * random rows (transposed from NHWC to NCHW for an image network), and compares the outputs.
   */
  static Comparison compare(Network net, Path model, int batch, long seed) throws OrtException {
    Architecture arch = net.architecture();
    NetworkArrays arrays = NetworkArrays.of(net);
    randomInput(net, batch, seed);
    boolean training = net.isTraining();
    if (!arch.buffers().isEmpty()) {
      net.setTraining(false);
    }
    net.forward(batch);
    net.setTraining(training);
    int outputs = arch.outputs();
    double[] expected = new double[batch * outputs];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = arrays.output().get(i);
    }
    double[] actual = runOnnx(model, arch, arrays.input(), batch);
    double difference = 0;
    double scale = 0;
    int worst = 0;
    for (int i = 0; i < expected.length; i++) {
      if (Math.abs(actual[i] - expected[i]) > difference) {
        difference = Math.abs(actual[i] - expected[i]);
        worst = i;
      }
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    return new Comparison(expected, actual, difference / scale, worst);
  }

  /** The model's output for Shortcut's input rows {@code [0, batch)}, flattened row by row. */
  static double[] runOnnx(Path model, Architecture arch, Values input, int batch) throws OrtException {
    Shape in = arch.input();
    long[] shape = arch.imageInput() ? new long[] {batch, in.channels(), in.height(), in.width()}
        : new long[] {batch, in.size()};
    double[] rows = new double[batch * in.size()];
    for (int n = 0; n < batch; n++) {
      for (int y = 0; y < in.height(); y++) {
        for (int x = 0; x < in.width(); x++) {
          for (int c = 0; c < in.channels(); c++) {
            int nhwc = ((n * in.height() + y) * in.width() + x) * in.channels() + c;
            int nchw = arch.imageInput() ? ((n * in.channels() + c) * in.height() + y) * in.width() + x : nhwc;
            rows[nchw] = input.get(nhwc);
          }
        }
      }
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(2);
      try (OrtSession session = env.createSession(model.toString(), options);
          OnnxTensor tensor = tensor(env, arch.precision(), rows, shape);
          OrtSession.Result result = session.run(Map.of(Onnx.INPUT, tensor))) {
        OnnxValue value = result.get(Onnx.OUTPUT).orElseThrow();
        double[] out = new double[batch * arch.outputs()];
        Object rowsOut = value.getValue();
        for (int n = 0; n < batch; n++) {
          for (int j = 0; j < arch.outputs(); j++) {
            out[n * arch.outputs() + j] = rowsOut instanceof float[][] f ? f[n][j] : ((double[][]) rowsOut)[n][j];
          }
        }
        return out;
      }
    }
  }

  private static OnnxTensor tensor(OrtEnvironment env, Precision precision, double[] values, long[] shape)
      throws OrtException {
    if (precision == Precision.DOUBLE) {
      return OnnxTensor.createTensor(env, DoubleBuffer.wrap(values), shape);
    }
    float[] floats = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      floats[i] = (float) values[i];
    }
    return OnnxTensor.createTensor(env, FloatBuffer.wrap(floats), shape);
  }
}
