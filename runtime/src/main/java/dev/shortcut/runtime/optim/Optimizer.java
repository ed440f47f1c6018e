package dev.shortcut.runtime.optim;

import dev.shortcut.runtime.DoubleNetwork;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.Values;
import java.util.ArrayList;
import java.util.List;

/**
 * Updates a network's parameters from its gradients. State (momentum, moments) is one array per
 * kind, the size of the parameter array, allocated on first use; a step allocates nothing.
 *
 * <p>An optimizer serves one network, as a PyTorch optimizer is built over one model's
 * parameters: the first network it steps (or whose state a checkpoint loads into it) is its own,
 * and any other is refused. {@link #fresh()} gives a new optimizer with the same settings for
 * another network.
 *
 * <p>A step never applies an update that would make a parameter or the optimizer's state NaN or
 * infinite: the update is computed and checked first, then written, so a refused step changes
 * nothing.
 */
public abstract class Optimizer {
  private final double learningRate;
  private final double weightDecay;
  private Network network;
  /** The network again, typed: one of these two is set when the optimizer binds to it. */
  private FloatNetwork floatNetwork;
  private DoubleNetwork doubleNetwork;
  private float[][] floatState;
  private double[][] doubleState;
  private long steps;

  Optimizer(double learningRate, double weightDecay) {
    if (!(learningRate > 0) || learningRate == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("learning rate must be finite and > 0, got " + learningRate);
    }
    if (!(weightDecay >= 0) || weightDecay == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("weight decay must be finite and ≥ 0, got " + weightDecay);
    }
    this.learningRate = learningRate;
    this.weightDecay = weightDecay;
  }

  /** Checks that {@code value} lies in {@code [0, 1)}, as a moment coefficient must. */
  static double coefficient(String name, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
    }
    return value;
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

  /** The network whose state this optimizer holds, or null before its first use. */
  public final Network network() {
    return network;
  }

  /** A short name, for logs and checkpoints ({@code "adam"}). */
  public abstract String name();

  /** Names of the per-parameter state arrays ({@code "m"}, {@code "v"}), possibly none. */
  public abstract List<String> stateNames();

  /** A new optimizer with the same settings and no state, for another network. */
  public abstract Optimizer fresh();

  /**
   * Applies one update at learning rate {@code rate} (the schedule's value for this step), unless
   * it would leave a parameter or a state value NaN or infinite: then nothing changes and the
   * answer is false ({@link #firstNonFiniteUpdate} tells where).
   *
   * @throws IllegalStateException when this optimizer serves another network
   * @throws IllegalArgumentException when {@code rate} is not finite and ≥ 0
   */
  public final boolean step(Network network, double rate) {
    checkRate(rate);
    bind(network);
    long t = steps + 1;
    if (floatNetwork != null) {
      FloatNetwork f = floatNetwork;
      float[][] state = floatState(f);
      if (check(f.parameters(), f.gradients(), state, rate, t) >= 0) {
        return false;
      }
      update(f.parameters(), f.gradients(), state, rate, t);
    } else {
      DoubleNetwork d = doubleNetwork;
      double[][] state = doubleState(d);
      if (check(d.parameters(), d.gradients(), state, rate, t) >= 0) {
        return false;
      }
      update(d.parameters(), d.gradients(), state, rate, t);
    }
    steps = t;
    return true;
  }

  /**
   * The index, in the parameter array, of the first parameter that the next update at
   * {@code rate} would leave NaN or infinite (in its value or its optimizer state), or -1 when the
   * update is clean. Changes nothing.
   */
  public final int firstNonFiniteUpdate(Network network, double rate) {
    checkRate(rate);
    bind(network);
    if (floatNetwork != null) {
      return check(floatNetwork.parameters(), floatNetwork.gradients(), floatState(floatNetwork), rate, steps + 1);
    }
    return check(doubleNetwork.parameters(), doubleNetwork.gradients(), doubleState(doubleNetwork), rate, steps + 1);
  }

  /**
   * The state arrays for {@code network} without their element type, one per {@link #stateNames()}
   * entry, laid out like the parameters (zero before the first step): what checkpoints save.
   */
  public final List<Values> state(Network network) {
    bind(network);
    List<Values> state = new ArrayList<>();
    if (floatNetwork != null) {
      for (float[] s : floatState(floatNetwork)) {
        state.add(Values.of(s));
      }
    } else {
      for (double[] s : doubleState(doubleNetwork)) {
        state.add(Values.of(s));
      }
    }
    return state;
  }

  /** The state arrays for {@code network} (zero before the first step), for checkpoints. */
  public final float[][] floatState(FloatNetwork network) {
    bind(network);
    if (floatState == null) {
      floatState = new float[stateNames().size()][network.parameters().length];
    }
    return floatState;
  }

  /** The state arrays for {@code network}, for checkpoints. */
  public final double[][] doubleState(DoubleNetwork network) {
    bind(network);
    if (doubleState == null) {
      doubleState = new double[stateNames().size()][network.parameters().length];
    }
    return doubleState;
  }

  /** Makes {@code candidate} this optimizer's network if it has none; refuses any other. */
  private void bind(Network candidate) {
    if (!(candidate instanceof FloatNetwork) && !(candidate instanceof DoubleNetwork)) {
      throw new IllegalArgumentException("unsupported network type "
          + (candidate == null ? "null" : candidate.getClass().getName()));
    }
    if (network == null) {
      network = candidate;
      floatNetwork = candidate instanceof FloatNetwork f ? f : null;
      doubleNetwork = candidate instanceof DoubleNetwork d ? d : null;
    } else if (network != candidate) {
      throw new IllegalStateException("this " + name() + " optimizer holds the state of "
          + describe(network) + " (after " + steps + " updates) and cannot update " + describe(candidate)
          + ": an optimizer serves one network. Use optimizer.fresh() for another network");
    }
  }

  /** Restores the step count from a checkpoint. */
  public void restoreSteps(long steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("a step count is ≥ 0, got " + steps);
    }
    this.steps = steps;
  }

  private static String describe(Network n) {
    return n.name() + "@" + Integer.toHexString(System.identityHashCode(n));
  }

  private void checkRate(double rate) {
    if (!(rate >= 0) || rate == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("the learning rate of step " + (steps + 1) + " is " + rate
          + "; it must be finite and ≥ 0 (check the schedule)");
    }
  }

  abstract void update(float[] p, float[] g, float[][] state, double rate, long t);

  abstract void update(double[] p, double[] g, double[][] state, double rate, long t);

  /** What {@link #update} would write, checked and not written: first non-finite index or -1. */
  abstract int check(float[] p, float[] g, float[][] state, double rate, long t);

  /** Double-precision {@link #check(float[], float[], float[][], double, long)}. */
  abstract int check(double[] p, double[] g, double[][] state, double rate, long t);
}
