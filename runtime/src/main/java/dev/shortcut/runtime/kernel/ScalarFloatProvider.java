package dev.shortcut.runtime.kernel;

import dev.shortcut.annotations.Activation;

/** The reference: plain loops, one element at a time. Also the fallback without the Vector API. */
final class ScalarFloatProvider implements FloatProvider {
  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public void gemm(int rowStart, int rowEnd, int n, int k, float[] a, int aOff, int aRow, int aCol,
      float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    for (int i = rowStart; i < rowEnd; i++) {
      int ci = cOff + i * n;
      if (!accumulate) {
        java.util.Arrays.fill(c, ci, ci + n, 0f);
      }
      for (int p = 0; p < k; p++) {
        float x = a[aOff + i * aRow + p * aCol];
        int bp = bOff + p * n;
        for (int j = 0; j < n; j++) {
          c[ci + j] += x * b[bp + j];
        }
      }
    }
  }

  @Override
  public void transpose(int n, int k, float[] b, int bOff, float[] t, int[] map) {
    transposeRows(0, n, k, b, bOff, t);
  }

  /** Rows {@code [jStart, n)} of {@code b[n][k]} into columns of {@code t[k][n]}; also the vector transpose's tail. */
  static void transposeRows(int jStart, int n, int k, float[] b, int bOff, float[] t) {
    for (int j = jStart; j < n; j++) {
      int row = bOff + j * k;
      for (int p = 0; p < k; p++) {
        t[p * n + j] = b[row + p];
      }
    }
  }

  @Override
  public void dotRows(int rowStart, int rowEnd, int n, int k, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff, boolean accumulate) {
    for (int i = rowStart; i < rowEnd; i++) {
      for (int j = 0; j < n; j++) {
        float s = 0;
        for (int p = 0; p < k; p++) {
          s += a[aOff + i * k + p] * b[bOff + j * k + p];
        }
        c[cOff + i * n + j] = accumulate ? c[cOff + i * n + j] + s : s;
      }
    }
  }

  @Override
  public void biasActivation(int rows, int width, float[] z, int zOff, float[] bias, int biasOff,
      float[] s, int sOff, Activation g) {
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < width; j++) {
        int i = r * width + j;
        float v = z[zOff + i] + bias[biasOff + j] + (s == null ? 0f : s[sOff + i]);
        z[zOff + i] = Activations.activate(g, v);
      }
    }
  }

  @Override
  public void activationBackward(int rows, int width, float[] a, int aOff, float[] grad, int gradOff,
      Activation g, float[] biasGrad, int biasGradOff) {
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < width; j++) {
        int i = r * width + j;
        float d = Activations.gradient(g, a[aOff + i], grad[gradOff + i]);
        grad[gradOff + i] = d;
        biasGrad[biasGradOff + j] += d;
      }
    }
  }

  @Override
  public void add(int n, float[] src, int srcOff, float[] dst, int dstOff) {
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] += src[srcOff + i];
    }
  }

  @Override
  public void adam(float[] p, float[] g, float[] m, float[] v, float beta1, float oneMinusBeta1,
      float beta2, float oneMinusBeta2, float stepSize,
      float sqrtC2, float epsilon, float decay, float l2) {
    adam(0, p.length, p, g, m, v, beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, sqrtC2,
        epsilon, decay, l2, true);
  }

  @Override
  public int adamCheck(float[] p, float[] g, float[] m, float[] v, float beta1,
      float oneMinusBeta1, float beta2, float oneMinusBeta2, float stepSize,
      float sqrtC2, float epsilon, float decay, float l2) {
    return adam(0, p.length, p, g, m, v, beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize,
        sqrtC2, epsilon, decay, l2, false);
  }

  /**
   * Adam on elements {@code [from, to)}: the reference, and the vector kernel's remainder. With
   * {@code commit} false nothing is written; the result is the first element whose new parameter
   * or moments would not be finite, or -1.
   */
  static int adam(int from, int to, float[] p, float[] g, float[] m, float[] v, float beta1,
      float oneMinusBeta1, float beta2, float oneMinusBeta2,
      float stepSize, float sqrtC2, float epsilon, float decay, float l2, boolean commit) {
    for (int i = from; i < to; i++) {
      float grad = g[i] + l2 * p[i];
      float mi = beta1 * m[i] + oneMinusBeta1 * grad;
      float vi = beta2 * v[i] + oneMinusBeta2 * grad * grad;
      float pi = p[i] * decay - stepSize * mi / ((float) Math.sqrt(vi) / sqrtC2 + epsilon);
      if (commit) {
        m[i] = mi;
        v[i] = vi;
        p[i] = pi;
      } else if (!(Float.isFinite(pi) && Float.isFinite(mi) && Float.isFinite(vi))) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public void sgd(float[] p, float[] g, float[] velocity, float lr, float wd, float mu, boolean nesterov,
      boolean first) {
    sgd(0, p.length, p, g, velocity, lr, wd, mu, nesterov, first, true);
  }

  @Override
  public int sgdCheck(float[] p, float[] g, float[] velocity, float lr, float wd, float mu, boolean nesterov,
      boolean first) {
    return sgd(0, p.length, p, g, velocity, lr, wd, mu, nesterov, first, false);
  }

  /** SGD on elements {@code [from, to)}, committed or only checked, as {@link #adam} is. */
  static int sgd(int from, int to, float[] p, float[] g, float[] velocity, float lr, float wd, float mu,
      boolean nesterov, boolean first, boolean commit) {
    for (int i = from; i < to; i++) {
      float grad = g[i] + wd * p[i];
      float vi = 0f;
      float pi;
      if (velocity == null) {
        pi = p[i] - lr * grad;
      } else {
        vi = first ? grad : mu * velocity[i] + grad;
        pi = p[i] - lr * (nesterov ? grad + mu * vi : vi);
      }
      if (commit) {
        if (velocity != null) {
          velocity[i] = vi;
        }
        p[i] = pi;
      } else if (!(Float.isFinite(pi) && Float.isFinite(vi))) {
        return i;
      }
    }
    return -1;
  }
}
