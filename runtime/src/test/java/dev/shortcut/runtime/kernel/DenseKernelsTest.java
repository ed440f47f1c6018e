package dev.shortcut.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shortcut.annotations.Activation;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused dense kernels are the unfused sequence the generator used to emit, bit for bit, on the
 * vector provider, the scalar reference, two threads and in double; and the double backward agrees
 * with central differences.
 */
class DenseKernelsTest {
  private static final int[][] SHAPES = {{1, 3, 5}, {5, 17, 33}, {8, 64, 64}, {13, 70, 10}, {4, 16, 16}, {128, 256, 64}};
  private static final int X = 3;
  private static final int W = 5;
  private static final int Y = 2;

  private static Kernels[] kernels() {
    return new Kernels[] {Kernels.onProvider(Kernels.PROVIDER), Kernels.onProvider(new ScalarFloatProvider()),
      Kernels.withThreads(2)};
  }

  @Test
  void forwardIsTheUnfusedSequenceBitForBit() {
    SplittableRandom r = new SplittableRandom(1);
    for (Kernels k : kernels()) {
      for (int[] shape : SHAPES) {
        for (Activation g : Activation.values()) {
          int batch = shape[0];
          int in = shape[1];
          int out = shape[2];
          float[] x = random(r, X + batch * in);
          float[] params = random(r, W + out * in + out);
          int bOff = W + out * in;
          float[] s = random(r, 1 + batch * out);
          String what = k + " " + g + " " + batch + "×" + in + "→" + out;

          float[] fused = random(r, Y + batch * out);
          float[] unfused = fused.clone();
          k.denseForward(batch, in, out, x, X, params, W, bOff, g, fused, Y);
          k.matmulABt(batch, out, in, x, X, params, W, unfused, Y, false);
          k.biasActivation(batch, out, unfused, Y, params, bOff, g);
          assertArrayEquals(unfused, fused, "dense " + what);

          k.denseShortcutForward(batch, in, out, x, X, params, W, bOff, s, 1, g, fused, Y);
          k.matmulABt(batch, out, in, x, X, params, W, unfused, Y, false);
          k.biasShortcutActivation(batch, out, unfused, Y, params, bOff, s, 1, g);
          assertArrayEquals(unfused, fused, "dense + shortcut " + what);

          k.linearForward(batch, in, out, x, X, params, W, fused, Y);
          k.matmulABt(batch, out, in, x, X, params, W, unfused, Y, false);
          assertArrayEquals(unfused, fused, "linear " + what);

          double[] dx = toDouble(x);
          double[] dp = toDouble(params);
          double[] dFused = toDouble(random(r, Y + batch * out));
          double[] dUnfused = dFused.clone();
          k.denseShortcutForward(batch, in, out, dx, X, dp, W, bOff, toDouble(s), 1, g, dFused, Y);
          k.matmulABt(batch, out, in, dx, X, dp, W, dUnfused, Y, false);
          k.biasShortcutActivation(batch, out, dUnfused, Y, dp, bOff, toDouble(s), 1, g);
          assertArrayEquals(dUnfused, dFused, "double dense + shortcut " + what);
          k.denseForward(batch, in, out, dx, X, dp, W, bOff, g, dFused, Y);
          k.matmulABt(batch, out, in, dx, X, dp, W, dUnfused, Y, false);
          k.biasActivation(batch, out, dUnfused, Y, dp, bOff, g);
          assertArrayEquals(dUnfused, dFused, "double dense " + what);
        }
      }
    }
  }

  @Test
  void backwardIsTheUnfusedSequenceBitForBit() {
    SplittableRandom r = new SplittableRandom(2);
    for (Kernels k : kernels()) {
      for (int[] shape : SHAPES) {
        for (Activation g : Activation.values()) {
          for (InputGradient dxWrite : InputGradient.values()) {
            for (InputGradient dsWrite : InputGradient.values()) {
              backward(k, r, shape[0], shape[1], shape[2], g, dxWrite, dsWrite);
            }
          }
        }
      }
    }
  }

  private static void backward(Kernels k, SplittableRandom r, int batch, int in, int out, Activation g,
      InputGradient dxWrite, InputGradient dsWrite) {
    String what = k + " " + g + " " + batch + "×" + in + "→" + out + " dx " + dxWrite + " ds " + dsWrite;
    float[] x = random(r, X + batch * in);
    float[] params = random(r, W + out * in);
    float[] y = random(r, 1 + batch * out);
    float[] dy = random(r, 4 + batch * out);
    float[] grads = random(r, 6 + out * in + out);
    int gbOff = 6 + out * in;
    float[] dx = random(r, 7 + batch * in);
    float[] ds = random(r, 2 + batch * out);

    float[][] fused = {dy.clone(), grads.clone(), dx.clone(), ds.clone()};
    float[][] unfused = {dy.clone(), grads.clone(), dx.clone(), ds.clone()};
    k.denseShortcutBackward(batch, in, out, x, X, params, W, y, 1, fused[0], 4, g, fused[1], 6, gbOff, fused[2], 7,
        dxWrite, fused[3], 2, dsWrite);
    k.activationBackward(batch, out, y, 1, unfused[0], 4, g, unfused[1], gbOff);
    if (dsWrite == InputGradient.OVERWRITE) {
      k.copy(batch * out, unfused[0], 4, unfused[3], 2);
    } else if (dsWrite == InputGradient.ACCUMULATE) {
      k.add(batch * out, unfused[0], 4, unfused[3], 2);
    }
    k.matmulAtB(out, in, batch, unfused[0], 4, x, X, unfused[1], 6, true);
    if (dxWrite != InputGradient.SKIP) {
      k.matmulAB(batch, in, out, unfused[0], 4, params, W, unfused[2], 7, dxWrite == InputGradient.ACCUMULATE);
    }
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(unfused[i], fused[i], "shortcut backward, array " + i + ", " + what);
    }
    if (dsWrite != InputGradient.SKIP) {
      return; // the rest does not depend on dsWrite
    }

