package dev.shortcut.runtime.kernel;

import dev.shortcut.annotations.Activation;
import java.util.Arrays;

/**
 * The double-precision kernels: plain loops, the verification precision used by gradient checks.
 * Addressing as in {@link Kernels}; always on the calling thread.
 */
final class DoubleKernels {
  private DoubleKernels() {}

  /** {@code c[m][n] (+)= a[m][k] · b[n][k]ᵀ}. */
  static void matmulABt(int m, int n, int k, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff,
      boolean accumulate) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = accumulate ? c[cOff + i * n + j] : 0d;
        for (int p = 0; p < k; p++) {
          s += a[aOff + i * k + p] * b[bOff + j * k + p];
        }
        c[cOff + i * n + j] = s;
      }
    }
  }

  /** {@code c[m][n] (+)= a[m][k] · b[k][n]}. */
  static void matmulAB(int m, int n, int k, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff,
      boolean accumulate) {
    for (int i = 0; i < m; i++) {
      if (!accumulate) {
        Arrays.fill(c, cOff + i * n, cOff + i * n + n, 0d);
      }
      for (int p = 0; p < k; p++) {
        double x = a[aOff + i * k + p];
        for (int j = 0; j < n; j++) {
          c[cOff + i * n + j] += x * b[bOff + p * n + j];
        }
      }
    }
  }

  /** {@code c[m][n] (+)= a[k][m]ᵀ · b[k][n]}. */
  static void matmulAtB(int m, int n, int k, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff,
      boolean accumulate) {
    if (!accumulate) {
      Arrays.fill(c, cOff, cOff + m * n, 0d);
    }
    for (int p = 0; p < k; p++) {
      for (int i = 0; i < m; i++) {
        double x = a[aOff + p * m + i];
        for (int j = 0; j < n; j++) {
          c[cOff + i * n + j] += x * b[bOff + p * n + j];
        }
      }
    }
  }

  /** {@code z = g(z + bias [+ s])} in place; {@code s} may be null. */
  static void biasActivation(int rows, int width, double[] z, int zOff, double[] bias, int biasOff, double[] s,
      int sOff, Activation g) {
    for (int r = 0; r < rows; r++) {
      int row = zOff + r * width;
      int srow = sOff + r * width;
      for (int j = 0; j < width; j++) {
        z[row + j] = Activations.activate(g, s == null ? z[row + j] + bias[biasOff + j]
            : z[row + j] + bias[biasOff + j] + s[srow + j]);
      }
    }
  }

  /** {@code grad *= g'(a)} in place, and its column sums added to {@code biasGrad}. */
  static void activationBackward(int rows, int width, double[] a, int aOff, double[] grad, int gradOff,
      Activation g, double[] biasGrad, int biasGradOff) {
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < width; j++) {
        int i = r * width + j;
        double d = Activations.gradient(g, a[aOff + i], grad[gradOff + i]);
        grad[gradOff + i] = d;
        biasGrad[biasGradOff + j] += d;
      }
    }
  }

  /** {@code dst += src}. */
  static void add(int n, double[] src, int srcOff, double[] dst, int dstOff) {
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] += src[srcOff + i];
    }
  }
}
