package dev.shortcut.runtime.testing;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Init;
import dev.shortcut.annotations.Loss;
import dev.shortcut.annotations.Precision;
import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.DoubleNetwork;
import dev.shortcut.runtime.init.Initialization;
import dev.shortcut.runtime.kernel.Kernels;
import java.util.Arrays;

/**
 * A hand-written double-precision network, for the double paths: a hidden ReLU layer and a linear
 * head, {@code in → hidden → out}. It does not report its layers' outputs (the interface default).
 */
public final class TinyDoubleNetwork implements DoubleNetwork {
  private final int in;
  private final int hidden;
  private final int out;
  private final int maxBatch;
  private final Architecture architecture;
  private final Kernels kernels = Kernels.singleThreaded();
  private final double[] parameters;
  private final double[] gradients;
  private final double[] input;
  private final double[] output;
  private final double[] inputGradient;
  private final double[] outputGradient;
  private final double[] h;
  private final double[] dh;
  private final int hiddenW;
  private final int hiddenB;
  private final int headW;
  private final int headB;

  public TinyDoubleNetwork(int in, int hidden, int out, int maxBatch, long seed) {
    this.in = in;
    this.hidden = hidden;
    this.out = out;
    this.maxBatch = maxBatch;
    hiddenW = 0;
    hiddenB = hidden * in;
    headW = hiddenB + hidden;
    headB = headW + out * hidden;
    architecture = Architecture.builder("TinyDoubleNetwork", in, out, Loss.SOFTMAX_CROSS_ENTROPY, Precision.DOUBLE,
            true)
        .dense("hidden", in, hidden, Activation.RELU, Init.HE_NORMAL, hiddenW, hiddenB, null)
        .dense("head", hidden, out, Activation.NONE, Init.XAVIER_NORMAL, headW, headB, null)
        .build();
    parameters = new double[headB + out];
    gradients = new double[parameters.length];
    input = new double[maxBatch * in];
    output = new double[maxBatch * out];
    inputGradient = new double[maxBatch * in];
    outputGradient = new double[maxBatch * out];
    h = new double[maxBatch * hidden];
    dh = new double[maxBatch * hidden];
    Initialization.apply(this, seed);
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
    kernels.matmulABt(b, hidden, in, input, 0, parameters, hiddenW, h, 0, false);
    kernels.biasActivation(b, hidden, h, 0, parameters, hiddenB, Activation.RELU);
    kernels.matmulABt(b, out, hidden, h, 0, parameters, headW, output, 0, false);
    kernels.biasActivation(b, out, output, 0, parameters, headB, Activation.NONE);
  }

  @Override
  public void backward(int b, boolean wantInput) {
    kernels.activationBackward(b, out, output, 0, outputGradient, 0, Activation.NONE, gradients, headB);
    kernels.matmulAtB(out, hidden, b, outputGradient, 0, h, 0, gradients, headW, true);
    kernels.matmulAB(b, hidden, out, outputGradient, 0, parameters, headW, dh, 0, false);
    kernels.activationBackward(b, hidden, h, 0, dh, 0, Activation.RELU, gradients, hiddenB);
    kernels.matmulAtB(hidden, in, b, dh, 0, input, 0, gradients, hiddenW, true);
    if (wantInput) {
      kernels.matmulAB(b, in, hidden, dh, 0, parameters, hiddenW, inputGradient, 0, false);
    }
  }

  @Override
  public void zeroGradients() {
    Arrays.fill(gradients, 0);
  }

  @Override
  public double[] parameters() {
    return parameters;
  }

  @Override
  public double[] gradients() {
    return gradients;
  }

  @Override
  public double[] input() {
    return input;
  }

  @Override
  public double[] output() {
    return output;
  }

  @Override
  public double[] outputGradient() {
    return outputGradient;
  }

  @Override
  public double[] inputGradient() {
    return inputGradient;
  }
}
