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
        z[zOff + i] = Kernels.activate(g, v);
      }
    }
  }

  @Override
  public void activationBackward(int rows, int width, float[] a, int aOff, float[] grad, int gradOff,
      Activation g, float[] biasGrad, int biasGradOff) {
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < width; j++) {
        int i = r * width + j;
        float d = grad[gradOff + i] * Kernels.derivative(g, a[aOff + i]);
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
  public void adam(float[] p, float[] g, float[] m, float[] v, float beta1, float beta2, float stepSize,
      float sqrtC2, float epsilon, float decay, float l2) {
    adam(0, p.length, p, g, m, v, beta1, beta2, stepSize, sqrtC2, epsilon, decay, l2);
  }

  /** Adam on elements {@code [from, to)}: the reference, and the vector kernel's remainder. */
  static void adam(int from, int to, float[] p, float[] g, float[] m, float[] v, float beta1, float beta2,
      float stepSize, float sqrtC2, float epsilon, float decay, float l2) {
    for (int i = from; i < to; i++) {
      float grad = g[i] + l2 * p[i];
      m[i] = beta1 * m[i] + (1 - beta1) * grad;
      v[i] = beta2 * v[i] + (1 - beta2) * grad * grad;
      p[i] = p[i] * decay - stepSize * m[i] / ((float) Math.sqrt(v[i]) / sqrtC2 + epsilon);
    }
  }

  @Override
  public void sgd(float[] p, float[] g, float[] velocity, float lr, float wd, float mu, boolean nesterov,
      boolean first) {
    sgd(0, p.length, p, g, velocity, lr, wd, mu, nesterov, first);
  }

  /** SGD on elements {@code [from, to)}: the reference, and the vector kernel's remainder. */
  static void sgd(int from, int to, float[] p, float[] g, float[] velocity, float lr, float wd, float mu,
      boolean nesterov, boolean first) {
    for (int i = from; i < to; i++) {
      float grad = g[i] + wd * p[i];
      if (velocity == null) {
        p[i] -= lr * grad;
      } else {
        velocity[i] = first ? grad : mu * velocity[i] + grad;
        p[i] -= lr * (nesterov ? grad + mu * velocity[i] : velocity[i]);
      }
    }
  }
}
