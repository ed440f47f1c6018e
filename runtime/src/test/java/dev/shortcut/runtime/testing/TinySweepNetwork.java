package dev.shortcut.runtime.testing;

import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.kernel.Kernels;

/**
 * {@link TinyResidualNetwork} (8 inputs, 12 hidden units, 3 classes) behind the public
 * {@code (maxBatch, seed, kernels)} constructor every generated network has, so that sweeps can
 * build it by class name.
 */
public final class TinySweepNetwork implements FloatNetwork {
  public static final int INPUTS = 8;
  public static final int CLASSES = 3;
  private final TinyResidualNetwork net;

  public TinySweepNetwork(int maxBatch, long seed, Kernels kernels) {
    this.net = new TinyResidualNetwork(INPUTS, 12, CLASSES, maxBatch, seed);
  }

  @Override
  public Architecture architecture() {
    return net.architecture();
  }

  @Override
  public int maxBatch() {
    return net.maxBatch();
  }

  @Override
  public void forward(int batch) {
    net.forward(batch);
  }

  @Override
  public void backward(int batch, boolean inputGradient) {
    net.backward(batch, inputGradient);
  }

  @Override
  public void zeroGradients() {
    net.zeroGradients();
  }

  @Override
  public float[] parameters() {
    return net.parameters();
  }

  @Override
  public float[] gradients() {
    return net.gradients();
  }

  @Override
  public float[] input() {
    return net.input();
  }

  @Override
  public float[] output() {
    return net.output();
  }

  @Override
  public float[] outputGradient() {
    return net.outputGradient();
  }

  @Override
  public float[] inputGradient() {
    return net.inputGradient();
  }
}
