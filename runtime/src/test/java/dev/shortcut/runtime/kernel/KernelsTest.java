package dev.shortcut.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.annotations.Activation;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast kernels against the scalar reference and against double-precision sums, over many
 * shapes (odd remainders, offsets, accumulate or not), and threaded against single-threaded.
 */
class KernelsTest {
  private static final int[] SIZES = {1, 2, 3, 4, 5, 7, 16, 17, 33, 64, 65, 130};
  private final FloatProvider scalar = new ScalarFloatProvider();

  @Test
  void theVectorProviderRunsInTests() {
    // Surefire passes --add-modules jdk.incubator.vector; without it this suite would only test the fallback.
    assertTrue(Kernels.implementation().startsWith("vector"), Kernels.implementation());
  }

  @Test
  void productsAgreeWithDoubleSumsAndScalarReference() {
    SplittableRandom r = new SplittableRandom(1);
    Kernels kernels = Kernels.singleThreaded();
    for (int m : SIZES) {
      for (int n : SIZES) {
        for (int k : new int[] {1, 3, 16, 17, 64, 300}) {
          for (boolean acc : new boolean[] {false, true}) {
            for (int variant = 0; variant < 3; variant++) {
              check(kernels, r, variant, m, n, k, acc);
            }
          }
        }
      }
    }
  }

