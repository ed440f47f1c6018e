package dev.shortcut.runtime.optim;

import dev.shortcut.runtime.DoubleNetwork;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Network;

/** Clipping by global norm: if {@code ‖g‖ > max}, every gradient is scaled by {@code max / ‖g‖}. */
public final class GradientClipping {
  private GradientClipping() {}

  /** The L2 norm of all gradients together. */
  public static double globalNorm(Network network) {
    double sum = 0;
    if (network instanceof FloatNetwork f) {
      for (float g : f.gradients()) {
        sum += (double) g * g;
      }
    } else {
      for (double g : ((DoubleNetwork) network).gradients()) {
        sum += g * g;
      }
    }
    return Math.sqrt(sum);
  }

  /** Clips in place; returns the norm before clipping. */
  public static double clipByGlobalNorm(Network network, double maxNorm) {
    if (!(maxNorm > 0) || maxNorm == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("the clipping norm must be finite and > 0, got " + maxNorm);
    }
    double norm = globalNorm(network);
    if (norm > maxNorm && Double.isFinite(norm)) {
      double scale = maxNorm / norm;
      if (network instanceof FloatNetwork f) {
        float[] g = f.gradients();
        for (int i = 0; i < g.length; i++) {
          g[i] *= (float) scale;
        }
      } else {
        double[] g = ((DoubleNetwork) network).gradients();
        for (int i = 0; i < g.length; i++) {
          g[i] *= scale;
        }
      }
    }
    return norm;
  }
}
