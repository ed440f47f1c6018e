package dev.shortcut.annotations;

/**
 * Element-wise activations. Every derivative here can be computed from the activation's output
 * alone, so backward passes keep only {@code a}, never {@code z}.
 */
public enum Activation {
  /** {@code max(0, z)}. */
  RELU,
  /** The identity: logits, or a linear layer. */
  NONE,
  /** {@code tanh(z)}. */
  TANH,
  /** {@code 1 / (1 + e^-z)}. */
  SIGMOID,
  /** {@code z > 0 ? z : 0.01 z}. */
  LEAKY_RELU;

  /** Slope of {@link #LEAKY_RELU} for negative inputs. */
  public static final double LEAKY_SLOPE = 0.01;
}