    fused = new float[][] {dy.clone(), grads.clone(), dx.clone()};
    unfused = new float[][] {dy.clone(), grads.clone(), dx.clone()};
    k.denseBackward(batch, in, out, x, X, params, W, y, 1, fused[0], 4, g, fused[1], 6, gbOff, fused[2], 7, dxWrite);
    k.activationBackward(batch, out, y, 1, unfused[0], 4, g, unfused[1], gbOff);
    k.matmulAtB(out, in, batch, unfused[0], 4, x, X, unfused[1], 6, true);
    if (dxWrite != InputGradient.SKIP) {
      k.matmulAB(batch, in, out, unfused[0], 4, params, W, unfused[2], 7, dxWrite == InputGradient.ACCUMULATE);
    }
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(unfused[i], fused[i], "backward, array " + i + ", " + what);
    }

    fused = new float[][] {dy.clone(), grads.clone(), dx.clone()};
    unfused = new float[][] {dy.clone(), grads.clone(), dx.clone()};
    k.linearBackward(batch, in, out, x, X, params, W, fused[0], 4, fused[1], 6, fused[2], 7, dxWrite);
    k.matmulAtB(out, in, batch, unfused[0], 4, x, X, unfused[1], 6, true);
    if (dxWrite != InputGradient.SKIP) {
      k.matmulAB(batch, in, out, unfused[0], 4, params, W, unfused[2], 7, dxWrite == InputGradient.ACCUMULATE);
    }
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(unfused[i], fused[i], "linear backward, array " + i + ", " + what);
    }

    double[][] dFused = {toDouble(dy), toDouble(grads), toDouble(dx), toDouble(ds)};
    double[][] dUnfused = {toDouble(dy), toDouble(grads), toDouble(dx), toDouble(ds)};
    double[] dxIn = toDouble(x);
    double[] dp = toDouble(params);
    double[] dyOut = toDouble(y);
    k.denseShortcutBackward(batch, in, out, dxIn, X, dp, W, dyOut, 1, dFused[0], 4, g, dFused[1], 6, gbOff,
        dFused[2], 7, dxWrite, dFused[3], 2, InputGradient.ACCUMULATE);
    k.activationBackward(batch, out, dyOut, 1, dUnfused[0], 4, g, dUnfused[1], gbOff);
    k.add(batch * out, dUnfused[0], 4, dUnfused[3], 2);
    k.matmulAtB(out, in, batch, dUnfused[0], 4, dxIn, X, dUnfused[1], 6, true);
    if (dxWrite != InputGradient.SKIP) {
      k.matmulAB(batch, in, out, dUnfused[0], 4, dp, W, dUnfused[2], 7, dxWrite == InputGradient.ACCUMULATE);
    }
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(dUnfused[i], dFused[i], "double shortcut backward, array " + i + ", " + what);
    }
  }

  @Test
  void doubleBackwardAgreesWithCentralDifferences() {
    // L = Σ c ⊙ g(x Wᵀ + b + s): the fused backward's dW, db, dx and ds against (L(θ+h) − L(θ−h)) / 2h.
    SplittableRandom r = new SplittableRandom(3);
    int batch = 3;
    int in = 5;
    int out = 4;
    Kernels k = Kernels.singleThreaded();
    for (Activation g : new Activation[] {Activation.TANH, Activation.SIGMOID, Activation.NONE, Activation.RELU}) {
      double[] x = toDouble(random(r, batch * in));
      double[] p = toDouble(random(r, out * in + out));
      double[] s = toDouble(random(r, batch * out));
      double[] c = toDouble(random(r, batch * out));
      double[] y = new double[batch * out];
      k.denseShortcutForward(batch, in, out, x, 0, p, 0, out * in, s, 0, g, y, 0);
      double[] dy = c.clone();
      double[] grads = new double[p.length];
      double[] dx = new double[x.length];
      double[] ds = new double[s.length];
      k.denseShortcutBackward(batch, in, out, x, 0, p, 0, y, 0, dy, 0, g, grads, 0, out * in, dx, 0,
          InputGradient.OVERWRITE, ds, 0, InputGradient.OVERWRITE);
      double[][] variables = {p, x, s};
      double[][] analytic = {grads, dx, ds};
      for (int v = 0; v < variables.length; v++) {
        for (int i = 0; i < variables[v].length; i++) {
          double saved = variables[v][i];
          double h = 1e-6;
          variables[v][i] = saved + h;
          double plus = loss(k, batch, in, out, x, p, s, c, g);
          variables[v][i] = saved - h;
          double minus = loss(k, batch, in, out, x, p, s, c, g);
          variables[v][i] = saved;
          double numeric = (plus - minus) / (2 * h);
          assertEquals(numeric, analytic[v][i], 1e-6 * Math.max(1, Math.abs(numeric)),
              g + " variable " + v + " element " + i);
        }
      }
    }
  }

  private static double loss(Kernels k, int batch, int in, int out, double[] x, double[] p, double[] s, double[] c,
      Activation g) {
    double[] y = new double[batch * out];
    k.denseShortcutForward(batch, in, out, x, 0, p, 0, out * in, s, 0, g, y, 0);
    double sum = 0;
    for (int i = 0; i < y.length; i++) {
      sum += c[i] * y[i];
    }
    return sum;
  }

  private static float[] random(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (2 * r.nextDouble() - 1);
    }
    return x;
  }

  private static double[] toDouble(float[] x) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      d[i] = x[i];
    }
    return d;
  }
}
