package dev.shortcut.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shortcut.annotations.Activation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where the option-A shortcut puts the block input among the wider output's channels: in the
 * middle, {@code (out − in) / 2} zero channels before it and the rest after, as PyTorch's CIFAR
 * ResNets do (akamaster's {@code resnet.py}: {@code F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, planes //
 * 4, planes // 4))}, 16 channels into 8 zeros, the input, 8 zeros). Option A has no parameters, so a
 * checkpoint loads into such a network with {@code strict=True} whatever the placement: only the
 * same placement computes the same. Every kernel that reads or writes the view is checked against
 * that index rule: the addition without batch normalization, the fused batch normalization (vector,
 * scalar and double) and the backward scatter (vector, scalar and double).
 */
class ZeroPadPlacementTest {
  /** The paper's 16 → 32 at stride 2, an odd difference (3 → 8: 2 zeros before, 3 after), 17 → 64 off vector bounds, a dense 5 → 9. */
  private static final List<ZeroPadShortcut> PADS = List.of(ZeroPadShortcut.of(16, 6, 6, 2, 32),
      ZeroPadShortcut.of(3, 5, 5, 2, 8), ZeroPadShortcut.of(17, 3, 3, 2, 64), ZeroPadShortcut.of(5, 1, 1, 1, 9));
  private static final int BATCH = 2;

  /** PyTorch's shortcut value at output {@code (n, h, w, c)}, NHWC, computed from the index rule alone. */
  private static double expected(ZeroPadShortcut p, double[] in, int n, int h, int w, int c) {
    int before = (p.outChannels() - p.inChannels()) / 2;
    if (c < before || c >= before + p.inChannels()) {
      return 0;
    }
    return in[((n * p.inHeight() + h * p.stride()) * p.inWidth() + w * p.stride()) * p.inChannels() + c - before];
  }

  private static int outSize(ZeroPadShortcut p) {
    return BATCH * p.outHeight() * p.outWidth() * p.outChannels();
  }

  private static int inSize(ZeroPadShortcut p) {
    return BATCH * p.inHeight() * p.inWidth() * p.inChannels();
  }

  /** 1, 2, 3, …: every input element distinguishable. */
  private static double[] counting(int size) {
    double[] v = new double[size];
    for (int i = 0; i < size; i++) {
      v[i] = i + 1;
    }
    return v;
  }

  private static float[] floats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  private static void assertView(ZeroPadShortcut p, double[] in, Values out, String what) {
    for (int n = 0; n < BATCH; n++) {
      for (int h = 0; h < p.outHeight(); h++) {
        for (int w = 0; w < p.outWidth(); w++) {
          for (int c = 0; c < p.outChannels(); c++) {
            int i = ((n * p.outHeight() + h) * p.outWidth() + w) * p.outChannels() + c;
            assertEquals(expected(p, in, n, h, w, c), out.get(i), what + " " + p + " at n=" + n + " h=" + h
                + " w=" + w + " c=" + c);
          }
        }
      }
    }
  }

  private interface Values {
    double get(int i);
  }

  @Test
  void theAdditionPutsTheInputInTheMiddleChannels() {
    Kernels kernels = Kernels.singleThreaded();
    for (ZeroPadShortcut p : PADS) {
      double[] in = counting(inSize(p));
      float[] z = new float[outSize(p)];
      kernels.zeroPadShortcutAdd(p, BATCH, floats(in), 0, z, 0);
      assertView(p, in, i -> z[i], "zeroPadShortcutAdd (float)");
      double[] zd = new double[outSize(p)];
      kernels.zeroPadShortcutAdd(p, BATCH, in, 0, zd, 0);
      assertView(p, in, i -> zd[i], "zeroPadShortcutAdd (double)");
    }
  }

  @Test
  void theFusedBatchNormalizationReadsTheInputInTheMiddleChannels() {
    Kernels kernels = Kernels.singleThreaded();
    for (ZeroPadShortcut p : PADS) {
      int ch = p.outChannels();
      double[] in = counting(inSize(p));
      // Batch normalization as the identity on x = 0 (mean 0, 1/σ 1, γ 1, β 0), no activation: out = s.
      double[] saved = new double[Kernels.batchNormScratchSize(ch)];
      double[] params = new double[2 * ch];
      for (int c = 0; c < ch; c++) {
        saved[ch + c] = 1;
        params[c] = 1;
      }
      float[] out = new float[outSize(p)];
      kernels.batchNormZeroPadShortcutActivation(p, BATCH, new float[outSize(p)], 0, floats(saved), 0, floats(params),
          0, ch, floats(in), 0, out, 0, Activation.NONE);
      assertView(p, in, i -> out[i], "batchNormZeroPadShortcutActivation (float, " + kernels + ")");
      float[] scalarOut = new float[outSize(p)];
      new ScalarSpatialProvider().batchNormForward(outSize(p) / ch, ch, new float[outSize(p)], 0, floats(saved), 0,
          floats(params), 0, ch, floats(in), 0, p, scalarOut, 0, Activation.NONE, 0, 1);
      assertView(p, in, i -> scalarOut[i], "batchNormForward (scalar provider)");
      double[] outD = new double[outSize(p)];
      kernels.batchNormZeroPadShortcutActivation(p, BATCH, new double[outSize(p)], 0, saved, 0, params, 0, ch, in, 0,
          outD, 0, Activation.NONE);
      assertView(p, in, i -> outD[i], "batchNormZeroPadShortcutActivation (double)");
    }
  }

  @Test
  void theBackwardTakesTheGradientOfTheMiddleChannels() {
    Kernels kernels = Kernels.singleThreaded();
    for (ZeroPadShortcut p : PADS) {
      double[] dz = counting(outSize(p));
      // ∂L/∂in[n, y, x, c] = Σ over outputs reading it: the output at (n, y/s, x/s, c + before) when s divides y and x.
      double[] expected = new double[inSize(p)];
      int before = (p.outChannels() - p.inChannels()) / 2;
      for (int n = 0; n < BATCH; n++) {
        for (int y = 0; y < p.inHeight(); y += p.stride()) {
          for (int x = 0; x < p.inWidth(); x += p.stride()) {
            for (int c = 0; c < p.inChannels(); c++) {
              expected[((n * p.inHeight() + y) * p.inWidth() + x) * p.inChannels() + c] =
                  dz[((n * p.outHeight() + y / p.stride()) * p.outWidth() + x / p.stride()) * p.outChannels() + c
                      + before];
            }
          }
        }
      }
      float[] dIn = new float[inSize(p)];
      kernels.zeroPadShortcutBackward(p, BATCH, floats(dz), 0, dIn, 0, InputGradient.OVERWRITE);
      float[] scalarDIn = new float[inSize(p)];
      new ScalarSpatialProvider().zeroPadShortcutBackward(p, BATCH, floats(dz), 0, scalarDIn, 0, false, 0, 1);
      double[] dInD = new double[inSize(p)];
      kernels.zeroPadShortcutBackward(p, BATCH, dz, 0, dInD, 0, InputGradient.OVERWRITE);
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], dIn[i], "zeroPadShortcutBackward (float) " + p + " at " + i);
        assertEquals(expected[i], scalarDIn[i], "zeroPadShortcutBackward (scalar provider) " + p + " at " + i);
        assertEquals(expected[i], dInD[i], "zeroPadShortcutBackward (double) " + p + " at " + i);
      }
    }
  }
}
