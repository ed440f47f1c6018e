package dev.shortcut.runtime.testing;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Init;
import dev.shortcut.annotations.Loss;
import dev.shortcut.annotations.Precision;
import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Shape;
import dev.shortcut.runtime.ShortcutKind;
import dev.shortcut.runtime.data.ImageShape;
import dev.shortcut.runtime.init.Initialization;
import dev.shortcut.runtime.kernel.Kernels;
import java.util.Arrays;

/**
 * A hand-written network in the shape the processor generates (runtime tests cannot use the
 * processor, which builds after the runtime): stem, one two-layer residual block with an identity
 * shortcut, head.
 */
public final class TinyResidualNetwork implements FloatNetwork {
  private final int in;
  private final int hidden;
  private final int out;
  private final int maxBatch;
  private final Architecture architecture;
  private final Kernels kernels = Kernels.singleThreaded();
  private final float[] parameters;
  private final float[] gradients;
  private final float[] input;
  private final float[] output;
  private final float[] inputGradient;
  private final float[] outputGradient;
  private final float[] h0;
  private final float[] h1;
  private final float[] h2;
  private final float[] d0;
  private final float[] d1;
  private final float[] d2;
  private final int stemW;
  private final int stemB;
  private final int fc1W;
  private final int fc1B;
  private final int fc2W;
  private final int fc2B;
  private final int headW;
  private final int headB;

  public TinyResidualNetwork(int in, int hidden, int out, int maxBatch, long seed, Loss loss) {
    this(null, in, hidden, out, maxBatch, seed, loss);
  }

  /**
   * The same network over images of {@code image} (stored HWC; the stem reads them flattened), so
   * that training checks image shapes and may augment.
   */
  public TinyResidualNetwork(ImageShape image, int hidden, int out, int maxBatch, long seed) {
    this(image, image.size(), hidden, out, maxBatch, seed, Loss.SOFTMAX_CROSS_ENTROPY);
  }

  private TinyResidualNetwork(ImageShape image, int in, int hidden, int out, int maxBatch, long seed, Loss loss) {
    this.in = in;
    this.hidden = hidden;
    this.out = out;
    this.maxBatch = maxBatch;
    stemW = 0;
    stemB = stemW + hidden * in;
    fc1W = stemB + hidden;
    fc1B = fc1W + hidden * hidden;
    fc2W = fc1B + hidden;
    fc2B = fc2W + hidden * hidden;
    headW = fc2B + hidden;
    headB = headW + out * hidden;
    int count = headB + out;
    Shape inputShape = image == null ? Shape.flat(in) : Shape.of(image);
    Architecture.Builder b = image == null
        ? Architecture.builder("TinyResidualNetwork", in, out, loss, Precision.FLOAT, true)
        : Architecture.builder("TinyResidualNetwork", inputShape, out, loss, Precision.FLOAT, true);
    architecture = b
        .dense("stem", inputShape, hidden, Activation.RELU, Init.HE_NORMAL, stemW, stemB, null)
        .dense("body.0.fc1", hidden, hidden, Activation.RELU, Init.HE_NORMAL, fc1W, fc1B, "body.0")
        .dense("body.0.fc2", hidden, hidden, Activation.RELU, Init.ZERO, fc2W, fc2B, "body.0")
        .dense("head", hidden, out, Activation.NONE, Init.XAVIER_NORMAL, headW, headB, null)
        .block("body.0", hidden, hidden, ShortcutKind.IDENTITY, Init.HE_NORMAL, -1, 1, 2)
        .build();
    parameters = new float[count];
    gradients = new float[count];
    input = new float[maxBatch * in];
    output = new float[maxBatch * out];
    inputGradient = new float[maxBatch * in];
    outputGradient = new float[maxBatch * out];
    h0 = new float[maxBatch * hidden];
    h1 = new float[maxBatch * hidden];
    h2 = new float[maxBatch * hidden];
    d0 = new float[maxBatch * hidden];
    d1 = new float[maxBatch * hidden];
    d2 = new float[maxBatch * hidden];
    Initialization.apply(this, seed);
  }

