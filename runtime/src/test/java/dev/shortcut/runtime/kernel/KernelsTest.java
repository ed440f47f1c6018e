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
  void aDotProductAddsItsLanesInOneFixedOrderWhetherCompiledOrNot() {
    // reduceLanes(ADD) has no specified order, and on JDK 25 the interpreter and C2 used different
    // ones: the same product's last bit changed once the kernel was compiled, so a product split
    // over a warm and a cold thread differed from one thread's. The order is now a butterfly over
    // the lanes (h = L/2, …, 1), checked here against a scalar emulation, cold and after C2.
    int lanes = VectorSpatialProvider.S.length(); // the preferred width, or -Dshortcut.vectorBits
    SplittableRandom r = new SplittableRandom(7);
    Kernels kernels = Kernels.singleThreaded();
    for (int k : new int[] {lanes, 4 * lanes, 4 * lanes + 3, 300}) {
      float[] a = random(r, k);
      float[] w = random(r, 3 * k);
      float[] expected = new float[3];
      for (int j = 0; j < 3; j++) {
        expected[j] = butterflyDot(a, 0, w, j * k, k, lanes);
      }
      float[] c = new float[3];
      for (int call = 0; call < 40_000; call++) {
        kernels.matmulABt(1, 3, k, a, 0, w, 0, c, 0, false);
        if (call == 0 || call == 39_999) {
          assertArrayEquals(expected, c, "k=" + k + ", call " + call);
        }
      }
    }
  }

  /** The vector dot product's order in scalar code: lane-wise FMA chains, a butterfly, then the tail. */
  private static float butterflyDot(float[] a, int ai, float[] b, int bj, int k, int lanes) {
    int kv = k - k % lanes;
    float[] lane = new float[lanes];
    for (int p = 0; p < kv; p += lanes) {
      for (int l = 0; l < lanes; l++) {
        lane[l] = Math.fma(a[ai + p + l], b[bj + p + l], lane[l]);
      }
    }
    float total;
    if (lanes >= 4 && lanes <= 16) {
      for (int h = lanes / 2; h >= 1; h /= 2) {
        float[] next = new float[lanes];
        for (int l = 0; l < lanes; l++) {
          next[l] = lane[l] + lane[l ^ h];
        }
        lane = next;
      }
      total = lane[0];
    } else {
      total = 0f;
      for (float x : lane) {
        total += x;
      }
    }
    if (kv == k) {
      return total;
    }
    float tail = 0f;
    for (int p = kv; p < k; p++) {
      tail = Math.fma(a[ai + p], b[bj + p], tail);
    }
    return total + tail;
  }

  @Test
  void aRowOfTheForwardProductHasTheSameBitsInAnyBatchOfDotProducts() {
    // A row computed in a 4-row tile and the same row on its own (batch 1, the edge rows) now
    // reduce in the same order, so inference on one sample gives the bits of a batched pass, up to
    // the batches that transpose W first (the next test).
    SplittableRandom r = new SplittableRandom(8);
    Kernels kernels = Kernels.singleThreaded();
    for (int[] shape : new int[][] {{10, 128, 128}, {7, 10, 64}, {5, 17, 33}, {14, 10, 300}, {9, 12, 16}}) {
      int m = shape[0];
      int n = shape[1];
      int k = shape[2];
      float[] a = random(r, m * k);
      float[] w = random(r, n * k);
      float[] batched = new float[m * n];
      kernels.matmulABt(m, n, k, a, 0, w, 0, batched, 0, false);
      for (int i = 0; i < m; i++) {
        float[] alone = new float[n];
        kernels.matmulABt(1, n, k, a, i * k, w, 0, alone, 0, false);
        for (int j = 0; j < n; j++) {
          assertEquals(Float.floatToIntBits(batched[i * n + j]), Float.floatToIntBits(alone[j]),
              "shape m=" + m + " n=" + n + " k=" + k + " row " + i + " column " + j);
        }
      }
    }
  }

  @Test
  void batchesThatTransposeFirstGiveEachRowTheSameBitsAndDotProductsWithinRounding() {
    SplittableRandom r = new SplittableRandom(9);
    Kernels kernels = Kernels.singleThreaded();
    for (int[] shape : new int[][] {{40, 128, 128}, {30, 17, 33}, {70, 10, 300}, {64, 65, 129}}) {
      int m = shape[0];
      int n = shape[1];
      int k = shape[2];
      assertTrue(Kernels.transposeFirst(m, k), "the shape must take the transposed path");
      int window = k <= 128 ? 24 : 64; // the fewest rows that still transpose
      float[] a = random(r, m * k);
      float[] w = random(r, n * k);
      float[] batched = new float[m * n];
      kernels.matmulABt(m, n, k, a, 0, w, 0, batched, 0, false);
      for (int i = 0; i < m; i++) {
        int first = Math.min(i, m - window);
        float[] part = new float[window * n];
        kernels.matmulABt(window, n, k, a, first * k, w, 0, part, 0, false);
        float[] alone = new float[n];
        kernels.matmulABt(1, n, k, a, i * k, w, 0, alone, 0, false);
        for (int j = 0; j < n; j++) {
          String where = "shape m=" + m + " n=" + n + " k=" + k + " row " + i + " column " + j;
          assertEquals(Float.floatToIntBits(batched[i * n + j]), Float.floatToIntBits(part[(i - first) * n + j]),
              where);
          assertEquals(alone[j], batched[i * n + j], 1e-6 * k, where + ": dot product against transposed");
        }
      }
    }
  }

  @Test
  void bothProvidersTransposeAnyShapeAtAnyOffset() {
    SplittableRandom r = new SplittableRandom(10);
    FloatProvider vector = Kernels.PROVIDER;
    for (int[] shape : new int[][] {{1, 1}, {3, 5}, {16, 16}, {17, 33}, {64, 64}, {130, 7}}) {
      int n = shape[0];
      int k = shape[1];
      float[] b = random(r, 5 + n * k);
      float[] expected = new float[n * k];
      for (int j = 0; j < n; j++) {
        for (int p = 0; p < k; p++) {
          expected[p * n + j] = b[5 + j * k + p];
        }
      }
      for (FloatProvider provider : new FloatProvider[] {scalar, vector}) {
        float[] t = new float[n * k];
        provider.transpose(n, k, b, 5, t, new int[64]);
        assertArrayEquals(expected, t, provider.name() + " n=" + n + " k=" + k);
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
      Kernels.adamUpdate(fast[0], g, fast[1], fast[2], 0.9f, 0.1f, 0.999f, 0.001f, 0.01f, 0.05f, 1e-8f, 0.999f, 0.01f);
      scalar.adam(ref[0], g, ref[1], ref[2], 0.9f, 0.1f, 0.999f, 0.001f, 0.01f, 0.05f, 1e-8f, 0.999f, 0.01f);
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

  /**
   * Values that break naive rules: NaN, infinities, signed zeros, and ordinary ones; with
   * {@code huge}, also values whose products overflow in float (not in double).
   */
  private static float[] specials(SplittableRandom r, int n, boolean huge) {
    float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, 1.5f, -1.5f, 3e38f,
      -3e38f};
    float[] x = random(r, n);
    for (int i = 0; i < n; i++) {
      if (r.nextInt(3) == 0) {
        x[i] = special[r.nextInt(huge ? special.length : special.length - 2)];
      }
    }
    return x;
  }

  /** Same NaN positions; and the same bits wherever the rule is exact in float (ReLU, identity). */
  private static void assertSameSpecials(float[] expected, float[] actual, Activation g, String what) {
    boolean exact = g == Activation.RELU || g == Activation.NONE;
    for (int i = 0; i < expected.length; i++) {
      String where = what + " " + g + " at " + i + ": " + expected[i] + " vs " + actual[i];
      assertEquals(Float.isNaN(expected[i]), Float.isNaN(actual[i]), where);
      if (exact || !Float.isFinite(expected[i])) {
        assertEquals(expected[i], actual[i], 0f, where);
      } else {
        assertEquals(expected[i], actual[i], 1e-5f * Math.max(1f, Math.abs(expected[i])), where);
      }
    }
  }

  @Test
  void nanAndInfinityPassThroughEveryKernelAlike() {
    // PyTorch's relu(NaN) is NaN. A kernel that turns NaN into 0 hides a broken weight on one JVM
    // (scalar) and shows it on another (vector); scalar, vector and double must agree everywhere.
    // Overflow differs between float and double, so values near the float range's end are
    // compared between the two float kernels only.
    SplittableRandom r = new SplittableRandom(5);
    Kernels kernels = Kernels.singleThreaded();
    for (boolean huge : new boolean[] {false, true})
    for (Activation g : Activation.values()) {
      for (int width : new int[] {1, 7, 16, 35, 64}) {
        int rows = 4;
        float[] z = specials(r, rows * width, huge);
        float[] bias = specials(r, width, huge);
        float[] s = specials(r, rows * width, huge);
        for (boolean shortcut : new boolean[] {false, true}) {
          float[] fast = z.clone();
          float[] ref = z.clone();
          double[] dz = toDouble(z);
          if (shortcut) {
            kernels.biasShortcutActivation(rows, width, fast, 0, bias, 0, s, 0, g);
            kernels.biasShortcutActivation(rows, width, dz, 0, toDouble(bias), 0, toDouble(s), 0, g);
          } else {
            kernels.biasActivation(rows, width, fast, 0, bias, 0, g);
            kernels.biasActivation(rows, width, dz, 0, toDouble(bias), 0, g);
          }
          scalar.biasActivation(rows, width, ref, 0, bias, 0, shortcut ? s : null, 0, g);
          assertSameSpecials(ref, fast, g, "forward vector vs scalar, shortcut " + shortcut);
          for (int i = 0; i < dz.length && !huge; i++) {
            assertEquals(Float.isNaN(ref[i]), Double.isNaN(dz[i]), g + " forward double at " + i + ": " + dz[i]);
          }
        }

        float[] a = specials(r, rows * width, huge);
        float[] grad = specials(r, rows * width, huge);
        float[] fast = grad.clone();
        float[] ref = grad.clone();
        double[] dgrad = toDouble(grad);
        float[] db = new float[width];
        float[] dbRef = new float[width];
        double[] dbDouble = new double[width];
        kernels.activationBackward(rows, width, a, 0, fast, 0, g, db, 0);
        scalar.activationBackward(rows, width, a, 0, ref, 0, g, dbRef, 0);
        kernels.activationBackward(rows, width, toDouble(a), 0, dgrad, 0, g, dbDouble, 0);
        assertSameSpecials(ref, fast, g, "backward vector vs scalar");
        for (int i = 0; i < dgrad.length && !huge; i++) {
          assertEquals(Float.isNaN(ref[i]), Double.isNaN(dgrad[i]), g + " backward double at " + i + ": " + dgrad[i]);
        }
        for (int j = 0; j < width; j++) {
          assertEquals(Float.isNaN(dbRef[j]), Float.isNaN(db[j]), g + " bias gradient at " + j);
          if (!huge) {
            assertEquals(Float.isNaN(dbRef[j]), Double.isNaN(dbDouble[j]), g + " double bias gradient at " + j);
          }
        }
      }
    }
  }

  @Test
  void reluOfNanIsNanOnEveryPath() {
    float[] z = {Float.NaN, -1f, 2f};
    float[] zero = new float[3];
    float[] fast = z.clone();
    float[] ref = z.clone();
    double[] dz = toDouble(z);
    Kernels.singleThreaded().biasActivation(1, 3, fast, 0, zero, 0, Activation.RELU);
    scalar.biasActivation(1, 3, ref, 0, zero, 0, null, 0, Activation.RELU);
    Kernels.singleThreaded().biasActivation(1, 3, dz, 0, new double[3], 0, Activation.RELU);
    for (float[] out : new float[][] {fast, ref}) {
      assertTrue(Float.isNaN(out[0]), "relu(NaN) = " + out[0]);
      assertEquals(0f, out[1]);
      assertEquals(2f, out[2]);
    }
    assertTrue(Double.isNaN(dz[0]), "double relu(NaN) = " + dz[0]);
  }

  @Test
  void anUpdateCheckFindsExactlyWhereTheUpdateWouldBreak() {
    // The optimizer checks an update before writing it; the check must predict the update exactly,
    // on the vector path (remainders included) and on the scalar one.
    FloatProvider vector = Kernels.PROVIDER;
    SplittableRandom r = new SplittableRandom(6);
    for (int trial = 0; trial < 400; trial++) {
      int n = 1 + r.nextInt(70);
      float[] p = random(r, n);
      float[] g = random(r, n);
      float[] m = random(r, n);
      float[] v = random(r, n);
      for (int i = 0; i < n; i++) {
        v[i] = Math.abs(v[i]);
      }
      if (r.nextBoolean()) { // one element that overflows: a huge gradient, a NaN, or a huge parameter
        int at = r.nextInt(n);
        float[] target = r.nextBoolean() ? g : p;
        target[at] = r.nextBoolean() ? 3e20f * (r.nextBoolean() ? 1 : -1) : r.nextBoolean() ? Float.NaN : 3e38f;
      }
      float lr = r.nextInt(8) == 0 ? 3e38f : 0.01f;
      boolean first = r.nextBoolean();
      boolean nesterov = r.nextBoolean();
      for (FloatProvider provider : new FloatProvider[] {vector, scalar}) {
        float[][] adam = {p.clone(), m.clone(), v.clone()};
        int predicted = provider.adamCheck(adam[0], g, adam[1], adam[2], 0.9f, 0.1f, 0.999f, 0.001f, lr, 0.05f, 1e-8f, 0.999f,
            0.01f);
        assertArrayEquals(p, adam[0], "a check writes nothing");
        provider.adam(adam[0], g, adam[1], adam[2], 0.9f, 0.1f, 0.999f, 0.001f, lr, 0.05f, 1e-8f, 0.999f, 0.01f);
        assertEquals(firstBroken(adam[0], adam[1], adam[2]), predicted, provider.name() + " adam, n=" + n);

        float[] sp = p.clone();
        float[] sv = m.clone();
        predicted = provider.sgdCheck(sp, g, sv, lr, 0.01f, 0.9f, nesterov, first);
        provider.sgd(sp, g, sv, lr, 0.01f, 0.9f, nesterov, first);
        assertEquals(firstBroken(sp, sv, sv), predicted, provider.name() + " sgd momentum, n=" + n);
        float[] plain = p.clone();
        predicted = provider.sgdCheck(plain, g, null, lr, 0.01f, 0f, false, first);
        provider.sgd(plain, g, null, lr, 0.01f, 0f, false, first);
        assertEquals(firstBroken(plain, plain, plain), predicted, provider.name() + " sgd, n=" + n);
      }
    }
  }

  private static int firstBroken(float[] a, float[] b, float[] c) {
    for (int i = 0; i < a.length; i++) {
      if (!Float.isFinite(a[i]) || !Float.isFinite(b[i]) || !Float.isFinite(c[i])) {
        return i;
      }
    }
    return -1;
  }

  private static double[] toDouble(float[] x) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      d[i] = x[i];
    }
    return d;
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
