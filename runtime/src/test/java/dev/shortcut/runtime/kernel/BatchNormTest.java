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

import dev.shortcut.annotations.Activation;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Batch normalization fused with the shortcut and the activation: against a textbook two-pass
 * computation in double (running statistics included), backward against central differences,
 * the Vector API kernels against the scalar reference, threads bit for bit, and no allocation.
 */
class BatchNormTest {
  private static final double EPS = 1e-5;
  /** {batch, height, width, channels}: odd spatial sizes, a dense layer (1×1), channels 1/3/16/17/40/64. */
  private static final int[][] SHAPES = {{1, 7, 7, 16}, {2, 5, 5, 3}, {5, 3, 3, 17}, {128, 1, 1, 64},
      {2, 4, 4, 1}, {3, 5, 3, 40}, {2, 7, 7, 64}};

  private final ScalarSpatialProvider scalar = new ScalarSpatialProvider();
  private final Kernels kernels = Kernels.singleThreaded();

  /** The textbook: mean, then the biased variance of the deviations, in double. */
  private static double[][] moments(double[] x, int rows, int channels) {
    double[] mean = new double[channels];
    double[] var = new double[channels];
    for (int c = 0; c < channels; c++) {
      double s = 0;
      for (int r = 0; r < rows; r++) {
        s += x[r * channels + c];
      }
      mean[c] = s / rows;
      double q = 0;
      for (int r = 0; r < rows; r++) {
        q += (x[r * channels + c] - mean[c]) * (x[r * channels + c] - mean[c]);
      }
      var[c] = q / rows;
    }
    return new double[][] {mean, var};
  }

