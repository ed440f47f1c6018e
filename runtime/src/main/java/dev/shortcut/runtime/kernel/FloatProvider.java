package dev.shortcut.runtime.kernel;

import dev.shortcut.annotations.Activation;

/**
 * One implementation of the float kernels: the scalar reference or the Vector API one. Matrices
 * are addressed as in {@link Kernels}; the product works on a row range of C so that callers can
 * split it across threads without changing any element's summation order.
 */
interface FloatProvider {
  /** Name for logs: {@code "vector"} or {@code "scalar"}. */
  String name();

  /**
   * {@code C[i][j] (+)= Σ_p A(i,p) · B[p][j]} for rows {@code i} in {@code [rowStart, rowEnd)},
   * where {@code A(i,p) = a[aOff + i·aRow + p·aCol]} and B is {@code [k][n]} row-major.
   */
  void gemm(int rowStart, int rowEnd, int n, int k, float[] a, int aOff, int aRow, int aCol,
      float[] b, int bOff, float[] c, int cOff, boolean accumulate);

  /** {@code C[i][j] (+)= dot(A[i], B[j])} over rows {@code [rowStart, rowEnd)}: A {@code [m][k]}, B {@code [n][k]}. */
  void dotRows(int rowStart, int rowEnd, int n, int k, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff, boolean accumulate);

  /**
   * {@code t[k][n] = b[n][k]ᵀ}; {@code map} is scratch of at least a vector's length of lanes,
   * for the gather's offsets.
   */
  void transpose(int n, int k, float[] b, int bOff, float[] t, int[] map);

  /** {@code z = g(z + bias [+ s])} in place; {@code s} may be null. */
  void biasActivation(int rows, int width, float[] z, int zOff, float[] bias, int biasOff,
      float[] s, int sOff, Activation g);

  /** {@code grad *= g'(a)} in place, and column sums of the result added to {@code biasGrad}. */
  void activationBackward(int rows, int width, float[] a, int aOff, float[] grad, int gradOff,
      Activation g, float[] biasGrad, int biasGradOff);

  /** {@code dst += src}. */
  void add(int n, float[] src, int srcOff, float[] dst, int dstOff);

  /**
   * One Adam update over whole arrays: {@code g' = g + l2·p; m = β1 m + (1−β1) g';
   * v = β2 v + (1−β2) g'²; p = p·decay − stepSize · m / (√v / sqrtC2 + ε)}.
   */
  void adam(float[] p, float[] g, float[] m, float[] v, float beta1, float oneMinusBeta1,
      float beta2, float oneMinusBeta2, float stepSize, float sqrtC2,
      float epsilon, float decay, float l2);

  /**
   * The same Adam update computed but not written: the index of the first element whose new
   * parameter or moments would be NaN or infinite, or -1 when the whole update is finite. Must
   * compute exactly what {@link #adam} would store, so that a clean check means a clean update.
   */
  int adamCheck(float[] p, float[] g, float[] m, float[] v, float beta1, float oneMinusBeta1,
      float beta2, float oneMinusBeta2, float stepSize,
      float sqrtC2, float epsilon, float decay, float l2);

  /**
   * One SGD update: {@code g' = g + wd·p}; without momentum {@code p -= lr·g'}; with it
   * {@code v = first ? g' : μ v + g'} and {@code p -= lr·(nesterov ? g' + μ v : v)}.
   */
  void sgd(float[] p, float[] g, float[] velocity, float lr, float wd, float mu, boolean nesterov, boolean first);

  /** The same SGD update computed but not written, as {@link #adamCheck} is. */
  int sgdCheck(float[] p, float[] g, float[] velocity, float lr, float wd, float mu, boolean nesterov,
      boolean first);
}
