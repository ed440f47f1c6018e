package dev.shortcut.runtime.testing;

import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.FloatNetwork;

/**
 * A float network that is only its arrays, sized from any {@link Architecture}: for what needs a
 * network's storage but not its arithmetic (initialization, checkpoints, tables). Forward and
 * backward refuse to run.
 */
public final class ArraysOnlyNetwork implements FloatNetwork {
  private final Architecture architecture;
  private final int maxBatch;
  private final float[] parameters;
  private final float[] gradients;
  private final float[] buffers;
  private final long[] batchCounts;
  private final float[] input;
  private final float[] output;
  private boolean training = true;

  public ArraysOnlyNetwork(Architecture architecture, int maxBatch) {
    this.architecture = architecture;
    this.maxBatch = maxBatch;
    parameters = new float[architecture.parameterCount()];
    gradients = new float[parameters.length];
    buffers = new float[architecture.buffers().totalSize()];
    batchCounts = new long[architecture.buffers().counters().size()];
    input = new float[maxBatch * architecture.inputs()];
    output = new float[maxBatch * architecture.outputs()];
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
  public void forward(int batch) {
    throw new UnsupportedOperationException("arrays only");
  }

  @Override
  public void backward(int batch, boolean inputGradient) {
    throw new UnsupportedOperationException("arrays only");
  }

  @Override
  public void zeroGradients() {
    java.util.Arrays.fill(gradients, 0f);
  }

  @Override
  public void setTraining(boolean training) {
    this.training = training;
  }

  @Override
  public boolean isTraining() {
    return training;
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
  public float[] buffers() {
    return buffers;
  }

  @Override
  public long[] batchCounts() {
    return batchCounts;
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
    return output;
  }

  @Override
  public float[] inputGradient() {
    return input;
  }
}
