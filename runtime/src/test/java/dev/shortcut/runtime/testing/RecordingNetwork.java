package dev.shortcut.runtime.testing;

import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.FloatNetwork;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A float network around another that keeps a mode of its own and records, for every forward
 * pass, the mode it ran in and a copy of the input rows it was given: what a trainer fed it, and
 * when.
 */
public final class RecordingNetwork implements FloatNetwork {
  /** One forward pass: its mode and its input rows. */
  public record Pass(boolean training, float[] input) {}

  private final FloatNetwork inner;
  private final List<Pass> passes = new ArrayList<>();
  private boolean training = true;

  public RecordingNetwork(FloatNetwork inner) {
    this.inner = inner;
  }

  /** Every forward pass so far. */
  public List<Pass> passes() {
    return passes;
  }

  @Override
  public void forward(int batch) {
    passes.add(new Pass(training, Arrays.copyOf(inner.input(), batch * inner.architecture().inputs())));
    inner.forward(batch);
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
  public Architecture architecture() {
    return inner.architecture();
  }

  @Override
  public int maxBatch() {
    return inner.maxBatch();
  }

  @Override
  public void backward(int batch, boolean inputGradient) {
    inner.backward(batch, inputGradient);
  }

  @Override
  public void zeroGradients() {
    inner.zeroGradients();
  }

  @Override
  public float[] parameters() {
    return inner.parameters();
  }

  @Override
  public float[] gradients() {
    return inner.gradients();
  }

  @Override
  public float[] input() {
    return inner.input();
  }

  @Override
  public float[] output() {
    return inner.output();
  }

  @Override
  public float[] outputGradient() {
    return inner.outputGradient();
  }

  @Override
  public float[] inputGradient() {
    return inner.inputGradient();
  }
}
