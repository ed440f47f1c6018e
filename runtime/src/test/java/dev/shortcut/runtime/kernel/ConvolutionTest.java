package dev.shortcut.runtime.kernel;

import static dev.shortcut.runtime.kernel.SpatialTesting.assertClose;
import static dev.shortcut.runtime.kernel.SpatialTesting.assertNoAllocation;
import static dev.shortcut.runtime.kernel.SpatialTesting.centralDifference;
import static dev.shortcut.runtime.kernel.SpatialTesting.oracleBackwardInput;
import static dev.shortcut.runtime.kernel.SpatialTesting.oracleBackwardWeights;
import static dev.shortcut.runtime.kernel.SpatialTesting.oracleForward;
import static dev.shortcut.runtime.kernel.SpatialTesting.randomDoubles;
import static dev.shortcut.runtime.kernel.SpatialTesting.randomFloats;
import static dev.shortcut.runtime.kernel.SpatialTesting.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Convolution forward, input gradient and weight gradient: the scalar reference against an
 * independent im2col + GEMM oracle, the Vector API kernels against both, the double kernels
 * against central differences, threads against one thread bit for bit, and no allocation.
 */
class ConvolutionTest {
  /** Odd sizes, 28→14→7, 1×1 / 3×3 / 7×7 / even kernels, strides 1 to 3, paddings 0/1/3 and lopsided, channels 1/3/16/17/32/64. */
  static final List<ConvShape> SHAPES = List.of(
      ConvShape.of(3, 7, 7, 16, 3, 1, 1),
      ConvShape.of(16, 28, 28, 16, 3, 2, 1),
      ConvShape.of(16, 14, 14, 32, 3, 2, 1),
      ConvShape.of(17, 7, 7, 17, 3, 1, 1),
      ConvShape.of(1, 9, 9, 3, 7, 2, 3),
      ConvShape.of(3, 16, 16, 64, 7, 2, 3),
      ConvShape.of(64, 8, 8, 64, 3, 1, 1),
      ConvShape.of(32, 8, 8, 32, 3, 1, 1),
      ConvShape.of(16, 8, 8, 32, 1, 2, 0),
      ConvShape.of(64, 7, 7, 16, 1, 1, 0),
      ConvShape.of(17, 5, 6, 64, 3, 1, 0),
      ConvShape.of(3, 5, 5, 1, 2, 2, 0),
      ConvShape.of(16, 6, 5, 17, 3, 3, 2, 0, 1, 1, 2),
      ConvShape.of(3, 8, 8, 16, 2, 3, 0),
      ConvShape.of(48, 6, 6, 48, 3, 1, 1),
      ConvShape.of(5, 4, 4, 7, 5, 1, 3));
  private static final int[] BATCHES = {1, 2, 5};
  private static final int X_OFF = 3;
  private static final int W_OFF = 5;
  private static final int Y_OFF = 7;
  private static final int GUARD = 11;

  private final ScalarSpatialProvider scalar = new ScalarSpatialProvider();

  @Test
  void shapesComputePyTorchOutputSizesAndRejectBadGeometry() {
    ConvShape c = ConvShape.of(16, 32, 32, 32, 3, 2, 1);
    assertEquals(16, c.outHeight());
    assertEquals(16, c.outWidth());
    assertEquals(16 * 32 * 32, c.inputSize());
    assertEquals(32 * 16 * 16, c.outputSize());
    assertEquals(3 * 3 * 16 * 32, c.weightCount());
    ConvShape stem = ConvShape.of(3, 224, 224, 64, 7, 2, 3);
    assertEquals(112, stem.outHeight());
    ConvShape drops = ConvShape.of(3, 5, 5, 1, 2, 2, 0);
    assertEquals(2, drops.outHeight());
    ConvShape lopsided = ConvShape.of(1, 6, 5, 1, 3, 3, 2, 0, 1, 1, 2);
    assertEquals(3, lopsided.outHeight()); // (6 + 0 + 1 − 3) / 2 + 1
    assertEquals(3, lopsided.outWidth()); // (5 + 1 + 2 − 3) / 2 + 1
    assertEquals(2, ConvShape.of(1, 6, 6, 1, 3, 3, 2, 0, 0, 0, 0).outHeight()); // the last row is dropped
    // Every tap inside the input counted once: the 3×3 'same' convolution loses its border taps.
    assertEquals((long) (9 * 16 - 4 * 3 * 4 + 4) * 2 * 3, ConvShape.of(2, 4, 4, 3, 3, 1, 1).multiplyAdds());

    IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
        () -> ConvShape.of(3, 4, 4, 8, 7, 1, 1));
    assertTrue(big.getMessage().contains("kernel 7×7 is larger than the padded input 6×6"), big.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ConvShape.of(0, 4, 4, 8, 3, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> ConvShape.of(3, 4, 4, 8, 3, 0, 1));
    IllegalArgumentException pad = assertThrows(IllegalArgumentException.class,
        () -> ConvShape.of(3, 4, 4, 8, 3, 3, 1, -1, 0, 0, 0));
    assertTrue(pad.getMessage().contains("padTop"), pad.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ConvShape.of(4096, 1024, 1024, 8, 3, 1, 1));
  }