  private void check(Kernels kernels, SplittableRandom r, int variant, int m, int n, int k, boolean acc) {
    int aOff = 3;
    int bOff = 5;
    int cOff = 7;
    float[] a = random(r, aOff + m * k);
    float[] b = random(r, bOff + (variant == 0 ? n * k : k * n));
    float[] c = random(r, cOff + m * n);
    float[] ref = c.clone();
    double[] exact = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = acc ? c[cOff + i * n + j] : 0;
        for (int p = 0; p < k; p++) {
          double x = variant == 2 ? a[aOff + p * m + i] : a[aOff + i * k + p];
          double y = variant == 0 ? b[bOff + j * k + p] : b[bOff + p * n + j];
          s += x * y;
        }
        exact[i * n + j] = s;
      }
    }
    switch (variant) {
      case 0 -> {
        kernels.matmulABt(m, n, k, a, aOff, b, bOff, c, cOff, acc);
        scalar.dotRows(0, m, n, k, a, aOff, b, bOff, ref, cOff, acc);
      }
      case 1 -> {
        kernels.matmulAB(m, n, k, a, aOff, b, bOff, c, cOff, acc);
        scalar.gemm(0, m, n, k, a, aOff, k, 1, b, bOff, ref, cOff, acc);
      }
      default -> {
        kernels.matmulAtB(m, n, k, a, aOff, b, bOff, c, cOff, acc);
        scalar.gemm(0, m, n, k, a, aOff, 1, m, b, bOff, ref, cOff, acc);
      }
    }
    for (int i = 0; i < m * n; i++) {
      double tol = 1e-5 * (k + 1);
      String where = "variant " + variant + " m=" + m + " n=" + n + " k=" + k + " acc=" + acc + " at " + i;
      assertEquals(exact[i], c[cOff + i], tol, "fast " + where);
      assertEquals(exact[i], ref[cOff + i], tol, "scalar " + where);
    }
  }

  @Test
  void aRowOfTheForwardProductDependsOnlyOnWhetherItIsInAFourRowTile() {
    // Rows in whole 4-row tiles are bit-identical when computed as a 4-row product on their own;
    // leftover rows are bit-identical to a batch-1 product. (The two paths reduce in different
    // orders, so the thread split keeps tiles whole; see the threaded test.)
    SplittableRandom r = new SplittableRandom(3);
    Kernels kernels = Kernels.singleThreaded();
    for (int[] shape : new int[][] {{10, 128, 128}, {7, 10, 64}, {5, 17, 33}, {14, 10, 300}}) {
      int m = shape[0];
      int n = shape[1];
      int k = shape[2];
      float[] a = random(r, m * k);
      float[] w = random(r, n * k);
      float[] batched = new float[m * n];
      kernels.matmulABt(m, n, k, a, 0, w, 0, batched, 0, false);
      int tiled = m - m % 4;
      for (int i = 0; i < m; i++) {
        int rows = i < tiled ? 4 : 1;
        int first = i < tiled ? i - i % 4 : i;
        float[] alone = new float[rows * n];
        kernels.matmulABt(rows, n, k, a, first * k, w, 0, alone, 0, false);
        for (int j = 0; j < n; j++) {
          assertEquals(batched[i * n + j], alone[(i - first) * n + j], 0f,
              "shape m=" + m + " n=" + n + " k=" + k + " row " + i);
        }
      }
    }
  }

  @Test
  void threadedProductsAreBitIdenticalToSingleThreaded() {
    SplittableRandom r = new SplittableRandom(2);
    Kernels one = Kernels.singleThreaded();
    Kernels two = Kernels.withThreads(2);
    Kernels three = Kernels.withThreads(3);
    for (int[] shape : new int[][] {{128, 256, 256}, {131, 64, 784}, {256, 512, 130}}) {
      int m = shape[0];
      int n = shape[1];
      int k = shape[2];
      float[] a = random(r, m * k);
      float[] b = random(r, k * n);
      float[] c1 = new float[m * n];
      float[] c2 = new float[m * n];
      float[] c3 = new float[m * n];
      one.matmulABt(m, n, k, a, 0, b, 0, c1, 0, false);
      two.matmulABt(m, n, k, a, 0, b, 0, c2, 0, false);
      three.matmulABt(m, n, k, a, 0, b, 0, c3, 0, false);
      assertArrayEquals(c1, c2);
      assertArrayEquals(c1, c3);
      one.matmulAB(m, n, k, a, 0, b, 0, c1, 0, true);
      two.matmulAB(m, n, k, a, 0, b, 0, c2, 0, true);
      assertArrayEquals(c1, c2);
      float[] g1 = new float[k * n];
      float[] g2 = new float[k * n];
      one.matmulAtB(k, n, m, a, 0, c1, 0, g1, 0, true);
      two.matmulAtB(k, n, m, a, 0, c1, 0, g2, 0, true);
      assertArrayEquals(g1, g2);
    }
  }

  @Test
  void fusedPassesAgreeWithScalarForEveryActivation() {
    SplittableRandom r = new SplittableRandom(3);
    Kernels kernels = Kernels.singleThreaded();
    for (Activation g : Activation.values()) {
      for (int width : new int[] {1, 10, 16, 64, 70}) {
        int rows = 5;
        float[] z = random(r, 2 + rows * width);
        float[] bias = random(r, 1 + width);
        float[] s = random(r, 4 + rows * width);
        float[] fast = z.clone();
        float[] ref = z.clone();
        kernels.biasShortcutActivation(rows, width, fast, 2, bias, 1, s, 4, g);
        scalar.biasActivation(rows, width, ref, 2, bias, 1, s, 4, g);
        assertArrayEquals(ref, fast, 1e-5f, g + " shortcut");
        kernels.biasActivation(rows, width, fast, 2, bias, 1, g);
        scalar.biasActivation(rows, width, ref, 2, bias, 1, null, 0, g);
        assertArrayEquals(ref, fast, 1e-5f, g + " bias");

        float[] grad = random(r, 3 + rows * width);
        float[] gradRef = grad.clone();
        float[] db = random(r, width);
        float[] dbRef = db.clone();
        kernels.activationBackward(rows, width, fast, 2, grad, 3, g, db, 0);
        scalar.activationBackward(rows, width, fast, 2, gradRef, 3, g, dbRef, 0);
        assertArrayEquals(gradRef, grad, 1e-6f, g + " backward");
        assertArrayEquals(dbRef, db, 1e-5f, g + " bias gradient");
      }
    }
  }

  @Test
  void optimizerUpdatesAgreeWithScalar() {
    SplittableRandom r = new SplittableRandom(4);
    for (int n : new int[] {1, 15, 16, 33, 1000}) {
      float[] p = random(r, n);
      float[] g = random(r, n);
      float[] m = random(r, n);
      float[] v = random(r, n);
      for (int i = 0; i < n; i++) {
        v[i] = Math.abs(v[i]);
      }
      float[][] fast = {p.clone(), m.clone(), v.clone()};
      float[][] ref = {p.clone(), m.clone(), v.clone()};
      Kernels.adamUpdate(fast[0], g, fast[1], fast[2], 0.9f, 0.999f, 0.01f, 0.05f, 1e-8f, 0.999f, 0.01f);
      scalar.adam(ref[0], g, ref[1], ref[2], 0.9f, 0.999f, 0.01f, 0.05f, 1e-8f, 0.999f, 0.01f);
      for (int k = 0; k < 3; k++) {
        assertArrayEquals(ref[k], fast[k], 1e-6f, "adam n=" + n);
      }
      for (boolean nesterov : new boolean[] {false, true}) {
        float[] pf = p.clone();
        float[] pr = p.clone();
        float[] vf = m.clone();
        float[] vr = m.clone();
        Kernels.sgdUpdate(pf, g, vf, 0.1f, 0.01f, 0.9f, nesterov, false);
        scalar.sgd(pr, g, vr, 0.1f, 0.01f, 0.9f, nesterov, false);
        assertArrayEquals(pr, pf, 1e-6f);
        assertArrayEquals(vr, vf, 1e-6f);
        Kernels.sgdUpdate(pf, g, null, 0.1f, 0f, 0f, false, false);
        scalar.sgd(pr, g, null, 0.1f, 0f, 0f, false, false);
        assertArrayEquals(pr, pf, 1e-6f);
      }
    }
  }

  @Test
  void addAndCopy() {
    float[] src = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};
    float[] dst = new float[20];
    Kernels.singleThreaded().add(18, src, 0, dst, 2);
    Kernels.singleThreaded().add(18, src, 0, dst, 2);
    for (int i = 0; i < 18; i++) {
      assertEquals(2 * src[i], dst[i + 2]);
    }
    Kernels.singleThreaded().copy(3, src, 1, dst, 0);
    assertEquals(2f, dst[0]);
    assertEquals(4f, dst[2]);
  }

  private static float[] random(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (2 * r.nextDouble() - 1);
    }
    return x;
  }
}
