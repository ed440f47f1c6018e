package dev.shortcut.runtime.optim;

import dev.shortcut.runtime.kernel.Kernels;
import java.util.List;

/**
 * Adam (Kingma and Ba) with bias correction. Weight decay is either L2, added to the gradient
 * (PyTorch's {@code Adam(weight_decay)}), or decoupled, {@code p -= lr · λ · p} before the update
 * (AdamW, Loshchilov and Hutter).
 */
public final class Adam extends Optimizer {
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final boolean decoupled;

  private Adam(double lr, double beta1, double beta2, double epsilon, double weightDecay, boolean decoupled) {
    super(lr, weightDecay);
    this.beta1 = coefficient("β1", beta1);
    this.beta2 = coefficient("β2", beta2);
    if (!(epsilon > 0) || epsilon == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("ε must be finite and > 0, got " + epsilon);
    }
    if (decoupled && lr * weightDecay >= 1) {
      throw new IllegalArgumentException("decoupled weight decay multiplies every weight by 1 − lr·λ each step; "
          + "lr·λ = " + lr * weightDecay + " would zero or flip them: make it < 1");
    }
    this.epsilon = epsilon;
    this.decoupled = decoupled;
  }

  /** Adam with β1 = 0.9, β2 = 0.999, ε = 1e-8, no weight decay. */
  public static Adam withLearningRate(double learningRate) {
    return new Adam(learningRate, 0.9, 0.999, 1e-8, 0, false);
  }

  /** AdamW: decoupled weight decay {@code λ} (PyTorch's default is 0.01). */
  public static Adam adamW(double learningRate, double weightDecay) {
    return new Adam(learningRate, 0.9, 0.999, 1e-8, weightDecay, true);
  }

  /** The same with other moment coefficients. */
  public Adam betas(double beta1, double beta2) {
    return new Adam(learningRate(), beta1, beta2, epsilon, weightDecay(), decoupled);
  }

  /** The same with another ε. */
  public Adam epsilon(double epsilon) {
    return new Adam(learningRate(), beta1, beta2, epsilon, weightDecay(), decoupled);
  }

  /** The same with L2 weight decay added to the gradient (not decoupled). */
  public Adam weightDecay(double weightDecay) {
    return new Adam(learningRate(), beta1, beta2, epsilon, weightDecay, false);
  }

  @Override
  public Adam fresh() {
    return new Adam(learningRate(), beta1, beta2, epsilon, weightDecay(), decoupled);
  }

  @Override
  public String name() {
    return decoupled ? "adamw" : "adam";
  }

  @Override
  public List<String> stateNames() {
    return List.of("m", "v");
  }

  @Override
  void update(float[] p, float[] g, float[][] state, double rate, long t) {
    // Bias corrections folded into the step size, as in the paper's efficient form.
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    float decay = decoupled ? (float) (1 - rate * weightDecay()) : 1f;
    float l2 = decoupled ? 0f : (float) weightDecay();
    // 1 − β in double, rounded once, as PyTorch does: 1 − (float) 0.999 is 1.3e-5 off 0.001.
    Kernels.adamUpdate(p, g, state[0], state[1], (float) beta1, (float) (1 - beta1), (float) beta2,
        (float) (1 - beta2), (float) (rate / c1), (float) Math.sqrt(c2), (float) epsilon, decay, l2);
  }

  @Override
  int check(float[] p, float[] g, float[][] state, double rate, long t) {
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    float decay = decoupled ? (float) (1 - rate * weightDecay()) : 1f;
    float l2 = decoupled ? 0f : (float) weightDecay();
    return Kernels.adamCheck(p, g, state[0], state[1], (float) beta1, (float) (1 - beta1), (float) beta2,
        (float) (1 - beta2), (float) (rate / c1), (float) Math.sqrt(c2), (float) epsilon, decay, l2);
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
    double[] m = state[0];
    double[] v = state[1];
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    double decay = decoupled ? 1 - rate * weightDecay() : 1;
    double l2 = decoupled ? 0 : weightDecay();
    for (int i = 0; i < p.length; i++) {
      double grad = g[i] + l2 * p[i];
      double mi = beta1 * m[i] + (1 - beta1) * grad;
      double vi = beta2 * v[i] + (1 - beta2) * grad * grad;
      double pi = p[i] * decay - rate * (mi / c1) / (Math.sqrt(vi / c2) + epsilon);
      if (commit) {
        m[i] = mi;
        v[i] = vi;
        p[i] = pi;
      } else if (!(Double.isFinite(pi) && Double.isFinite(mi) && Double.isFinite(vi))) {
        return i;
      }
    }
    return -1;
  }
}