  @Test
  void callsRejectArraysTooShortForTheShape() {
    ConvShape c = ConvShape.of(3, 8, 8, 16, 3, 1, 1);
    float[] x = new float[2 * c.inputSize()];
    float[] w = new float[c.weightCount()];
    float[] y = new float[2 * c.outputSize()];
    Kernels k = Kernels.singleThreaded();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> k.conv2d(c, 3, x, 0, w, 0, y, 0));
    assertTrue(e.getMessage().startsWith("input of conv 3×8×8 → 16×8×8"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> k.conv2d(c, 2, x, 0, w, 1, y, 0));
    assertThrows(IllegalArgumentException.class, () -> k.conv2d(c, 0, x, 0, w, 0, y, 0));
    assertThrows(IllegalArgumentException.class,
        () -> k.conv2dBackwardInput(c, 2, y, 0, w, 0, x, 0, SpatialTesting.write(false), new float[c.weightCount() - 1], 0));
  }

  @Test
  void doubleReferenceAgreesWithIm2colOracle() {
    SplittableRandom r = new SplittableRandom(1);
    Kernels k = Kernels.singleThreaded();
    for (ConvShape c : SHAPES) {
      for (int batch : BATCHES) {
        double[] x = randomDoubles(r, X_OFF + batch * c.inputSize());
        double[] w = randomDoubles(r, W_OFF + c.weightCount());
        double[] dy = randomDoubles(r, Y_OFF + batch * c.outputSize());
        double[] y = new double[Y_OFF + batch * c.outputSize()];
        k.conv2d(c, batch, x, X_OFF, w, W_OFF, y, Y_OFF);
        assertClose(oracleForward(c, batch, x, X_OFF, w, W_OFF), 0, y, Y_OFF, batch * c.outputSize(), 1e-13,
            "forward " + c + " batch " + batch);
        double[] dx = new double[X_OFF + batch * c.inputSize()];
        k.conv2dBackwardInput(c, batch, dy, Y_OFF, w, W_OFF, dx, X_OFF, SpatialTesting.write(false), new double[c.weightCount()], 0);
        assertClose(oracleBackwardInput(c, batch, dy, Y_OFF, w, W_OFF), 0, dx, X_OFF, batch * c.inputSize(), 1e-13,
            "input gradient " + c + " batch " + batch);
        double[] dw = new double[W_OFF + c.weightCount()];
        k.conv2dBackwardWeights(c, batch, x, X_OFF, dy, Y_OFF, dw, W_OFF);
        assertClose(oracleBackwardWeights(c, batch, x, X_OFF, dy, Y_OFF), 0, dw, W_OFF, c.weightCount(), 1e-13,
            "weight gradient " + c + " batch " + batch);
      }
    }
  }