  /** A classifier with softmax cross-entropy. */
  public TinyResidualNetwork(int in, int hidden, int out, int maxBatch, long seed) {
    this(in, hidden, out, maxBatch, seed, Loss.SOFTMAX_CROSS_ENTROPY);
  }

  @Override
  public Architecture architecture() {
    return architecture;
  }

  @Override
  public int maxBatch() {
    return maxBatch;
  }

  @Override
  public void forward(int b) {
    kernels.matmulABt(b, hidden, in, input, 0, parameters, stemW, h0, 0, false);
    kernels.biasActivation(b, hidden, h0, 0, parameters, stemB, Activation.RELU);
    kernels.matmulABt(b, hidden, hidden, h0, 0, parameters, fc1W, h1, 0, false);
    kernels.biasActivation(b, hidden, h1, 0, parameters, fc1B, Activation.RELU);
    kernels.matmulABt(b, hidden, hidden, h1, 0, parameters, fc2W, h2, 0, false);
    kernels.biasShortcutActivation(b, hidden, h2, 0, parameters, fc2B, h0, 0, Activation.RELU);
    kernels.matmulABt(b, out, hidden, h2, 0, parameters, headW, output, 0, false);
    kernels.biasActivation(b, out, output, 0, parameters, headB, Activation.NONE);
  }

  @Override
  public void backward(int b, boolean wantInput) {
    kernels.activationBackward(b, out, output, 0, outputGradient, 0, Activation.NONE, gradients, headB);
    kernels.matmulAtB(out, hidden, b, outputGradient, 0, h2, 0, gradients, headW, true);
    kernels.matmulAB(b, hidden, out, outputGradient, 0, parameters, headW, d2, 0, false);
    kernels.activationBackward(b, hidden, h2, 0, d2, 0, Activation.RELU, gradients, fc2B);
    kernels.copy(b * hidden, d2, 0, d0, 0);
    kernels.matmulAtB(hidden, hidden, b, d2, 0, h1, 0, gradients, fc2W, true);
    kernels.matmulAB(b, hidden, hidden, d2, 0, parameters, fc2W, d1, 0, false);
    kernels.activationBackward(b, hidden, h1, 0, d1, 0, Activation.RELU, gradients, fc1B);
    kernels.matmulAtB(hidden, hidden, b, d1, 0, h0, 0, gradients, fc1W, true);
    kernels.matmulAB(b, hidden, hidden, d1, 0, parameters, fc1W, d0, 0, true);
    kernels.activationBackward(b, hidden, h0, 0, d0, 0, Activation.RELU, gradients, stemB);
    kernels.matmulAtB(hidden, in, b, d0, 0, input, 0, gradients, stemW, true);
    if (wantInput) {
      kernels.matmulAB(b, in, hidden, d0, 0, parameters, stemW, inputGradient, 0, false);
    }
  }

  @Override
  public int firstNonFiniteLayer(int b) {
    float[][] outputs = {h0, h1, h2, output};
    int[] widths = {hidden, hidden, hidden, out};
    for (int layer = 0; layer < outputs.length; layer++) {
      if (Kernels.firstNonFinite(outputs[layer], 0, b * widths[layer]) >= 0) {
        return layer;
      }
    }
    return -1;
  }

  @Override
  public void zeroGradients() {
    Arrays.fill(gradients, 0f);
  }

  @Override
  public float[] parameters() {
    return parameters;
  }

  @Override
  public float[] gradients() {
    return gradients;
  }

  @Override
  public float[] input() {
    return input;
  }

  @Override
  public float[] output() {
    return output;
  }

  @Override
  public float[] outputGradient() {
    return outputGradient;
  }

  @Override
  public float[] inputGradient() {
    return inputGradient;
  }
}
