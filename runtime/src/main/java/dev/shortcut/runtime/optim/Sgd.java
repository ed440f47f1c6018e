package dev.shortcut.runtime.optim;

import dev.shortcut.runtime.kernel.Kernels;
import java.util.List;

/**
 * Stochastic gradient descent, optionally with momentum (heavy-ball or Nesterov) and L2 weight
 * decay (added to the gradient), following PyTorch's {@code torch.optim.SGD}:
 * {@code v = μ v + g; p -= lr · (nesterov ? g + μ v : v)}.
 */
public final class Sgd extends Optimizer {
  private final double momentum;
  private final boolean nesterov;

  private Sgd(double learningRate, double momentum, boolean nesterov, double weightDecay) {
    super(learningRate, weightDecay);
    this.momentum = coefficient("momentum", momentum);
    if (nesterov && momentum == 0) {
      throw new IllegalArgumentException("Nesterov momentum needs a momentum in (0, 1), got 0");
    }
    this.nesterov = nesterov;
  }

  /** Plain SGD. */
  public static Sgd withLearningRate(double learningRate) {
    return new Sgd(learningRate, 0, false, 0);
  }

  /** The same, with heavy-ball momentum. */
  public Sgd momentum(double momentum) {
    return new Sgd(learningRate(), momentum, false, weightDecay());
  }

  /** The same, with Nesterov momentum. */
  public Sgd nesterov(double momentum) {
    return new Sgd(learningRate(), momentum, true, weightDecay());
  }

  /** The same, with L2 weight decay. */
  public Sgd weightDecay(double weightDecay) {
    return new Sgd(learningRate(), momentum, nesterov, weightDecay);
  }

  @Override
  public Sgd fresh() {
    return new Sgd(learningRate(), momentum, nesterov, weightDecay());
  }

  @Override
  public String name() {
    return nesterov ? "sgd-nesterov" : momentum > 0 ? "sgd-momentum" : "sgd";
  }

  @Override
  public List<String> stateNames() {
    return momentum > 0 ? List.of("velocity") : List.of();
  }

  @Override
  void update(float[] p, float[] g, float[][] state, double rate, long t) {
    Kernels.sgdUpdate(p, g, momentum == 0 ? null : state[0], (float) rate, (float) weightDecay(), (float) momentum,
        nesterov, t == 1);
  }

  @Override
  int check(float[] p, float[] g, float[][] state, double rate, long t) {
    return Kernels.sgdCheck(p, g, momentum == 0 ? null : state[0], (float) rate, (float) weightDecay(),
        (float) momentum, nesterov, t == 1);
  }

  @Override
  void update(double[] p, double[] g, double[][] state, double rate, long t) {
    update(p, g, state, rate, t, true);
  }

  @Override
  int check(double[] p, double[] g, double[][] state, double rate, long t) {
    return update(p, g, state, rate, t, false);
  }

  /** The double-precision update, written or only checked (first non-finite index, or -1). */
  private int update(double[] p, double[] g, double[][] state, double rate, long t, boolean commit) {
    double wd = weightDecay();
    double[] v = momentum == 0 ? null : state[0];
    for (int i = 0; i < p.length; i++) {
      double grad = g[i] + wd * p[i];
      double vi = 0;
      double pi;
      if (v == null) {
        pi = p[i] - rate * grad;
      } else {
        vi = t == 1 ? grad : momentum * v[i] + grad;
        pi = p[i] - rate * (nesterov ? grad + momentum * vi : vi);
      }
      if (commit) {
        if (v != null) {
          v[i] = vi;
        }
        p[i] = pi;
      } else if (!(Double.isFinite(pi) && Double.isFinite(vi))) {
        return i;
      }
    }
    return -1;
  }
}