  @Test
  void floatKernelsAgreeWithTheScalarReferenceAndTheOracle() {
    SplittableRandom r = new SplittableRandom(2);
    Kernels k = Kernels.singleThreaded();
    for (ConvShape c : SHAPES) {
      for (int batch : BATCHES) {
        int in = batch * c.inputSize();
        int out = batch * c.outputSize();
        float[] x = randomFloats(r, X_OFF + in + GUARD);
        float[] w = randomFloats(r, W_OFF + c.weightCount() + GUARD);
        float[] dy = randomFloats(r, Y_OFF + out + GUARD);
        String where = c + " batch " + batch;

        float[] y = randomFloats(r, Y_OFF + out + GUARD);
        float[] yRef = y.clone();
        k.conv2d(c, batch, x, X_OFF, w, W_OFF, y, Y_OFF);
        scalar.conv2d(c, batch, x, X_OFF, w, W_OFF, yRef, Y_OFF, 0, 1);
        double[] exact = oracleForward(c, batch, toDouble(x), X_OFF, toDouble(w), W_OFF);
        assertClose(exact, 0, y, Y_OFF, out, 1e-5, "vector forward " + where);
        assertClose(exact, 0, yRef, Y_OFF, out, 1e-5, "scalar forward " + where);
        assertGuardsKept(yRef, y, Y_OFF, out, where);

        double[] exactDx = oracleBackwardInput(c, batch, toDouble(dy), Y_OFF, toDouble(w), W_OFF);
        for (boolean accumulate : new boolean[] {false, true}) {
          float[] dx = randomFloats(r, X_OFF + in + GUARD);
          float[] dxRef = dx.clone();
          double[] expected = exactDx.clone();
          for (int i = 0; accumulate && i < in; i++) {
            expected[i] += dx[X_OFF + i];
          }
          float[] scratch = new float[1 + c.backwardInputScratchSize()];
          k.conv2dBackwardInput(c, batch, dy, Y_OFF, w, W_OFF, dx, X_OFF, SpatialTesting.write(accumulate), scratch, 1);
          scalar.conv2dBackwardInput(c, batch, dy, Y_OFF, w, W_OFF, null, 0, dxRef, X_OFF, accumulate, 0, 1);
          assertClose(expected, 0, dx, X_OFF, in, 1e-5, "vector input gradient " + where + " acc " + accumulate);
          assertClose(expected, 0, dxRef, X_OFF, in, 1e-5, "scalar input gradient " + where + " acc " + accumulate);
          assertGuardsKept(dxRef, dx, X_OFF, in, where);
        }

        float[] dw = randomFloats(r, W_OFF + c.weightCount() + GUARD);
        float[] dwRef = dw.clone();
        double[] expected = oracleBackwardWeights(c, batch, toDouble(x), X_OFF, toDouble(dy), Y_OFF);
        for (int i = 0; i < c.weightCount(); i++) {
          expected[i] += dw[W_OFF + i];
        }
        k.conv2dBackwardWeights(c, batch, x, X_OFF, dy, Y_OFF, dw, W_OFF);
        scalar.conv2dBackwardWeights(c, batch, x, X_OFF, dy, Y_OFF, dwRef, W_OFF, 0, 1);
        assertClose(expected, 0, dw, W_OFF, c.weightCount(), 1e-5, "vector weight gradient " + where);
        assertClose(expected, 0, dwRef, W_OFF, c.weightCount(), 1e-5, "scalar weight gradient " + where);
        assertGuardsKept(dwRef, dw, W_OFF, c.weightCount(), where);
      }
    }
  }

  /** Elements outside {@code [off, off + n)} are as they were (the reference writes only inside). */
  private static void assertGuardsKept(float[] reference, float[] actual, int off, int n, String where) {
    for (int i = 0; i < actual.length; i++) {
      if (i < off || i >= off + n) {
        assertEquals(reference[i], actual[i], 0f, "wrote outside its tensor at " + i + ": " + where);
      }
    }
  }

