package dev.shortcut.runtime.kernel;

import dev.shortcut.annotations.Activation;

/**
 * The arithmetic of every generated network: three matrix products and the fused element-wise
 * passes around them. Generated code is the wiring; it calls these with constant sizes, so one
 * kernel improvement speeds up every network.
 *
 * <p>All matrices are dense, row-major, packed (leading dimension = column count) and addressed by
 * an array and an offset, because a network keeps all its parameters, and all its activations, in
 * one array each.
 *
 * <p>THIS IS THE SCALAR SKELETON; the vectorized provider and threading replace its internals.
 */
public final class Kernels {

  private static final Kernels DEFAULT = new Kernels(1);

  private final int threads;

  private Kernels(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.threads = threads;
  }

  /** Kernels that run on the calling thread only. */
  public static Kernels singleThreaded() {
    return DEFAULT;
  }

  /** Kernels that split large products over {@code threads} threads. */
  public static Kernels withThreads(int threads) {
    return threads == 1 ? DEFAULT : new Kernels(threads);
  }

  /** Number of threads a product may use. */
  public int threads() {
    return threads;
  }

  // ---- float ------------------------------------------------------------------------------

  /** {@code c[m][n] (+)= a[m][k] · b[n][k]ᵀ}: a dense layer's forward, {@code z = a Wᵀ}. */
  public void matmulABt(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      boolean accumulate) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float s = accumulate ? c[cOff + i * n + j] : 0f;
        for (int p = 0; p < k; p++) {
          s += a[aOff + i * k + p] * b[bOff + j * k + p];
        }
        c[cOff + i * n + j] = s;
      }
    }
  }

  /** {@code c[m][n] (+)= a[m][k] · b[k][n]}: the input gradient, {@code da = dz W}. */
  public void matmulAB(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      boolean accumulate) {
    for (int i = 0; i < m; i++) {
      if (!accumulate) {
        java.util.Arrays.fill(c, cOff + i * n, cOff + i * n + n, 0f);
      }
      for (int p = 0; p < k; p++) {
        float x = a[aOff + i * k + p];
        for (int j = 0; j < n; j++) {
          c[cOff + i * n + j] += x * b[bOff + p * n + j];
        }
      }
    }
  }

  /** {@code c[m][n] (+)= a[k][m]ᵀ · b[k][n]}: the weight gradient, {@code dW += dzᵀ a}. */
  public void matmulAtB(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      boolean accumulate) {
    if (!accumulate) {
      java.util.Arrays.fill(c, cOff, cOff + m * n, 0f);
    }
    for (int p = 0; p < k; p++) {
      for (int i = 0; i < m; i++) {
        float x = a[aOff + p * m + i];
        for (int j = 0; j < n; j++) {
          c[cOff + i * n + j] += x * b[bOff + p * n + j];
        }
      }
    }
  }

  /** {@code z = g(z + bias)} in place, row by row. */
  public void biasActivation(
      int rows, int width, float[] z, int zOff, float[] bias, int biasOff, Activation g) {
    for (int r = 0; r < rows; r++) {
      int row = zOff + r * width;
      for (int j = 0; j < width; j++) {
        z[row + j] = activate(g, z[row + j] + bias[biasOff + j]);
      }
    }
  }

  /** {@code z = g(z + bias + s)} in place: the residual addition before the last activation. */
  public void biasShortcutActivation(
      int rows, int width, float[] z, int zOff, float[] bias, int biasOff, float[] s, int sOff,
      Activation g) {
    for (int r = 0; r < rows; r++) {
      int row = zOff + r * width;
      int srow = sOff + r * width;
      for (int j = 0; j < width; j++) {
        z[row + j] = activate(g, z[row + j] + bias[biasOff + j] + s[srow + j]);
      }
    }
  }

  /**
   * Turns {@code ∂L/∂a} into {@code ∂L/∂z} in place, using {@code g'} computed from the output
   * {@code a}, and adds its column sums to the bias gradient.
   */
  public void activationBackward(
      int rows, int width, float[] a, int aOff, float[] grad, int gradOff, Activation g,
      float[] biasGrad, int biasGradOff) {
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < width; j++) {
        int i = r * width + j;
        float d = grad[gradOff + i] * derivative(g, a[aOff + i]);
        grad[gradOff + i] = d;
        biasGrad[biasGradOff + j] += d;
      }
    }
  }

  /** {@code dst += src}. */
  public void add(int n, float[] src, int srcOff, float[] dst, int dstOff) {
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] += src[srcOff + i];
    }
  }

  /** {@code dst = src}. */
  public void copy(int n, float[] src, int srcOff, float[] dst, int dstOff) {
    System.arraycopy(src, srcOff, dst, dstOff, n);
  }

  // ---- double -----------------------------------------------------------------------------

  /** Double-precision {@link #matmulABt(int, int, int, float[], int, float[], int, float[], int, boolean)}. */
  public void matmulABt(
      int m, int n, int k, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff,
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

  /** Double-precision {@link #matmulAB(int, int, int, float[], int, float[], int, float[], int, boolean)}. */
  public void matmulAB(
      int m, int n, int k, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff,
      boolean accumulate) {
    for (int i = 0; i < m; i++) {
      if (!accumulate) {
        java.util.Arrays.fill(c, cOff + i * n, cOff + i * n + n, 0d);
      }
      for (int p = 0; p < k; p++) {
        double x = a[aOff + i * k + p];
        for (int j = 0; j < n; j++) {
          c[cOff + i * n + j] += x * b[bOff + p * n + j];
        }
      }
    }
  }

  /** Double-precision {@link #matmulAtB(int, int, int, float[], int, float[], int, float[], int, boolean)}. */
  public void matmulAtB(
      int m, int n, int k, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff,
      boolean accumulate) {
    if (!accumulate) {
      java.util.Arrays.fill(c, cOff, cOff + m * n, 0d);
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

  /** Double-precision {@link #biasActivation(int, int, float[], int, float[], int, Activation)}. */
  public void biasActivation(
      int rows, int width, double[] z, int zOff, double[] bias, int biasOff, Activation g) {
    for (int r = 0; r < rows; r++) {
      int row = zOff + r * width;
      for (int j = 0; j < width; j++) {
        z[row + j] = activate(g, z[row + j] + bias[biasOff + j]);
      }
    }
  }

  /** Double-precision residual addition and activation. */
  public void biasShortcutActivation(
      int rows, int width, double[] z, int zOff, double[] bias, int biasOff, double[] s, int sOff,
      Activation g) {
    for (int r = 0; r < rows; r++) {
      int row = zOff + r * width;
      int srow = sOff + r * width;
      for (int j = 0; j < width; j++) {
        z[row + j] = activate(g, z[row + j] + bias[biasOff + j] + s[srow + j]);
      }
    }
  }

  /** Double-precision activation backward with bias-gradient accumulation. */
  public void activationBackward(
      int rows, int width, double[] a, int aOff, double[] grad, int gradOff, Activation g,
      double[] biasGrad, int biasGradOff) {
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < width; j++) {
        int i = r * width + j;
        double d = grad[gradOff + i] * derivative(g, a[aOff + i]);
        grad[gradOff + i] = d;
        biasGrad[biasGradOff + j] += d;
      }
    }
  }

  /** {@code dst += src}. */
  public void add(int n, double[] src, int srcOff, double[] dst, int dstOff) {
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] += src[srcOff + i];
    }
  }

  /** {@code dst = src}. */
  public void copy(int n, double[] src, int srcOff, double[] dst, int dstOff) {
    System.arraycopy(src, srcOff, dst, dstOff, n);
  }

  // ---- activations: one table of rules, each derivative from the output -------------------

  static float activate(Activation g, float z) {
    return (float) activate(g, (double) z);
  }

  static double activate(Activation g, double z) {
    switch (g) {
      case RELU:
        return z > 0 ? z : 0;
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

  static float derivative(Activation g, float a) {
    return (float) derivative(g, (double) a);
  }

  /** {@code g'(z)} written in terms of {@code a = g(z)}. */
  static double derivative(Activation g, double a) {
    switch (g) {
      case RELU:
        return a > 0 ? 1 : 0;
      case NONE:
        return 1;
      case TANH:
        return 1 - a * a;
      case SIGMOID:
        return a * (1 - a);
      case LEAKY_RELU:
        return a > 0 ? 1 : Activation.LEAKY_SLOPE;
      default:
        throw new AssertionError(g);
    }
  }
}
