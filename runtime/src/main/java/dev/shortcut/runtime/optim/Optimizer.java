package dev.shortcut.runtime.optim;

import dev.shortcut.runtime.DoubleNetwork;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Network;
import java.util.List;

/**
 * Updates a network's parameters from its gradients. State (momentum, moments) is one array per
 * kind, the size of the parameter array, allocated on the first step; a step allocates nothing.
 * An optimizer serves one network.
 */
public abstract class Optimizer {
  private final double learningRate;
  private final double weightDecay;
  private float[][] floatState;
  private double[][] doubleState;
  private long steps;

  Optimizer(double learningRate, double weightDecay) {
    if (!(learningRate > 0) || !(weightDecay >= 0)) {
      throw new IllegalArgumentException(
          "learning rate must be > 0 and weight decay ≥ 0, got " + learningRate + ", " + weightDecay);
    }
    this.learningRate = learningRate;
    this.weightDecay = weightDecay;
  }

  /** The base learning rate, which schedules scale. */
  public double learningRate() {
    return learningRate;
  }

  /** Weight-decay coefficient. */
  public double weightDecay() {
    return weightDecay;
  }

  /** Updates applied so far. */
  public long steps() {
    return steps;
  }

  /** A short name, for logs and checkpoints ({@code "adam"}). */
  public abstract String name();

  /** Names of the per-parameter state arrays ({@code "m"}, {@code "v"}), possibly none. */
  public abstract List<String> stateNames();

  /** Applies one update at learning rate {@code rate} (the schedule's value for this step). */
  public final void step(Network network, double rate) {
    steps++;
    if (network instanceof FloatNetwork f) {
      if (floatState == null) {
        floatState = new float[stateNames().size()][f.parameters().length];
      }
      update(f.parameters(), f.gradients(), floatState, rate, steps);
    } else if (network instanceof DoubleNetwork d) {
      if (doubleState == null) {
        doubleState = new double[stateNames().size()][d.parameters().length];
      }
      update(d.parameters(), d.gradients(), doubleState, rate, steps);
    } else {
      throw new IllegalArgumentException("unsupported network type " + network.getClass());
    }
  }

  /** Float state arrays (null before the first step on a float network), for checkpoints. */
  public float[][] floatState(int parameterCount) {
    if (floatState == null) {
      floatState = new float[stateNames().size()][parameterCount];
    }
    return floatState;
  }

  /** Double state arrays, for checkpoints. */
  public double[][] doubleState(int parameterCount) {
    if (doubleState == null) {
      doubleState = new double[stateNames().size()][parameterCount];
    }
    return doubleState;
  }

  /** Restores the step count from a checkpoint. */
  public void restoreSteps(long steps) {
    this.steps = steps;
  }

  abstract void update(float[] p, float[] g, float[][] state, double rate, long t);

  abstract void update(double[] p, double[] g, double[][] state, double rate, long t);
}