  @Test
  void doubleGradientsMatchCentralDifferences() {
    SplittableRandom r = new SplittableRandom(3);
    Kernels k = Kernels.singleThreaded();
    for (ConvShape c : List.of(ConvShape.of(3, 7, 7, 4, 3, 2, 1), ConvShape.of(2, 5, 6, 3, 3, 3, 1, 0, 1, 2, 0),
        ConvShape.of(2, 6, 6, 3, 1, 2, 0), ConvShape.of(2, 7, 7, 2, 7, 2, 3))) {
      int batch = 2;
      double[] x = randomDoubles(r, batch * c.inputSize());
      double[] w = randomDoubles(r, c.weightCount());
      double[] weight = randomDoubles(r, batch * c.outputSize()); // L = Σ weight ⊙ y, so dL/dy = weight
      double[] y = new double[batch * c.outputSize()];
      java.util.function.DoubleSupplier loss = () -> {
        k.conv2d(c, batch, x, 0, w, 0, y, 0);
        double l = 0;
        for (int i = 0; i < y.length; i++) {
          l += weight[i] * y[i];
        }
        return l;
      };
      double[] dx = new double[x.length];
      k.conv2dBackwardInput(c, batch, weight, 0, w, 0, dx, 0, SpatialTesting.write(false), new double[c.weightCount()], 0);
      double[] dw = new double[w.length];
      k.conv2dBackwardWeights(c, batch, x, 0, weight, 0, dw, 0);
      double[] fdx = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        fdx[i] = centralDifference(x, i, 1e-5, loss);
      }
      double[] fdw = new double[w.length];
      for (int i = 0; i < w.length; i++) {
        fdw[i] = centralDifference(w, i, 1e-5, loss);
      }
      assertClose(fdx, 0, dx, 0, x.length, 1e-6, "input gradient " + c);
      assertClose(fdw, 0, dw, 0, w.length, 1e-6, "weight gradient " + c);
    }
  }

  @Test
  void threadedResultsAreBitIdenticalToSingleThreaded() {
    SplittableRandom r = new SplittableRandom(4);
    Kernels one = Kernels.singleThreaded();
    List<Kernels> many = List.of(Kernels.withThreads(2), Kernels.withThreads(3));
    int[][] cases = {{16, 32, 32, 16, 3, 1, 1, 2}, {64, 8, 8, 64, 3, 1, 1, 2}, {64, 12, 12, 64, 3, 1, 1, 1}, {16, 32, 32, 32, 3, 2, 1, 3},
        {17, 20, 20, 17, 3, 1, 1, 4}, {32, 16, 16, 64, 1, 2, 0, 32}, {3, 32, 32, 16, 3, 1, 1, 16}};
    for (int[] s : cases) {
      ConvShape c = ConvShape.of(s[0], s[1], s[2], s[3], s[4], s[5], s[6]);
      int batch = s[7];
      assertTrue(batch * c.multiplyAdds() >= Kernels.PARALLEL_THRESHOLD, "case too small to split: " + c);
      float[] x = randomFloats(r, batch * c.inputSize());
      float[] w = randomFloats(r, c.weightCount());
      float[] dy = randomFloats(r, batch * c.outputSize());
      float[] y1 = new float[dy.length];
      float[] dx1 = randomFloats(r, x.length);
      float[] dw1 = randomFloats(r, w.length);
      float[] dx0 = dx1.clone();
      float[] dw0 = dw1.clone();
      float[] scratch = new float[c.backwardInputScratchSize()];
      one.conv2d(c, batch, x, 0, w, 0, y1, 0);
      one.conv2dBackwardInput(c, batch, dy, 0, w, 0, dx1, 0, SpatialTesting.write(true), scratch, 0);
      one.conv2dBackwardWeights(c, batch, x, 0, dy, 0, dw1, 0);
      for (Kernels k : many) {
        float[] y = new float[dy.length];
        float[] dx = dx0.clone();
        float[] dw = dw0.clone();
        k.conv2d(c, batch, x, 0, w, 0, y, 0);
        k.conv2dBackwardInput(c, batch, dy, 0, w, 0, dx, 0, SpatialTesting.write(true), scratch, 0);
        k.conv2dBackwardWeights(c, batch, x, 0, dy, 0, dw, 0);
        String where = c + " batch " + batch + " threads " + k.threads();
        assertArrayEquals(y1, y, where);
        assertArrayEquals(dx1, dx, where);
        assertArrayEquals(dw1, dw, where);
      }
    }
  }

  @Test
  void convolutionsAllocateNothingOnceWarm() {
    SplittableRandom r = new SplittableRandom(5);
    for (Kernels k : List.of(Kernels.singleThreaded(), Kernels.withThreads(2))) {
      for (ConvShape c : List.of(ConvShape.of(16, 16, 16, 16, 3, 1, 1), ConvShape.of(16, 16, 16, 32, 3, 2, 1),
          ConvShape.of(64, 8, 8, 64, 3, 1, 1), ConvShape.of(17, 6, 6, 17, 3, 1, 1))) {
        int batch = 2;
        float[] x = randomFloats(r, batch * c.inputSize());
        float[] w = randomFloats(r, c.weightCount());
        float[] y = new float[batch * c.outputSize()];
        float[] dx = new float[x.length];
        float[] dw = new float[w.length];
        float[] scratch = new float[c.backwardInputScratchSize()];
        assertNoAllocation(() -> {
          k.conv2d(c, batch, x, 0, w, 0, y, 0);
          k.conv2dBackwardInput(c, batch, y, 0, w, 0, dx, 0, SpatialTesting.write(false), scratch, 0);
          k.conv2dBackwardWeights(c, batch, x, 0, y, 0, dw, 0);
        }, c + " on " + k.threads() + " threads");
      }
    }
  }
}
