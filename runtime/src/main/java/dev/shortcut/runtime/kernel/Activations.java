package dev.shortcut.runtime.kernel;

import dev.shortcut.annotations.Activation;

/**
 * The one table of activation rules, each derivative written in terms of the output: every kernel
 * (scalar, vector remainders, double) applies these, so the rules cannot drift apart.
 *
 * <p>NaN and infinities pass through every rule the same way on the scalar, vector and double
 * paths: relu(NaN) is NaN, as in PyTorch, so a broken weight shows in the output on any JVM.
 */
final class Activations {
  private Activations() {}

  static float activate(Activation g, float z) {
    return (float) activate(g, (double) z);
  }

  static double activate(Activation g, double z) {
    switch (g) {
      case RELU:
        return Math.max(z, 0); // NaN stays NaN (z > 0 ? z : 0 would turn it into 0)
      case NONE:
        return z;
      case TANH:
        return Math.tanh(z);
      case SIGMOID:
        return 1 / (1 + Math.exp(-z));
      case LEAKY_RELU:
        return z > 0 ? z : Activation.LEAKY_SLOPE * z;
      default:
        throw new AssertionError(g);
    }
  }

  /**
   * {@code ∂L/∂z} from {@code ∂L/∂a} and the output {@code a}. ReLU and leaky ReLU select by the
   * sign of {@code a}, as PyTorch's {@code threshold_backward} does and as the vector kernel's
   * blend does: where {@code a ≤ 0} the gradient is 0 (or scaled by the slope), elsewhere, a NaN
   * output included, it passes unchanged.
   */
  static float gradient(Activation g, float a, float grad) {
    switch (g) {
      case RELU:
        return a <= 0 ? 0f : grad;
      case LEAKY_RELU:
        return a <= 0 ? grad * (float) Activation.LEAKY_SLOPE : grad;
      default:
        return grad * (float) derivative(g, (double) a);
    }
  }

  /** Double-precision {@link #gradient(Activation, float, float)}. */
  static double gradient(Activation g, double a, double grad) {
    switch (g) {
      case RELU:
        return a <= 0 ? 0 : grad;
      case LEAKY_RELU:
        return a <= 0 ? grad * Activation.LEAKY_SLOPE : grad;
      default:
        return grad * derivative(g, a);
    }
  }

  /** {@code g'(z)} written in terms of {@code a = g(z)}, for the smooth activations. */
  static double derivative(Activation g, double a) {
    switch (g) {
      case NONE:
        return 1;
      case TANH:
        return 1 - a * a;
      case SIGMOID:
        return a * (1 - a);
      default:
        throw new AssertionError(g + " selects by sign; see gradient()");
    }
  }
}
