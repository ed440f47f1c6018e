package dev.shortcut.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.shortcut.runtime.testing.SteadyState;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Shared by the convolution, batch-normalization and pooling tests: random tensors, an
 * independent im2col + triple-loop GEMM convolution in double (the oracle), central differences,
 * error measures and an allocation meter.
 */
final class SpatialTesting {
  private SpatialTesting() {}

  static float[] randomFloats(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (2 * r.nextDouble() - 1);
    }
    return x;
  }

  static double[] randomDoubles(SplittableRandom r, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 2 * r.nextDouble() - 1;
    }
    return x;
  }

  static double[] toDouble(float[] x) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      d[i] = x[i];
    }
    return d;
  }

  /** {@code im2col}: one row per output pixel, one column per (kh, kw, ci) tap, zeros in the padding. */
  static double[][] im2col(ConvShape c, int batch, double[] x, int xOff) {
    int taps = c.kernelHeight() * c.kernelWidth() * c.inChannels();
    double[][] col = new double[batch * c.outHeight() * c.outWidth()][taps];
    for (int n = 0; n < batch; n++) {
      for (int oh = 0; oh < c.outHeight(); oh++) {
        for (int ow = 0; ow < c.outWidth(); ow++) {
          double[] row = col[(n * c.outHeight() + oh) * c.outWidth() + ow];
          for (int kh = 0; kh < c.kernelHeight(); kh++) {
            for (int kw = 0; kw < c.kernelWidth(); kw++) {
              int ih = oh * c.stride() - c.padTop() + kh;
              int iw = ow * c.stride() - c.padLeft() + kw;
              if (ih < 0 || ih >= c.inHeight() || iw < 0 || iw >= c.inWidth()) {
                continue;
              }
              for (int ci = 0; ci < c.inChannels(); ci++) {
                row[(kh * c.kernelWidth() + kw) * c.inChannels() + ci] =
                    x[xOff + ((n * c.inHeight() + ih) * c.inWidth() + iw) * c.inChannels() + ci];
              }
            }
          }
        }
      }
    }
    return col;
  }

  /** Oracle forward: {@code Y = col(x) · W}, W the HWIO weights as a (taps × out) matrix. */
  static double[] oracleForward(ConvShape c, int batch, double[] x, int xOff, double[] w, int wOff) {
    double[][] col = im2col(c, batch, x, xOff);
    int taps = col[0].length;
    int cout = c.outChannels();
    double[] y = new double[col.length * cout];
    for (int i = 0; i < col.length; i++) {
      for (int j = 0; j < cout; j++) {
        double s = 0;
        for (int p = 0; p < taps; p++) {
          s += col[i][p] * w[wOff + p * cout + j];
        }
        y[i * cout + j] = s;
      }
    }
    return y;
  }

  /** Oracle input gradient: {@code col2im(dY · Wᵀ)}. */
  static double[] oracleBackwardInput(ConvShape c, int batch, double[] dy, int dyOff, double[] w, int wOff) {
    int taps = c.kernelHeight() * c.kernelWidth() * c.inChannels();
    int cout = c.outChannels();
    int pixels = batch * c.outHeight() * c.outWidth();
    double[] dx = new double[batch * c.inputSize()];
    for (int i = 0; i < pixels; i++) {
      int n = i / (c.outHeight() * c.outWidth());
      int oh = i / c.outWidth() % c.outHeight();
      int ow = i % c.outWidth();
      for (int p = 0; p < taps; p++) {
        double s = 0;
        for (int j = 0; j < cout; j++) {
          s += dy[dyOff + i * cout + j] * w[wOff + p * cout + j];
        }
        int kh = p / (c.kernelWidth() * c.inChannels());
        int kw = p / c.inChannels() % c.kernelWidth();
        int ci = p % c.inChannels();
        int ih = oh * c.stride() - c.padTop() + kh;
        int iw = ow * c.stride() - c.padLeft() + kw;
        if (ih >= 0 && ih < c.inHeight() && iw >= 0 && iw < c.inWidth()) {
          dx[((n * c.inHeight() + ih) * c.inWidth() + iw) * c.inChannels() + ci] += s;
        }
      }
    }
    return dx;
  }

  /** Oracle weight gradient: {@code col(x)ᵀ · dY}. */
  static double[] oracleBackwardWeights(ConvShape c, int batch, double[] x, int xOff, double[] dy, int dyOff) {
    double[][] col = im2col(c, batch, x, xOff);
    int taps = col[0].length;
    int cout = c.outChannels();
    double[] dw = new double[taps * cout];
    for (int p = 0; p < taps; p++) {
      for (int j = 0; j < cout; j++) {
        double s = 0;
        for (int i = 0; i < col.length; i++) {
          s += col[i][p] * dy[dyOff + i * cout + j];
        }
        dw[p * cout + j] = s;
      }
    }
    return dw;
  }

  /** Central difference of {@code f} with respect to {@code v[i]}. */
  static double centralDifference(double[] v, int i, double h, DoubleSupplier f) {
    double keep = v[i];
    v[i] = keep + h;
    double up = f.getAsDouble();
    v[i] = keep - h;
    double down = f.getAsDouble();
    v[i] = keep;
    return (up - down) / (2 * h);
  }

  /** Largest {@code |actual − expected|} relative to the largest {@code |expected|}. */
  static double relativeError(double[] expected, int expectedOff, double[] actual, int actualOff, int n) {
    double scale = 0;
    double worst = 0;
    for (int i = 0; i < n; i++) {
      scale = Math.max(scale, Math.abs(expected[expectedOff + i]));
      worst = Math.max(worst, Math.abs(actual[actualOff + i] - expected[expectedOff + i]));
    }
    return worst / Math.max(scale, 1e-300);
  }

  static double relativeError(double[] expected, int expectedOff, float[] actual, int actualOff, int n) {
    return relativeError(expected, expectedOff, toDouble(actual), actualOff, n);
  }

  static void assertClose(double[] expected, int expectedOff, float[] actual, int actualOff, int n, double tol,
      String what) {
    double e = relativeError(expected, expectedOff, actual, actualOff, n);
    assertTrue(e <= tol, what + ": relative error " + e + " > " + tol);
  }

  static void assertClose(double[] expected, int expectedOff, double[] actual, int actualOff, int n, double tol,
      String what) {
    double e = relativeError(expected, expectedOff, actual, actualOff, n);
    assertTrue(e <= tol, what + ": relative error " + e + " > " + tol);
  }

  /**
   * Asserts that {@code step} allocates nothing once warm, on the calling thread or the kernel
   * workers ({@link SteadyState}). MixedWidthsTest covers kernels compiled after other vector code
   * polluted the JIT's profiles.
   */
  static void assertNoAllocation(Runnable step, String what) {
    SteadyState.assertAllocatesNothing(what, 50, step);
  }

  /** The write mode a boolean {@code accumulate} stood for before the kernels took {@link InputGradient}. */
  static InputGradient write(boolean accumulate) {
    return accumulate ? InputGradient.ACCUMULATE : InputGradient.OVERWRITE;
  }
}
