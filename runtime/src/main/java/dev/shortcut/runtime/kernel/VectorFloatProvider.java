package dev.shortcut.runtime.kernel;

import dev.shortcut.annotations.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float kernels on the Vector API. The product is register-blocked: a tile of 4 rows × 4 vectors
 * of C stays in registers while k runs (blocked by {@link #KC} so the B panel stays in cache),
 * each step one broadcast of A and one load of B per FMA row. Loaded only when the
 * {@code jdk.incubator.vector} module is present.
 */
final class VectorFloatProvider implements FloatProvider {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Depth of a k block: a 4-vector B panel of this many rows fits in L1/L2. */
  static final int KC = 256;
  private static final float LEAKY = (float) Activation.LEAKY_SLOPE;

  @Override
  public String name() {
    return "vector (" + S.vectorBitSize() + "-bit)";
  }

  @Override
  public void gemm(int rowStart, int rowEnd, int n, int k, float[] a, int aOff, int aRow, int aCol,
      float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    if (k == 0) {
      if (!accumulate) {
        for (int i = rowStart; i < rowEnd; i++) {
          java.util.Arrays.fill(c, cOff + i * n, cOff + i * n + n, 0f);
        }
      }
      return;
    }
    for (int p0 = 0; p0 < k; p0 += KC) {
      int pc = Math.min(KC, k - p0);
      boolean acc = accumulate || p0 > 0;
      int j = 0;
      for (; j + 4 * L <= n; j += 4 * L) {
        int i = rowStart;
        for (; i + 4 <= rowEnd; i += 4) {
          tile4x4(i, j, p0, pc, n, a, aOff, aRow, aCol, b, bOff, c, cOff, acc);
        }
        for (; i < rowEnd; i++) {
          for (int v = 0; v < 4; v++) {
            row(i, j + v * L, S.maskAll(true), p0, pc, n, a, aOff, aRow, aCol, b, bOff, c, cOff, acc);
          }
        }
      }
      for (; j < n; j += L) {
        VectorMask<Float> mask = S.indexInRange(j, n);
        for (int i = rowStart; i < rowEnd; i++) {
          row(i, j, mask, p0, pc, n, a, aOff, aRow, aCol, b, bOff, c, cOff, acc);
        }
      }
    }
  }

  /** One vector of one row of C (the edges of the tiling). */
  private static void row(int i, int j, VectorMask<Float> mask, int p0, int pc, int n, float[] a, int aOff,
      int aRow, int aCol, float[] b, int bOff, float[] c, int cOff, boolean acc) {
    int ci = cOff + i * n + j;
    FloatVector sum = acc ? FloatVector.fromArray(S, c, ci, mask) : FloatVector.zero(S);
    int ai = aOff + i * aRow;
    for (int p = p0; p < p0 + pc; p++) {
      FloatVector bv = FloatVector.fromArray(S, b, bOff + p * n + j, mask);
      sum = bv.fma(FloatVector.broadcast(S, a[ai + p * aCol]), sum);
    }
    sum.intoArray(c, ci, mask);
  }

  /** A 4-row × 4-vector tile of C: sixteen accumulators held in registers over the k loop. */
  private static void tile4x4(int i, int j, int p0, int pc, int n, float[] a, int aOff, int aRow, int aCol,
      float[] b, int bOff, float[] c, int cOff, boolean acc) {
    int a0 = aOff + (i + 0) * aRow;
    int c0 = cOff + (i + 0) * n + j;
    int a1 = aOff + (i + 1) * aRow;
    int c1 = cOff + (i + 1) * n + j;
    int a2 = aOff + (i + 2) * aRow;
    int c2 = cOff + (i + 2) * n + j;
    int a3 = aOff + (i + 3) * aRow;
    int c3 = cOff + (i + 3) * n + j;
    FloatVector c00 = acc ? FloatVector.fromArray(S, c, c0 + 0 * L) : FloatVector.zero(S);
    FloatVector c01 = acc ? FloatVector.fromArray(S, c, c0 + 1 * L) : FloatVector.zero(S);
    FloatVector c02 = acc ? FloatVector.fromArray(S, c, c0 + 2 * L) : FloatVector.zero(S);
    FloatVector c03 = acc ? FloatVector.fromArray(S, c, c0 + 3 * L) : FloatVector.zero(S);
    FloatVector c10 = acc ? FloatVector.fromArray(S, c, c1 + 0 * L) : FloatVector.zero(S);
    FloatVector c11 = acc ? FloatVector.fromArray(S, c, c1 + 1 * L) : FloatVector.zero(S);
    FloatVector c12 = acc ? FloatVector.fromArray(S, c, c1 + 2 * L) : FloatVector.zero(S);
    FloatVector c13 = acc ? FloatVector.fromArray(S, c, c1 + 3 * L) : FloatVector.zero(S);
    FloatVector c20 = acc ? FloatVector.fromArray(S, c, c2 + 0 * L) : FloatVector.zero(S);
    FloatVector c21 = acc ? FloatVector.fromArray(S, c, c2 + 1 * L) : FloatVector.zero(S);
    FloatVector c22 = acc ? FloatVector.fromArray(S, c, c2 + 2 * L) : FloatVector.zero(S);
    FloatVector c23 = acc ? FloatVector.fromArray(S, c, c2 + 3 * L) : FloatVector.zero(S);
    FloatVector c30 = acc ? FloatVector.fromArray(S, c, c3 + 0 * L) : FloatVector.zero(S);
    FloatVector c31 = acc ? FloatVector.fromArray(S, c, c3 + 1 * L) : FloatVector.zero(S);
    FloatVector c32 = acc ? FloatVector.fromArray(S, c, c3 + 2 * L) : FloatVector.zero(S);
    FloatVector c33 = acc ? FloatVector.fromArray(S, c, c3 + 3 * L) : FloatVector.zero(S);
    for (int p = p0; p < p0 + pc; p++) {
      int bp = bOff + p * n + j;
      FloatVector b0 = FloatVector.fromArray(S, b, bp + 0 * L);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + 1 * L);
      FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
      FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * L);
      int ap = p * aCol;
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + ap]);
      c00 = b0.fma(x0, c00);
      c01 = b1.fma(x0, c01);
      c02 = b2.fma(x0, c02);
      c03 = b3.fma(x0, c03);
      FloatVector x1 = FloatVector.broadcast(S, a[a1 + ap]);
      c10 = b0.fma(x1, c10);
      c11 = b1.fma(x1, c11);
      c12 = b2.fma(x1, c12);
      c13 = b3.fma(x1, c13);
      FloatVector x2 = FloatVector.broadcast(S, a[a2 + ap]);
      c20 = b0.fma(x2, c20);
      c21 = b1.fma(x2, c21);
      c22 = b2.fma(x2, c22);
      c23 = b3.fma(x2, c23);
      FloatVector x3 = FloatVector.broadcast(S, a[a3 + ap]);
      c30 = b0.fma(x3, c30);
      c31 = b1.fma(x3, c31);
      c32 = b2.fma(x3, c32);
      c33 = b3.fma(x3, c33);
    }
    c00.intoArray(c, c0 + 0 * L);
    c01.intoArray(c, c0 + 1 * L);
    c02.intoArray(c, c0 + 2 * L);
    c03.intoArray(c, c0 + 3 * L);
    c10.intoArray(c, c1 + 0 * L);
    c11.intoArray(c, c1 + 1 * L);
    c12.intoArray(c, c1 + 2 * L);
    c13.intoArray(c, c1 + 3 * L);
    c20.intoArray(c, c2 + 0 * L);
    c21.intoArray(c, c2 + 1 * L);
    c22.intoArray(c, c2 + 2 * L);
    c23.intoArray(c, c2 + 3 * L);
    c30.intoArray(c, c3 + 0 * L);
    c31.intoArray(c, c3 + 1 * L);
    c32.intoArray(c, c3 + 2 * L);
    c33.intoArray(c, c3 + 3 * L);
  }

  @Override
  public void dotRows(int rowStart, int rowEnd, int n, int k, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff, boolean accumulate) {
    int kv = S.loopBound(k);
    for (int i = rowStart; i < rowEnd; i++) {
      int ai = aOff + i * k;
      for (int j = 0; j < n; j++) {
        int bj = bOff + j * k;
        FloatVector sum = FloatVector.zero(S);
        int p = 0;
        for (; p < kv; p += L) {
          sum = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bj + p), sum);
        }
        float s = sum.reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) {
          s += a[ai + p] * b[bj + p];
        }
        int ci = cOff + i * n + j;
        c[ci] = accumulate ? c[ci] + s : s;
      }
    }
  }

  @Override
  public void biasActivation(int rows, int width, float[] z, int zOff, float[] bias, int biasOff,
      float[] s, int sOff, Activation g) {
    for (int r = 0; r < rows; r++) {
      int row = zOff + r * width;
      int srow = sOff + r * width;
      for (int j = 0; j < width; j += L) {
        VectorMask<Float> m = S.indexInRange(j, width);
        FloatVector v = FloatVector.fromArray(S, z, row + j, m).add(FloatVector.fromArray(S, bias, biasOff + j, m));
        if (s != null) {
          v = v.add(FloatVector.fromArray(S, s, srow + j, m));
        }
        activate(g, v).intoArray(z, row + j, m);
      }
    }
  }

  private static FloatVector activate(Activation g, FloatVector v) {
    switch (g) {
      case RELU:
        return v.max(0f);
      case NONE:
        return v;
      case TANH:
        return v.lanewise(VectorOperators.TANH);
      case SIGMOID:
        return FloatVector.broadcast(S, 1f).div(v.neg().lanewise(VectorOperators.EXP).add(1f));
      case LEAKY_RELU:
        return v.max(v.mul(LEAKY));
      default:
        throw new AssertionError(g);
    }
  }

  @Override
  public void activationBackward(int rows, int width, float[] a, int aOff, float[] grad, int gradOff,
      Activation g, float[] biasGrad, int biasGradOff) {
    for (int r = 0; r < rows; r++) {
      int ar = aOff + r * width;
      int gr = gradOff + r * width;
      for (int j = 0; j < width; j += L) {
        VectorMask<Float> m = S.indexInRange(j, width);
        FloatVector d = FloatVector.fromArray(S, grad, gr + j, m);
        FloatVector out = FloatVector.fromArray(S, a, ar + j, m);
        switch (g) {
          case RELU -> d = d.blend(0f, out.compare(VectorOperators.LE, 0f));
          case NONE -> { }
          case TANH -> d = d.mul(out.mul(out).neg().add(1f));
          case SIGMOID -> d = d.mul(out.mul(out.neg().add(1f)));
          case LEAKY_RELU -> d = d.blend(d.mul(LEAKY), out.compare(VectorOperators.LE, 0f));
          default -> throw new AssertionError(g);
        }
        d.intoArray(grad, gr + j, m);
        FloatVector.fromArray(S, biasGrad, biasGradOff + j, m).add(d).intoArray(biasGrad, biasGradOff + j, m);
      }
    }
  }

  @Override
  public void add(int n, float[] src, int srcOff, float[] dst, int dstOff) {
    for (int i = 0; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector.fromArray(S, dst, dstOff + i, m).add(FloatVector.fromArray(S, src, srcOff + i, m))
          .intoArray(dst, dstOff + i, m);
    }
  }
}
