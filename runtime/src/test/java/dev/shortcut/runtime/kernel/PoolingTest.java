package dev.shortcut.runtime.kernel;

import static dev.shortcut.runtime.kernel.SpatialTesting.assertClose;
import static dev.shortcut.runtime.kernel.SpatialTesting.assertNoAllocation;
import static dev.shortcut.runtime.kernel.SpatialTesting.centralDifference;
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
 * Max, average and global average pooling, forward and backward: against direct window sums in
 * double, central differences, the scalar reference, threads bit for bit, and no allocation.
 */
class PoolingTest {
  static final List<PoolShape> SHAPES = List.of(
      PoolShape.of(64, 9, 9, 3, 2, 1), // torchvision's stem pooling, on a small image
      PoolShape.of(3, 7, 7, 2, 2, 0), // drops the last row and column
      PoolShape.of(17, 6, 5, 3, 1, 1),
      PoolShape.of(16, 8, 8, 2, 2, 0),
      PoolShape.of(5, 7, 6, 3, 2, 2, 0, 1, 1, 0),
      PoolShape.of(1, 4, 4, 4, 1, 0));

  private final ScalarSpatialProvider scalar = new ScalarSpatialProvider();
  private final Kernels kernels = Kernels.singleThreaded();

  /** Max or average of each window, directly from the definition. */
  private static double[] windows(PoolShape p, int batch, double[] x, boolean max) {
    double[] y = new double[batch * p.outputSize()];
    for (int n = 0; n < batch; n++) {
      for (int oh = 0; oh < p.outHeight(); oh++) {
        for (int ow = 0; ow < p.outWidth(); ow++) {
          for (int c = 0; c < p.channels(); c++) {
            double m = Double.NEGATIVE_INFINITY;
            double s = 0;
            for (int kh = 0; kh < p.kernelHeight(); kh++) {
              for (int kw = 0; kw < p.kernelWidth(); kw++) {
                int ih = oh * p.stride() - p.padTop() + kh;
                int iw = ow * p.stride() - p.padLeft() + kw;
                if (ih >= 0 && ih < p.inHeight() && iw >= 0 && iw < p.inWidth()) {
                  double v = x[((n * p.inHeight() + ih) * p.inWidth() + iw) * p.channels() + c];
                  m = Math.max(m, v);
                  s += v;
                }
              }
            }
            y[((n * p.outHeight() + oh) * p.outWidth() + ow) * p.channels() + c] =
                max ? m : s / (p.kernelHeight() * p.kernelWidth());
          }
        }
      }
    }
    return y;
  }

