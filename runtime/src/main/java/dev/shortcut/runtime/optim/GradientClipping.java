package dev.shortcut.runtime.optim;

import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.NetworkArrays;
import dev.shortcut.runtime.Values;

/** Clipping by global norm: if {@code ‖g‖ > max}, every gradient is scaled by {@code max / ‖g‖}. */
public final class GradientClipping {
  private GradientClipping() {}

  /** The L2 norm of all gradients together. */
  public static double globalNorm(Network network) {
    return globalNorm(NetworkArrays.of(network).gradients());
  }

  /** The L2 norm of {@code gradients}. */
  public static double globalNorm(Values gradients) {
    return Math.sqrt(gradients.sumOfSquares(0, gradients.length()));
  }

  /** Clips in place; returns the norm before clipping. */
  public static double clipByGlobalNorm(Network network, double maxNorm) {
    return clipByGlobalNorm(NetworkArrays.of(network).gradients(), maxNorm);
  }

  /**
   * Clips {@code gradients} (a network's, seen once through {@link NetworkArrays}: the trainer's
   * step allocates nothing) in place; returns the norm before clipping.
   */
  public static double clipByGlobalNorm(Values gradients, double maxNorm) {
    if (!(maxNorm > 0) || maxNorm == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("the clipping norm must be finite and > 0, got " + maxNorm);
    }
    double norm = globalNorm(gradients);
    if (norm > maxNorm && Double.isFinite(norm)) {
      gradients.scale(maxNorm / norm);
    }
    return norm;
  }
}