  /** {@code g(γ·(x − mean)/√(var + ε) + β + s)}, {@code s} null or a full tensor. */
  private static double[] textbookForward(double[] x, int rows, int channels, double[] mean, double[] var,
      double[] gamma, double[] beta, double[] s, Activation g) {
    double[] out = new double[rows * channels];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < channels; c++) {
        int i = r * channels + c;
        double v = gamma[c] * (x[i] - mean[c]) / Math.sqrt(var[c] + EPS) + beta[c] + (s == null ? 0 : s[i]);
        out[i] = Kernels.activate(g, v);
      }
    }
    return out;
  }

  /** The option-A view materialized: subsampled input, between zero channels ({@code (out − in) / 2} before). */
  private static double[] zeroPadView(ZeroPadShortcut pad, int batch, double[] in) {
    double[] s = new double[batch * pad.outHeight() * pad.outWidth() * pad.outChannels()];
    int before = (pad.outChannels() - pad.inChannels()) / 2;
    for (int n = 0; n < batch; n++) {
      for (int h = 0; h < pad.outHeight(); h++) {
        for (int w = 0; w < pad.outWidth(); w++) {
          for (int c = 0; c < pad.inChannels(); c++) {
            s[((n * pad.outHeight() + h) * pad.outWidth() + w) * pad.outChannels() + before + c] =
                in[((n * pad.inHeight() + h * pad.stride()) * pad.inWidth() + w * pad.stride()) * pad.inChannels() + c];
          }
        }
      }
    }
    return s;
  }

  @Test
  void trainingModeMatchesTheTextbookIncludingRunningStatistics() {
    SplittableRandom r = new SplittableRandom(1);
    for (int[] shape : SHAPES) {
      int rows = shape[0] * shape[1] * shape[2];
      int ch = shape[3];
      if (rows < 2) {
        continue;
      }
      float[] params = randomFloats(r, 3 + 2 * ch); // γ at 1, β at 1 + ch
      float[] running = new float[2 + 2 * ch]; // mean at 2, variance at 2 + ch
      double[] runningMean = new double[ch];
      double[] runningVar = new double[ch];
      for (int c = 0; c < ch; c++) {
        running[2 + ch + c] = 1; // PyTorch's initial running variance
        runningVar[c] = 1;
      }
      double[] runningD = toDouble(running);
      double[] paramsD = toDouble(params);
      for (int step = 0; step < 2; step++) { // two steps: the momentum update compounds
        float[] x = randomFloats(r, 4 + rows * ch);
        for (int i = 0; i < x.length; i++) {
          x[i] = 3 * x[i] + 2; // an offset and a scale for the normalization to remove
        }
        double[] xd = toDouble(x);
        double[][] m = moments(java.util.Arrays.copyOfRange(xd, 4, 4 + rows * ch), rows, ch);
        for (int c = 0; c < ch; c++) {
          runningMean[c] = 0.9 * runningMean[c] + 0.1 * m[0][c];
          runningVar[c] = 0.9 * runningVar[c] + 0.1 * m[1][c] * rows / (rows - 1);
        }
        double[] gamma = java.util.Arrays.copyOfRange(paramsD, 1, 1 + ch);
        double[] beta = java.util.Arrays.copyOfRange(paramsD, 1 + ch, 1 + 2 * ch);
        for (Activation g : Activation.values()) {
          double[] expected = textbookForward(java.util.Arrays.copyOfRange(xd, 4, 4 + rows * ch), rows, ch, m[0], m[1],
              gamma, beta, null, g);
          float[] savedF = new float[1 + Kernels.batchNormScratchSize(ch)];
          float[] runningCopy = running.clone();
          kernels.batchNormTrainingStatistics(rows, ch, x, 4, runningCopy, 2, 2 + ch, savedF, 1);
          float[] out = new float[5 + rows * ch];
          kernels.batchNormActivation(rows, ch, x, 4, savedF, 1, params, 1, 1 + ch, out, 5, g);
          String where = "rows " + rows + " channels " + ch + " " + g + " step " + step;
          assertClose(expected, 0, out, 5, rows * ch, 1e-5, "float " + where);
          double[] savedD = new double[Kernels.batchNormScratchSize(ch)];
          double[] runningDCopy = runningD.clone();
          kernels.batchNormTrainingStatistics(rows, ch, xd, 4, runningDCopy, 2, 2 + ch, savedD, 0);
          double[] outD = new double[rows * ch];
          kernels.batchNormActivation(rows, ch, xd, 4, savedD, 0, paramsD, 1, 1 + ch, outD, 0, g);
          assertClose(expected, 0, outD, 0, rows * ch, 1e-12, "double " + where);
          if (g == Activation.NONE) {
            running = runningCopy;
            runningD = runningDCopy;
          }
        }
        for (int c = 0; c < ch; c++) {
          assertEquals(runningMean[c], running[2 + c], 1e-5, "running mean");
          assertEquals(runningVar[c], running[2 + ch + c], 1e-5 * runningVar[c], "running variance");
          assertEquals(runningMean[c], runningD[2 + c], 1e-12, "running mean, double");
          assertEquals(runningVar[c], runningD[2 + ch + c], 1e-12, "running variance, double");
        }
      }
    }
  }

  @Test
  void evaluationModeNormalizesWithTheRunningStatistics() {
    SplittableRandom r = new SplittableRandom(2);
    int rows = 1;
    int ch = 17;
    float[] x = randomFloats(r, rows * ch);
    float[] params = randomFloats(r, 2 * ch);
    float[] running = randomFloats(r, 2 * ch);
    double[] mean = new double[ch];
    double[] var = new double[ch];
    for (int c = 0; c < ch; c++) {
      running[ch + c] = Math.abs(running[ch + c]) + 0.1f;
      mean[c] = running[c];
      var[c] = running[ch + c];
    }
    double[] params64 = toDouble(params);
    double[] expected = textbookForward(toDouble(x), rows, ch, mean, var,
        java.util.Arrays.copyOfRange(params64, 0, ch), java.util.Arrays.copyOfRange(params64, ch, 2 * ch), null,
        Activation.RELU);
    float[] saved = new float[Kernels.batchNormScratchSize(ch)];
    float[] before = running.clone();
    kernels.batchNormEvaluationStatistics(ch, running, 0, ch, saved, 0);
    float[] out = new float[rows * ch];
    kernels.batchNormActivation(rows, ch, x, 0, saved, 0, params, 0, ch, out, 0, Activation.RELU);
    assertClose(expected, 0, out, 0, rows * ch, 1e-6, "evaluation mode, batch 1");
    assertArrayEquals(before, running, "evaluation leaves the running statistics alone");
  }

  @Test
  void trainingModeNeedsMoreThanOneValuePerChannel() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> kernels.batchNormTrainingStatistics(1, 4, new float[4], 0, new float[8], 0, 4, new float[16], 0));
    assertTrue(e.getMessage().contains("more than 1 value per channel"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> kernels.batchNormTrainingStatistics(4, 4, new float[16], 0, new float[8], 0, 4, new float[15], 0));
    assertThrows(IllegalArgumentException.class,
        () -> ZeroPadShortcut.of(32, 8, 8, 2, 16));
  }

  @Test
  void shortcutsJoinBeforeTheActivation() {
    SplittableRandom r = new SplittableRandom(3);
    for (ZeroPadShortcut pad : List.of(ZeroPadShortcut.of(16, 8, 8, 2, 32), ZeroPadShortcut.of(3, 7, 7, 2, 16),
        ZeroPadShortcut.of(17, 7, 5, 2, 34), ZeroPadShortcut.of(16, 6, 6, 1, 16), ZeroPadShortcut.of(5, 9, 9, 3, 21))) {
      for (int batch : new int[] {1, 2, 5}) {
        int rows = batch * pad.outHeight() * pad.outWidth();
        int ch = pad.outChannels();
        float[] x = randomFloats(r, rows * ch);
        float[] in = randomFloats(r, 2 + batch * pad.inHeight() * pad.inWidth() * pad.inChannels());
        float[] params = randomFloats(r, 2 * ch);
        float[] saved = new float[Kernels.batchNormScratchSize(ch)];
        float[] running = new float[2 * ch];
        kernels.batchNormTrainingStatistics(rows, ch, x, 0, running, 0, ch, saved, 0);
        double[] mean = new double[ch];
        double[] var = new double[ch];
        for (int c = 0; c < ch; c++) {
          mean[c] = saved[c];
          double istd = saved[ch + c];
          var[c] = 1 / (istd * istd) - EPS;
        }
        double[] p = toDouble(params);
        double[] gamma = java.util.Arrays.copyOfRange(p, 0, ch);
        double[] beta = java.util.Arrays.copyOfRange(p, ch, 2 * ch);
        double[] view = zeroPadView(pad, batch, java.util.Arrays.copyOfRange(toDouble(in), 2, in.length));
        double[] expected = textbookForward(toDouble(x), rows, ch, mean, var, gamma, beta, view, Activation.RELU);
        float[] out = new float[rows * ch];
        kernels.batchNormZeroPadShortcutActivation(pad, batch, x, 0, saved, 0, params, 0, ch, in, 2, out, 0,
            Activation.RELU);
        assertClose(expected, 0, out, 0, rows * ch, 1e-5, "option A " + pad + " batch " + batch);
        float[] ref = new float[rows * ch];
        scalar.batchNormForward(rows, ch, x, 0, saved, 0, params, 0, ch, in, 2, pad, ref, 0, Activation.RELU, 0, 1);
        assertClose(expected, 0, ref, 0, rows * ch, 1e-5, "option A, reference " + pad + " batch " + batch);

        float[] s = randomFloats(r, 1 + rows * ch);
        expected = textbookForward(toDouble(x), rows, ch, mean, var, gamma, beta,
            java.util.Arrays.copyOfRange(toDouble(s), 1, s.length), Activation.TANH);
        kernels.batchNormShortcutActivation(rows, ch, x, 0, saved, 0, params, 0, ch, s, 1, out, 0, Activation.TANH);
        assertClose(expected, 0, out, 0, rows * ch, 1e-5, "identity shortcut " + pad + " batch " + batch);
      }
    }
  }

  @Test
  void zeroPadShortcutBackwardScattersToTheSubsampledPositions() {
    ZeroPadShortcut pad = ZeroPadShortcut.of(3, 5, 5, 2, 8);
    int batch = 2;
    assertEquals(3, pad.outHeight());
    float[] dz = new float[batch * 3 * 3 * 8];
    for (int i = 0; i < dz.length; i++) {
      dz[i] = i + 1;
    }
    float[] dIn = new float[batch * 5 * 5 * 3];
    java.util.Arrays.fill(dIn, 100);
    kernels.zeroPadShortcutBackward(pad, batch, dz, 0, dIn, 0, SpatialTesting.write(false));
    for (int n = 0; n < batch; n++) {
      for (int h = 0; h < 5; h++) {
        for (int w = 0; w < 5; w++) {
          for (int c = 0; c < 3; c++) {
            float expected = h % 2 == 0 && w % 2 == 0 ? dz[((n * 3 + h / 2) * 3 + w / 2) * 8 + 2 + c] : 0; // 2 zeros before
            assertEquals(expected, dIn[((n * 5 + h) * 5 + w) * 3 + c], "overwrite at " + n + "," + h + "," + w + "," + c);
          }
        }
      }
    }
    float[] twice = dIn.clone();
    kernels.zeroPadShortcutBackward(pad, batch, dz, 0, twice, 0, SpatialTesting.write(true));
    for (int i = 0; i < dIn.length; i++) {
      assertEquals(2 * dIn[i], twice[i], "accumulate at " + i);
    }
  }

  @Test
  void backwardMatchesCentralDifferencesInDouble() {
    SplittableRandom r = new SplittableRandom(4);
    for (Activation g : Activation.values()) {
      for (int kind = 0; kind < 3; kind++) { // no shortcut, identity, option A
        ZeroPadShortcut pad = ZeroPadShortcut.of(3, 5, 5, 2, 5);
        int batch = 2;
        int rows = kind == 2 ? batch * 9 : 2 * 3 * 3;
        int ch = kind == 2 ? 5 : 4;
        double[] x = randomDoubles(r, rows * ch);
        double[] params = randomDoubles(r, 2 * ch);
        double[] in = randomDoubles(r, kind == 2 ? batch * 25 * 3 : rows * ch);
        double[] weight = randomDoubles(r, rows * ch);
        double[] out = new double[rows * ch];
        double[] saved = new double[Kernels.batchNormScratchSize(ch)];
        double[] running = new double[2 * ch];
        int k = kind;
        java.util.function.DoubleSupplier loss = () -> {
          kernels.batchNormTrainingStatistics(rows, ch, x, 0, running, 0, ch, saved, 0);
          if (k == 0) {
            kernels.batchNormActivation(rows, ch, x, 0, saved, 0, params, 0, ch, out, 0, g);
          } else if (k == 1) {
            kernels.batchNormShortcutActivation(rows, ch, x, 0, saved, 0, params, 0, ch, in, 0, out, 0, g);
          } else {
            kernels.batchNormZeroPadShortcutActivation(pad, batch, x, 0, saved, 0, params, 0, ch, in, 0, out, 0, g);
          }
          double l = 0;
          for (int i = 0; i < out.length; i++) {
            l += weight[i] * out[i];
          }
          return l;
        };
        loss.getAsDouble();
        double[] grad = weight.clone();
        double[] gradients = randomDoubles(r, 2 * ch + 3);
        double[] gradientsBefore = gradients.clone();
        double[] dx = randomDoubles(r, rows * ch);
        double[] dxBefore = dx.clone();
        kernels.batchNormBackward(rows, ch, x, 0, saved, 0, params, 0, out, 0, grad, 0, g, gradients, 3, 3 + ch, dx, 0,
            SpatialTesting.write(true));
        double[] dIn = new double[in.length];
        if (kind == 1) {
          dIn = grad.clone();
        } else if (kind == 2) {
          kernels.zeroPadShortcutBackward(pad, batch, grad, 0, dIn, 0, SpatialTesting.write(false));
        }
        double h = 1e-6;
        double[] fdx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
          fdx[i] = centralDifference(x, i, h, loss) + dxBefore[i];
        }
        double[] fdp = new double[2 * ch];
        for (int i = 0; i < 2 * ch; i++) {
          fdp[i] = centralDifference(params, i, h, loss) + gradientsBefore[3 + i];
        }
        String where = g + (kind == 0 ? " no shortcut" : kind == 1 ? " identity" : " option A");
        assertClose(fdx, 0, dx, 0, x.length, 1e-6, "dx " + where);
        assertClose(fdp, 0, gradients, 3, 2 * ch, 1e-6, "dγ, dβ " + where);
        if (kind > 0) {
          double[] fdIn = new double[in.length];
          for (int i = 0; i < in.length; i++) {
            fdIn[i] = centralDifference(in, i, h, loss);
          }
          assertClose(fdIn, 0, dIn, 0, in.length, 1e-6, "shortcut input " + where);
        }
      }
    }
  }

  @Test
  void floatKernelsAgreeWithTheScalarReference() {
    SplittableRandom r = new SplittableRandom(5);
    Kernels fast = Kernels.singleThreaded();
    for (int[] shape : SHAPES) {
      int rows = shape[0] * shape[1] * shape[2];
      int ch = shape[3];
      float[] x = randomFloats(r, 1 + rows * ch);
      float[] saved = new float[Kernels.batchNormScratchSize(ch)];
      float[] savedRef = new float[saved.length];
      Kernels.SPATIAL.batchNormMoments(rows, ch, x, 1, saved, 0, 0, 1);
      scalar.batchNormMoments(rows, ch, x, 1, savedRef, 0, 0, 1);
      assertClose(toDouble(savedRef), 0, saved, 0, 2 * ch, 1e-5, "moments " + rows + "×" + ch);
      for (int c = 0; c < ch; c++) {
        saved[ch + c] = savedRef[ch + c] = (float) (1 / Math.sqrt(savedRef[ch + c] + EPS));
        saved[c] = savedRef[c];
      }
      float[] params = randomFloats(r, 2 * ch);
      float[] s = randomFloats(r, rows * ch);
      for (Activation g : Activation.values()) {
        String where = rows + "×" + ch + " " + g;
        float[] out = new float[rows * ch];
        float[] outRef = new float[rows * ch];
        fast.batchNormShortcutActivation(rows, ch, x, 1, saved, 0, params, 0, ch, s, 0, out, 0, g);
        scalar.batchNormForward(rows, ch, x, 1, savedRef, 0, params, 0, ch, s, 0, null, outRef, 0, g, 0, 1);
        assertClose(toDouble(outRef), 0, out, 0, rows * ch, 1e-6, "forward " + where);
        float[] grad = randomFloats(r, rows * ch);
        float[] gradRef = grad.clone();
        Kernels.SPATIAL.batchNormBackwardSums(rows, ch, x, 1, saved, 0, out, 0, grad, 0, g, 0, 1);
        scalar.batchNormBackwardSums(rows, ch, x, 1, savedRef, 0, outRef, 0, gradRef, 0, g, 0, 1);
        assertClose(toDouble(gradRef), 0, grad, 0, rows * ch, 1e-6, "dz " + where);
        assertClose(toDouble(savedRef), 2 * ch, saved, 2 * ch, 2 * ch, 1e-5, "sums " + where);
        System.arraycopy(savedRef, 2 * ch, saved, 2 * ch, 2 * ch);
        for (boolean accumulate : new boolean[] {false, true}) {
          float[] dx = randomFloats(r, rows * ch);
          float[] dxRef = dx.clone();
          Kernels.SPATIAL.batchNormBackwardInput(rows, ch, x, 1, saved, 0, params, 0, gradRef, 0, dx, 0, accumulate,
              0, 1);
          scalar.batchNormBackwardInput(rows, ch, x, 1, savedRef, 0, params, 0, gradRef, 0, dxRef, 0, accumulate, 0,
              1);
          assertClose(toDouble(dxRef), 0, dx, 0, rows * ch, 1e-6, "dx " + where);
        }
      }
    }
  }

  @Test
  void threadedResultsAreBitIdenticalToSingleThreaded() {
    SplittableRandom r = new SplittableRandom(6);
    ZeroPadShortcut pad = ZeroPadShortcut.of(16, 32, 32, 2, 32);
    for (int[] shape : new int[][] {{16, 32, 32, 16}, {32, 16, 16, 32}, {64, 8, 8, 64}, {120, 11, 13, 17}}) {
      int batch = shape[0];
      int rows = batch * shape[1] * shape[2];
      int ch = shape[3];
      assertTrue((long) rows * ch >= Kernels.SPATIAL_ELEMENTWISE_THRESHOLD);
      float[] x = randomFloats(r, rows * ch);
      float[] params = randomFloats(r, 2 * ch);
      float[] s = randomFloats(r, rows * ch);
      float[] in = randomFloats(r, batch * 32 * 32 * 16);
      float[] dOut = randomFloats(r, rows * ch);
      float[][] one = run(Kernels.singleThreaded(), rows, ch, x, params, s, shape[1] == 16 ? pad : null, in, dOut,
          batch);
      for (int threads : new int[] {2, 3}) {
        float[][] many = run(Kernels.withThreads(threads), rows, ch, x, params, s, shape[1] == 16 ? pad : null, in,
            dOut, batch);
        for (int i = 0; i < one.length; i++) {
          assertArrayEquals(one[i], many[i], "output " + i + " of " + rows + "×" + ch + " on " + threads + " threads");
        }
      }
    }
  }

  /** Statistics, forward, backward: every array a step writes. */
  private static float[][] run(Kernels k, int rows, int ch, float[] x, float[] params, float[] s,
      ZeroPadShortcut pad, float[] in, float[] dOut, int batch) {
    float[] running = new float[2 * ch];
    float[] saved = new float[Kernels.batchNormScratchSize(ch)];
    float[] out = new float[rows * ch];
    k.batchNormTrainingStatistics(rows, ch, x, 0, running, 0, ch, saved, 0);
    if (pad != null) {
      k.batchNormZeroPadShortcutActivation(pad, batch, x, 0, saved, 0, params, 0, ch, in, 0, out, 0, Activation.RELU);
    } else {
      k.batchNormShortcutActivation(rows, ch, x, 0, saved, 0, params, 0, ch, s, 0, out, 0, Activation.RELU);
    }
    float[] grad = dOut.clone();
    float[] gradients = new float[2 * ch];
    float[] dx = new float[rows * ch];
    k.batchNormBackward(rows, ch, x, 0, saved, 0, params, 0, out, 0, grad, 0, Activation.RELU, gradients, 0, ch, dx, 0,
        SpatialTesting.write(false));
    float[] dIn = new float[in.length];
    if (pad != null) {
      k.zeroPadShortcutBackward(pad, batch, grad, 0, dIn, 0, SpatialTesting.write(false));
    }
    return new float[][] {running, saved, out, grad, gradients, dx, dIn};
  }

  @Test
  void batchNormalizationAllocatesNothingOnceWarm() {
    SplittableRandom r = new SplittableRandom(7);
    ZeroPadShortcut pad = ZeroPadShortcut.of(16, 16, 16, 2, 32);
    int batch = 4;
    int rows = batch * 8 * 8;
    int ch = 32;
    float[] x = randomFloats(r, rows * ch);
    float[] params = randomFloats(r, 2 * ch);
    float[] in = randomFloats(r, batch * 16 * 16 * 16);
    float[] running = new float[2 * ch];
    float[] saved = new float[Kernels.batchNormScratchSize(ch)];
    float[] out = new float[rows * ch];
    float[] grad = randomFloats(r, rows * ch);
    float[] gradients = new float[2 * ch];
    float[] dx = new float[rows * ch];
    float[] dIn = new float[in.length];
    for (Kernels k : List.of(Kernels.singleThreaded(), Kernels.withThreads(2))) {
      for (Activation g : Activation.values()) {
        assertNoAllocation(() -> {
          k.batchNormTrainingStatistics(rows, ch, x, 0, running, 0, ch, saved, 0);
          k.batchNormZeroPadShortcutActivation(pad, batch, x, 0, saved, 0, params, 0, ch, in, 0, out, 0, g);
          k.batchNormShortcutActivation(rows, ch, x, 0, saved, 0, params, 0, ch, x, 0, out, 0, g);
          k.batchNormBackward(rows, ch, x, 0, saved, 0, params, 0, out, 0, grad, 0, g, gradients, 0, ch, dx, 0, SpatialTesting.write(true));
          k.zeroPadShortcutBackward(pad, batch, grad, 0, dIn, 0, SpatialTesting.write(false));
        }, "batch normalization with " + g + " on " + k.threads() + " threads");
      }
    }
  }
}