  @Test
  void shapesRejectBadGeometry() {
    PoolShape stem = PoolShape.of(64, 112, 112, 3, 2, 1);
    assertEquals(56, stem.outHeight());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PoolShape.of(3, 8, 8, 2, 2, 2));
    assertTrue(e.getMessage().contains("must be smaller than the window"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PoolShape.of(3, 2, 2, 5, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> PoolShape.of(3, 8, 8, 2, 0, 0));
  }

  @Test
  void forwardMatchesTheDefinitionInEveryPrecision() {
    SplittableRandom r = new SplittableRandom(1);
    for (PoolShape p : SHAPES) {
      for (int batch : new int[] {1, 2, 5}) {
        float[] x = randomFloats(r, 3 + batch * p.inputSize());
        double[] xd = toDouble(x);
        int out = batch * p.outputSize();
        for (boolean max : new boolean[] {true, false}) {
          double[] expected = windows(p, batch, java.util.Arrays.copyOfRange(xd, 3, xd.length), max);
          float[] y = randomFloats(r, 2 + out);
          float[] yRef = y.clone();
          double[] yd = new double[out];
          if (max) {
            kernels.maxPool(p, batch, x, 3, y, 2);
            scalar.maxPool(p, batch, x, 3, yRef, 2, 0, 1);
            kernels.maxPool(p, batch, xd, 3, yd, 0);
          } else {
            kernels.averagePool(p, batch, x, 3, y, 2);
            scalar.averagePool(p, batch, x, 3, yRef, 2, 0, 1);
            kernels.averagePool(p, batch, xd, 3, yd, 0);
          }
          String where = (max ? "max " : "average ") + p + " batch " + batch;
          assertClose(expected, 0, y, 2, out, 1e-6, "vector " + where);
          assertClose(expected, 0, yRef, 2, out, 1e-6, "scalar " + where);
          assertClose(expected, 0, yd, 0, out, 1e-15, "double " + where);
        }
      }
    }
  }

  @Test
  void backwardMatchesCentralDifferencesAndTheScalarReference() {
    SplittableRandom r = new SplittableRandom(2);
    for (PoolShape p : SHAPES) {
      int batch = 2;
      double[] x = randomDoubles(r, batch * p.inputSize());
      double[] weight = randomDoubles(r, batch * p.outputSize());
      double[] y = new double[weight.length];
      for (boolean max : new boolean[] {true, false}) {
        java.util.function.DoubleSupplier loss = () -> {
          if (max) {
            kernels.maxPool(p, batch, x, 0, y, 0);
          } else {
            kernels.averagePool(p, batch, x, 0, y, 0);
          }
          double l = 0;
          for (int i = 0; i < y.length; i++) {
            l += weight[i] * y[i];
          }
          return l;
        };
        loss.getAsDouble();
        double[] dx = randomDoubles(r, x.length);
        double[] before = dx.clone();
        if (max) {
          kernels.maxPoolBackward(p, batch, x, 0, y, 0, weight, 0, dx, 0, SpatialTesting.write(true));
        } else {
          kernels.averagePoolBackward(p, batch, weight, 0, dx, 0, SpatialTesting.write(true));
        }
        double[] fd = new double[x.length];
        for (int i = 0; i < x.length; i++) {
          fd[i] = centralDifference(x, i, 1e-7, loss) + before[i];
        }
        String where = (max ? "max " : "average ") + p;
        assertClose(fd, 0, dx, 0, x.length, 1e-6, "double " + where);

        // Float, both providers, overwrite and accumulate.
        float[] xf = randomFloats(r, x.length);
        float[] yf = new float[y.length];
        float[] dyf = randomFloats(r, y.length);
        for (boolean accumulate : new boolean[] {false, true}) {
          float[] dxf = randomFloats(r, x.length);
          float[] dxRef = dxf.clone();
          if (max) {
            kernels.maxPool(p, batch, xf, 0, yf, 0);
            kernels.maxPoolBackward(p, batch, xf, 0, yf, 0, dyf, 0, dxf, 0, SpatialTesting.write(accumulate));
            scalar.maxPoolBackward(p, batch, xf, 0, yf, 0, dyf, 0, dxRef, 0, accumulate, 0, 1);
          } else {
            kernels.averagePoolBackward(p, batch, dyf, 0, dxf, 0, SpatialTesting.write(accumulate));
            scalar.averagePoolBackward(p, batch, dyf, 0, dxRef, 0, accumulate, 0, 1);
          }
          assertClose(toDouble(dxRef), 0, dxf, 0, x.length, 1e-6, "float " + where + " acc " + accumulate);
        }
      }
    }
  }

  @Test
  void maxPoolingRoutesTiesToTheFirstPositionAndPropagatesNaN() {
    PoolShape p = PoolShape.of(1, 4, 4, 2, 2, 0);
    float[] x = new float[16];
    java.util.Arrays.fill(x, 1f);
    float[] y = new float[4];
    kernels.maxPool(p, 1, x, 0, y, 0);
    float[] dx = new float[16];
    kernels.maxPoolBackward(p, 1, x, 0, y, 0, new float[] {1, 2, 3, 4}, 0, dx, 0, SpatialTesting.write(false));
    assertArrayEquals(new float[] {1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0}, dx);
    x[5] = Float.NaN;
    kernels.maxPool(p, 1, x, 0, y, 0);
    assertTrue(Float.isNaN(y[0]), "NaN wins its window, as in PyTorch");
    assertEquals(1f, y[1]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> kernels.maxPoolBackward(p, 1, new float[16], 0, new float[] {5, 0, 0, 0}, 0, new float[4], 0,
            new float[16], 0, SpatialTesting.write(false)));
    assertTrue(e.getMessage().contains("not in its window"), e.getMessage());
  }

  @Test
  void globalAveragePoolingMatchesTheDefinitionAndFiniteDifferences() {
    SplittableRandom r = new SplittableRandom(3);
    for (int[] s : new int[][] {{2, 64, 64}, {5, 49, 17}, {1, 1, 3}, {3, 16, 16}}) {
      int batch = s[0];
      int pixels = s[1];
      int ch = s[2];
      float[] x = randomFloats(r, 1 + batch * pixels * ch);
      double[] expected = new double[batch * ch];
      for (int n = 0; n < batch; n++) {
        for (int p = 0; p < pixels; p++) {
          for (int c = 0; c < ch; c++) {
            expected[n * ch + c] += x[1 + (n * pixels + p) * ch + c] / (double) pixels;
          }
        }
      }
      float[] y = new float[batch * ch];
      kernels.globalAveragePool(batch, pixels, ch, x, 1, y, 0);
      assertClose(expected, 0, y, 0, y.length, 1e-6, "vector");
      float[] yRef = new float[batch * ch];
      scalar.globalAveragePool(batch, pixels, ch, x, 1, yRef, 0);
      assertClose(expected, 0, yRef, 0, y.length, 1e-6, "scalar");

      double[] xd = randomDoubles(r, batch * pixels * ch);
      double[] weight = randomDoubles(r, batch * ch);
      double[] yd = new double[batch * ch];
      java.util.function.DoubleSupplier loss = () -> {
        kernels.globalAveragePool(batch, pixels, ch, xd, 0, yd, 0);
        double l = 0;
        for (int i = 0; i < yd.length; i++) {
          l += weight[i] * yd[i];
        }
        return l;
      };
      double[] dx = new double[xd.length];
      kernels.globalAveragePoolBackward(batch, pixels, ch, weight, 0, dx, 0, SpatialTesting.write(false));
      double[] fd = new double[xd.length];
      for (int i = 0; i < xd.length; i++) {
        fd[i] = centralDifference(xd, i, 1e-6, loss);
      }
      assertClose(fd, 0, dx, 0, xd.length, 1e-6, "double backward");
      float[] dy = randomFloats(r, batch * ch);
      for (boolean accumulate : new boolean[] {false, true}) {
        float[] dxf = randomFloats(r, batch * pixels * ch);
        float[] dxRef = dxf.clone();
        kernels.globalAveragePoolBackward(batch, pixels, ch, dy, 0, dxf, 0, SpatialTesting.write(accumulate));
        scalar.globalAveragePoolBackward(batch, pixels, ch, dy, 0, dxRef, 0, accumulate);
        assertArrayEquals(dxRef, dxf, 1e-7f, "float backward, accumulate " + accumulate);
      }
    }
  }

  @Test
  void threadedPoolingIsBitIdenticalAndAllocatesNothing() {
    SplittableRandom r = new SplittableRandom(4);
    PoolShape p = PoolShape.of(64, 28, 28, 3, 2, 1);
    int batch = 6;
    assertTrue((long) batch * p.inputSize() >= Kernels.SPATIAL_ELEMENTWISE_THRESHOLD);
    float[] x = randomFloats(r, batch * p.inputSize());
    float[] dy = randomFloats(r, batch * p.outputSize());
    float[][] one = pool(Kernels.singleThreaded(), p, batch, x, dy);
    for (int threads : new int[] {2, 3}) {
      float[][] many = pool(Kernels.withThreads(threads), p, batch, x, dy);
      for (int i = 0; i < one.length; i++) {
        assertArrayEquals(one[i], many[i], "output " + i + " on " + threads + " threads");
      }
    }
    for (Kernels k : List.of(Kernels.singleThreaded(), Kernels.withThreads(2))) {
      float[] y = new float[dy.length];
      float[] dx = new float[x.length];
      float[] g = new float[batch * 64];
      assertNoAllocation(() -> {
        k.maxPool(p, batch, x, 0, y, 0);
        k.maxPoolBackward(p, batch, x, 0, y, 0, dy, 0, dx, 0, SpatialTesting.write(false));
        k.averagePool(p, batch, x, 0, y, 0);
        k.averagePoolBackward(p, batch, dy, 0, dx, 0, SpatialTesting.write(true));
        k.globalAveragePool(batch, 28 * 28, 64, x, 0, g, 0);
        k.globalAveragePoolBackward(batch, 28 * 28, 64, g, 0, dx, 0, SpatialTesting.write(true));
      }, "pooling on " + k.threads() + " threads");
    }
  }

  private static float[][] pool(Kernels k, PoolShape p, int batch, float[] x, float[] dy) {
    float[] yMax = new float[dy.length];
    float[] yAverage = new float[dy.length];
    float[] dxMax = new float[x.length];
    float[] dxAverage = new float[x.length];
    k.maxPool(p, batch, x, 0, yMax, 0);
    k.maxPoolBackward(p, batch, x, 0, yMax, 0, dy, 0, dxMax, 0, SpatialTesting.write(false));
    k.averagePool(p, batch, x, 0, yAverage, 0);
    k.averagePoolBackward(p, batch, dy, 0, dxAverage, 0, SpatialTesting.write(false));
    return new float[][] {yMax, dxMax, yAverage, dxAverage};
  }
}
