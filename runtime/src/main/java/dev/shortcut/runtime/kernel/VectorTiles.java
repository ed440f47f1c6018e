package dev.shortcut.runtime.kernel;

import static dev.shortcut.runtime.kernel.VectorSpatialProvider.EXACT;
import static dev.shortcut.runtime.kernel.VectorSpatialProvider.EXACT_HALF;
import static dev.shortcut.runtime.kernel.VectorSpatialProvider.HALF;
import static dev.shortcut.runtime.kernel.VectorSpatialProvider.HL;
import static dev.shortcut.runtime.kernel.VectorSpatialProvider.L;
import static dev.shortcut.runtime.kernel.VectorSpatialProvider.S;

import jdk.incubator.vector.FloatVector;

/**
 * The register-blocked tiles of {@link VectorSpatialProvider}'s convolutions, and their drivers.
 * Every tile is the same template written out for one size, because C2 keeps only named local
 * variables in registers: a tile of {@code P} pixels (or weight-gradient rows) × {@code V} vectors
 * holds {@code P·V} accumulators {@code cPV}; each step of its one flat loop loads {@code V}
 * weight vectors {@code wV}, broadcasts one source float per pixel {@code xP}, and does
 * {@code P·V} fused multiply-adds; after the loop each accumulator is stored once, through a cast
 * that gives C2 its exact class (see {@link VectorSpatialProvider}). {@code Half} tiles use the
 * 256-bit species on AVX-512 machines.
 *
 * <ul>
 *   <li>{@code gatherTileP×V}: one tap row of a gather (forward or input gradient): {@code count}
 *       consecutive source floats per pixel against as many weight rows.
 *   <li>{@code weightsRowsP×V} / {@code weightsTileP×V}: the weight gradient of one tap over one
 *       image's pixels from the tap's pixel table, for {@code P} consecutive input channels
 *       (their bounds checks merge) or any {@code P} (a short last tile repeats its last row).
 *   <li>{@code gatherP×V} / {@code weightsP×V}: walk pixels or rows in tiles of {@code P}.
 * </ul>
 */
final class VectorTiles {
  private VectorTiles() {}


  /** Pixels {@code [lo, hi)} of a class, output channels {@code [d0, d0 + 4·L)}, in tiles of 4 pixels. */
  static void gather4x4(GatherPlan plan, GatherPlan.Group g, int lo, int hi, float[] src, int srcOff,
      float[] w, int wOff, float[] out, int outOff, int d0, boolean accumulate) {
    int cs = plan.srcChannels;
    int cd = plan.outChannels;
    int srcImage = plan.srcHeight * plan.srcWidth * cs;
    int outImage = plan.outHeight * plan.outWidth * cd;
    int count = g.rowTaps * cs;
    int block = cs * cd;
    for (int i = lo; i < hi; i += 4) {
      // A short last tile repeats its last pixel: same inputs, same value, stored twice.
      int m0 = i;
      int n0 = m0 / g.members;
      m0 -= n0 * g.members;
      int m1 = Math.min(i + 1, hi - 1);
      int n1 = m1 / g.members;
      m1 -= n1 * g.members;
      int m2 = Math.min(i + 2, hi - 1);
      int n2 = m2 / g.members;
      m2 -= n2 * g.members;
      int m3 = Math.min(i + 3, hi - 1);
      int n3 = m3 / g.members;
      m3 -= n3 * g.members;
      int s0 = srcOff + n0 * srcImage + g.srcPixel[m0] * cs;
      int s1 = srcOff + n1 * srcImage + g.srcPixel[m1] * cs;
      int s2 = srcOff + n2 * srcImage + g.srcPixel[m2] * cs;
      int s3 = srcOff + n3 * srcImage + g.srcPixel[m3] * cs;
      int o0 = outOff + n0 * outImage + g.outPixel[m0] * cd + d0;
      int o1 = outOff + n1 * outImage + g.outPixel[m1] * cd + d0;
      int o2 = outOff + n2 * outImage + g.outPixel[m2] * cd + d0;
      int o3 = outOff + n3 * outImage + g.outPixel[m3] * cd + d0;
      for (int t = 0; t < g.tapBlock.length; t++) {
        int shift = g.tapShift[t] * cs;
        gatherTile4x4(count, src, s0 + shift, s1 + shift, s2 + shift, s3 + shift,
            w, wOff + g.tapBlock[t] * block + d0, cd, out, o0, o1, o2, o3, accumulate || t > 0);
      }
    }
  }

  /** Pixels {@code [lo, hi)} of a class, output channels {@code [d0, d0 + 2·L)}, in tiles of 8 pixels. */
  static void gather8x2(GatherPlan plan, GatherPlan.Group g, int lo, int hi, float[] src, int srcOff,
      float[] w, int wOff, float[] out, int outOff, int d0, boolean accumulate) {
    int cs = plan.srcChannels;
    int cd = plan.outChannels;
    int srcImage = plan.srcHeight * plan.srcWidth * cs;
    int outImage = plan.outHeight * plan.outWidth * cd;
    int count = g.rowTaps * cs;
    int block = cs * cd;
    for (int i = lo; i < hi; i += 8) {
      // A short last tile repeats its last pixel: same inputs, same value, stored twice.
      int m0 = i;
      int n0 = m0 / g.members;
      m0 -= n0 * g.members;
      int m1 = Math.min(i + 1, hi - 1);
      int n1 = m1 / g.members;
      m1 -= n1 * g.members;
      int m2 = Math.min(i + 2, hi - 1);
      int n2 = m2 / g.members;
      m2 -= n2 * g.members;
      int m3 = Math.min(i + 3, hi - 1);
      int n3 = m3 / g.members;
      m3 -= n3 * g.members;
      int m4 = Math.min(i + 4, hi - 1);
      int n4 = m4 / g.members;
      m4 -= n4 * g.members;
      int m5 = Math.min(i + 5, hi - 1);
      int n5 = m5 / g.members;
      m5 -= n5 * g.members;
      int m6 = Math.min(i + 6, hi - 1);
      int n6 = m6 / g.members;
      m6 -= n6 * g.members;
      int m7 = Math.min(i + 7, hi - 1);
      int n7 = m7 / g.members;
      m7 -= n7 * g.members;
      int s0 = srcOff + n0 * srcImage + g.srcPixel[m0] * cs;
      int s1 = srcOff + n1 * srcImage + g.srcPixel[m1] * cs;
      int s2 = srcOff + n2 * srcImage + g.srcPixel[m2] * cs;
      int s3 = srcOff + n3 * srcImage + g.srcPixel[m3] * cs;
      int s4 = srcOff + n4 * srcImage + g.srcPixel[m4] * cs;
      int s5 = srcOff + n5 * srcImage + g.srcPixel[m5] * cs;
      int s6 = srcOff + n6 * srcImage + g.srcPixel[m6] * cs;
      int s7 = srcOff + n7 * srcImage + g.srcPixel[m7] * cs;
      int o0 = outOff + n0 * outImage + g.outPixel[m0] * cd + d0;
      int o1 = outOff + n1 * outImage + g.outPixel[m1] * cd + d0;
      int o2 = outOff + n2 * outImage + g.outPixel[m2] * cd + d0;
      int o3 = outOff + n3 * outImage + g.outPixel[m3] * cd + d0;
      int o4 = outOff + n4 * outImage + g.outPixel[m4] * cd + d0;
      int o5 = outOff + n5 * outImage + g.outPixel[m5] * cd + d0;
      int o6 = outOff + n6 * outImage + g.outPixel[m6] * cd + d0;
      int o7 = outOff + n7 * outImage + g.outPixel[m7] * cd + d0;
      for (int t = 0; t < g.tapBlock.length; t++) {
        int shift = g.tapShift[t] * cs;
        gatherTile8x2(count, src, s0 + shift, s1 + shift, s2 + shift, s3 + shift, s4 + shift, s5 + shift, s6 + shift, s7 + shift,
            w, wOff + g.tapBlock[t] * block + d0, cd, out, o0, o1, o2, o3, o4, o5, o6, o7, accumulate || t > 0);
      }
    }
  }

  /** Pixels {@code [lo, hi)} of a class, output channels {@code [d0, d0 + 2·L)}, in tiles of 6 pixels. */
  static void gather6x2(GatherPlan plan, GatherPlan.Group g, int lo, int hi, float[] src, int srcOff,
      float[] w, int wOff, float[] out, int outOff, int d0, boolean accumulate) {
    int cs = plan.srcChannels;
    int cd = plan.outChannels;
    int srcImage = plan.srcHeight * plan.srcWidth * cs;
    int outImage = plan.outHeight * plan.outWidth * cd;
    int count = g.rowTaps * cs;
    int block = cs * cd;
    for (int i = lo; i < hi; i += 6) {
      // A short last tile repeats its last pixel: same inputs, same value, stored twice.
      int m0 = i;
      int n0 = m0 / g.members;
      m0 -= n0 * g.members;
      int m1 = Math.min(i + 1, hi - 1);
      int n1 = m1 / g.members;
      m1 -= n1 * g.members;
      int m2 = Math.min(i + 2, hi - 1);
      int n2 = m2 / g.members;
      m2 -= n2 * g.members;
      int m3 = Math.min(i + 3, hi - 1);
      int n3 = m3 / g.members;
      m3 -= n3 * g.members;
      int m4 = Math.min(i + 4, hi - 1);
      int n4 = m4 / g.members;
      m4 -= n4 * g.members;
      int m5 = Math.min(i + 5, hi - 1);
      int n5 = m5 / g.members;
      m5 -= n5 * g.members;
      int s0 = srcOff + n0 * srcImage + g.srcPixel[m0] * cs;
      int s1 = srcOff + n1 * srcImage + g.srcPixel[m1] * cs;
      int s2 = srcOff + n2 * srcImage + g.srcPixel[m2] * cs;
      int s3 = srcOff + n3 * srcImage + g.srcPixel[m3] * cs;
      int s4 = srcOff + n4 * srcImage + g.srcPixel[m4] * cs;
      int s5 = srcOff + n5 * srcImage + g.srcPixel[m5] * cs;
      int o0 = outOff + n0 * outImage + g.outPixel[m0] * cd + d0;
      int o1 = outOff + n1 * outImage + g.outPixel[m1] * cd + d0;
      int o2 = outOff + n2 * outImage + g.outPixel[m2] * cd + d0;
      int o3 = outOff + n3 * outImage + g.outPixel[m3] * cd + d0;
      int o4 = outOff + n4 * outImage + g.outPixel[m4] * cd + d0;
      int o5 = outOff + n5 * outImage + g.outPixel[m5] * cd + d0;
      for (int t = 0; t < g.tapBlock.length; t++) {
        int shift = g.tapShift[t] * cs;
        gatherTile6x2(count, src, s0 + shift, s1 + shift, s2 + shift, s3 + shift, s4 + shift, s5 + shift,
            w, wOff + g.tapBlock[t] * block + d0, cd, out, o0, o1, o2, o3, o4, o5, accumulate || t > 0);
      }
    }
  }

  /** Pixels {@code [lo, hi)} of a class, output channels {@code [d0, d0 + 1·L)}, in tiles of 12 pixels. */
  static void gather12x1(GatherPlan plan, GatherPlan.Group g, int lo, int hi, float[] src, int srcOff,
      float[] w, int wOff, float[] out, int outOff, int d0, boolean accumulate) {
    int cs = plan.srcChannels;
    int cd = plan.outChannels;
    int srcImage = plan.srcHeight * plan.srcWidth * cs;
    int outImage = plan.outHeight * plan.outWidth * cd;
    int count = g.rowTaps * cs;
    int block = cs * cd;
    for (int i = lo; i < hi; i += 12) {
      // A short last tile repeats its last pixel: same inputs, same value, stored twice.
      int m0 = i;
      int n0 = m0 / g.members;
      m0 -= n0 * g.members;
      int m1 = Math.min(i + 1, hi - 1);
      int n1 = m1 / g.members;
      m1 -= n1 * g.members;
      int m2 = Math.min(i + 2, hi - 1);
      int n2 = m2 / g.members;
      m2 -= n2 * g.members;
      int m3 = Math.min(i + 3, hi - 1);
      int n3 = m3 / g.members;
      m3 -= n3 * g.members;
      int m4 = Math.min(i + 4, hi - 1);
      int n4 = m4 / g.members;
      m4 -= n4 * g.members;
      int m5 = Math.min(i + 5, hi - 1);
      int n5 = m5 / g.members;
      m5 -= n5 * g.members;
      int m6 = Math.min(i + 6, hi - 1);
      int n6 = m6 / g.members;
      m6 -= n6 * g.members;
      int m7 = Math.min(i + 7, hi - 1);
      int n7 = m7 / g.members;
      m7 -= n7 * g.members;
      int m8 = Math.min(i + 8, hi - 1);
      int n8 = m8 / g.members;
      m8 -= n8 * g.members;
      int m9 = Math.min(i + 9, hi - 1);
      int n9 = m9 / g.members;
      m9 -= n9 * g.members;
      int m10 = Math.min(i + 10, hi - 1);
      int n10 = m10 / g.members;
      m10 -= n10 * g.members;
      int m11 = Math.min(i + 11, hi - 1);
      int n11 = m11 / g.members;
      m11 -= n11 * g.members;
      int s0 = srcOff + n0 * srcImage + g.srcPixel[m0] * cs;
      int s1 = srcOff + n1 * srcImage + g.srcPixel[m1] * cs;
      int s2 = srcOff + n2 * srcImage + g.srcPixel[m2] * cs;
      int s3 = srcOff + n3 * srcImage + g.srcPixel[m3] * cs;
      int s4 = srcOff + n4 * srcImage + g.srcPixel[m4] * cs;
      int s5 = srcOff + n5 * srcImage + g.srcPixel[m5] * cs;
      int s6 = srcOff + n6 * srcImage + g.srcPixel[m6] * cs;
      int s7 = srcOff + n7 * srcImage + g.srcPixel[m7] * cs;
      int s8 = srcOff + n8 * srcImage + g.srcPixel[m8] * cs;
      int s9 = srcOff + n9 * srcImage + g.srcPixel[m9] * cs;
      int s10 = srcOff + n10 * srcImage + g.srcPixel[m10] * cs;
      int s11 = srcOff + n11 * srcImage + g.srcPixel[m11] * cs;
      int o0 = outOff + n0 * outImage + g.outPixel[m0] * cd + d0;
      int o1 = outOff + n1 * outImage + g.outPixel[m1] * cd + d0;
      int o2 = outOff + n2 * outImage + g.outPixel[m2] * cd + d0;
      int o3 = outOff + n3 * outImage + g.outPixel[m3] * cd + d0;
      int o4 = outOff + n4 * outImage + g.outPixel[m4] * cd + d0;
      int o5 = outOff + n5 * outImage + g.outPixel[m5] * cd + d0;
      int o6 = outOff + n6 * outImage + g.outPixel[m6] * cd + d0;
      int o7 = outOff + n7 * outImage + g.outPixel[m7] * cd + d0;
      int o8 = outOff + n8 * outImage + g.outPixel[m8] * cd + d0;
      int o9 = outOff + n9 * outImage + g.outPixel[m9] * cd + d0;
      int o10 = outOff + n10 * outImage + g.outPixel[m10] * cd + d0;
      int o11 = outOff + n11 * outImage + g.outPixel[m11] * cd + d0;
      for (int t = 0; t < g.tapBlock.length; t++) {
        int shift = g.tapShift[t] * cs;
        gatherTile12x1(count, src, s0 + shift, s1 + shift, s2 + shift, s3 + shift, s4 + shift, s5 + shift, s6 + shift, s7 + shift, s8 + shift, s9 + shift, s10 + shift, s11 + shift,
            w, wOff + g.tapBlock[t] * block + d0, cd, out, o0, o1, o2, o3, o4, o5, o6, o7, o8, o9, o10, o11, accumulate || t > 0);
      }
    }
  }

  /** Pixels {@code [lo, hi)} of a class, output channels {@code [d0, d0 + 2·HL)}, in tiles of 12 pixels. */
  static void gatherHalf12x2(GatherPlan plan, GatherPlan.Group g, int lo, int hi, float[] src, int srcOff,
      float[] w, int wOff, float[] out, int outOff, int d0, boolean accumulate) {
    int cs = plan.srcChannels;
    int cd = plan.outChannels;
    int srcImage = plan.srcHeight * plan.srcWidth * cs;
    int outImage = plan.outHeight * plan.outWidth * cd;
    int count = g.rowTaps * cs;
    int block = cs * cd;
    for (int i = lo; i < hi; i += 12) {
      // A short last tile repeats its last pixel: same inputs, same value, stored twice.
      int m0 = i;
      int n0 = m0 / g.members;
      m0 -= n0 * g.members;
      int m1 = Math.min(i + 1, hi - 1);
      int n1 = m1 / g.members;
      m1 -= n1 * g.members;
      int m2 = Math.min(i + 2, hi - 1);
      int n2 = m2 / g.members;
      m2 -= n2 * g.members;
      int m3 = Math.min(i + 3, hi - 1);
      int n3 = m3 / g.members;
      m3 -= n3 * g.members;
      int m4 = Math.min(i + 4, hi - 1);
      int n4 = m4 / g.members;
      m4 -= n4 * g.members;
      int m5 = Math.min(i + 5, hi - 1);
      int n5 = m5 / g.members;
      m5 -= n5 * g.members;
      int m6 = Math.min(i + 6, hi - 1);
      int n6 = m6 / g.members;
      m6 -= n6 * g.members;
      int m7 = Math.min(i + 7, hi - 1);
      int n7 = m7 / g.members;
      m7 -= n7 * g.members;
      int m8 = Math.min(i + 8, hi - 1);
      int n8 = m8 / g.members;
      m8 -= n8 * g.members;
      int m9 = Math.min(i + 9, hi - 1);
      int n9 = m9 / g.members;
      m9 -= n9 * g.members;
      int m10 = Math.min(i + 10, hi - 1);
      int n10 = m10 / g.members;
      m10 -= n10 * g.members;
      int m11 = Math.min(i + 11, hi - 1);
      int n11 = m11 / g.members;
      m11 -= n11 * g.members;
      int s0 = srcOff + n0 * srcImage + g.srcPixel[m0] * cs;
      int s1 = srcOff + n1 * srcImage + g.srcPixel[m1] * cs;
      int s2 = srcOff + n2 * srcImage + g.srcPixel[m2] * cs;
      int s3 = srcOff + n3 * srcImage + g.srcPixel[m3] * cs;
      int s4 = srcOff + n4 * srcImage + g.srcPixel[m4] * cs;
      int s5 = srcOff + n5 * srcImage + g.srcPixel[m5] * cs;
      int s6 = srcOff + n6 * srcImage + g.srcPixel[m6] * cs;
      int s7 = srcOff + n7 * srcImage + g.srcPixel[m7] * cs;
      int s8 = srcOff + n8 * srcImage + g.srcPixel[m8] * cs;
      int s9 = srcOff + n9 * srcImage + g.srcPixel[m9] * cs;
      int s10 = srcOff + n10 * srcImage + g.srcPixel[m10] * cs;
      int s11 = srcOff + n11 * srcImage + g.srcPixel[m11] * cs;
      int o0 = outOff + n0 * outImage + g.outPixel[m0] * cd + d0;
      int o1 = outOff + n1 * outImage + g.outPixel[m1] * cd + d0;
      int o2 = outOff + n2 * outImage + g.outPixel[m2] * cd + d0;
      int o3 = outOff + n3 * outImage + g.outPixel[m3] * cd + d0;
      int o4 = outOff + n4 * outImage + g.outPixel[m4] * cd + d0;
      int o5 = outOff + n5 * outImage + g.outPixel[m5] * cd + d0;
      int o6 = outOff + n6 * outImage + g.outPixel[m6] * cd + d0;
      int o7 = outOff + n7 * outImage + g.outPixel[m7] * cd + d0;
      int o8 = outOff + n8 * outImage + g.outPixel[m8] * cd + d0;
      int o9 = outOff + n9 * outImage + g.outPixel[m9] * cd + d0;
      int o10 = outOff + n10 * outImage + g.outPixel[m10] * cd + d0;
      int o11 = outOff + n11 * outImage + g.outPixel[m11] * cd + d0;
      for (int t = 0; t < g.tapBlock.length; t++) {
        int shift = g.tapShift[t] * cs;
        gatherTileHalf12x2(count, src, s0 + shift, s1 + shift, s2 + shift, s3 + shift, s4 + shift, s5 + shift, s6 + shift, s7 + shift, s8 + shift, s9 + shift, s10 + shift, s11 + shift,
            w, wOff + g.tapBlock[t] * block + d0, cd, out, o0, o1, o2, o3, o4, o5, o6, o7, o8, o9, o10, o11, accumulate || t > 0);
      }
    }
  }

  /** Weight-gradient rows {@code ci0 ..} (4, the last repeated past the end) × 4·L output channels at {@code co0}, one tap, images {@code [n0, n1)}. */
  static void weights4x4(ConvShape c, int tap, int ci0, int co0, int n0, int n1, float[] x, int xOff,
      float[] dy, int dyOff, float[] dw, int dwOff) {
    int cin = c.inChannels();
    int cout = c.outChannels();
    int last = cin - 1;
    int r0 = ci0;
    int r1 = Math.min(ci0 + 1, last);
    int r2 = Math.min(ci0 + 2, last);
    int r3 = Math.min(ci0 + 3, last);
    int row = dwOff + tap * cin * cout + co0;
    int[] xPixel = c.tapInputOffsets[tap];
    int[] dyPixel = c.tapOutputOffsets[tap];
    boolean whole = ci0 + 4 <= cin;
    for (int n = n0; n < n1; n++) {
      if (whole) {
        weightsRows4x4(xPixel.length, xPixel, dyPixel, x, xOff + n * c.inputSize() + ci0,
            dy, dyOff + n * c.outputSize() + co0, dw, row + ci0 * cout, cout);
      } else {
        weightsTile4x4(xPixel.length, xPixel, dyPixel, x, xOff + n * c.inputSize(), r0, r1, r2, r3,
            dy, dyOff + n * c.outputSize() + co0, dw, row + r0 * cout, row + r1 * cout, row + r2 * cout, row + r3 * cout);
      }
    }
  }

  /** Weight-gradient rows {@code ci0 ..} (8, the last repeated past the end) × 2·L output channels at {@code co0}, one tap, images {@code [n0, n1)}. */
  static void weights8x2(ConvShape c, int tap, int ci0, int co0, int n0, int n1, float[] x, int xOff,
      float[] dy, int dyOff, float[] dw, int dwOff) {
    int cin = c.inChannels();
    int cout = c.outChannels();
    int last = cin - 1;
    int r0 = ci0;
    int r1 = Math.min(ci0 + 1, last);
    int r2 = Math.min(ci0 + 2, last);
    int r3 = Math.min(ci0 + 3, last);
    int r4 = Math.min(ci0 + 4, last);
    int r5 = Math.min(ci0 + 5, last);
    int r6 = Math.min(ci0 + 6, last);
    int r7 = Math.min(ci0 + 7, last);
    int row = dwOff + tap * cin * cout + co0;
    int[] xPixel = c.tapInputOffsets[tap];
    int[] dyPixel = c.tapOutputOffsets[tap];
    boolean whole = ci0 + 8 <= cin;
    for (int n = n0; n < n1; n++) {
      if (whole) {
        weightsRows8x2(xPixel.length, xPixel, dyPixel, x, xOff + n * c.inputSize() + ci0,
            dy, dyOff + n * c.outputSize() + co0, dw, row + ci0 * cout, cout);
      } else {
        weightsTile8x2(xPixel.length, xPixel, dyPixel, x, xOff + n * c.inputSize(), r0, r1, r2, r3, r4, r5, r6, r7,
            dy, dyOff + n * c.outputSize() + co0, dw, row + r0 * cout, row + r1 * cout, row + r2 * cout, row + r3 * cout, row + r4 * cout, row + r5 * cout, row + r6 * cout, row + r7 * cout);
      }
    }
  }

  /** Weight-gradient rows {@code ci0 ..} (6, the last repeated past the end) × 2·L output channels at {@code co0}, one tap, images {@code [n0, n1)}. */
  static void weights6x2(ConvShape c, int tap, int ci0, int co0, int n0, int n1, float[] x, int xOff,
      float[] dy, int dyOff, float[] dw, int dwOff) {
    int cin = c.inChannels();
    int cout = c.outChannels();
    int last = cin - 1;
    int r0 = ci0;
    int r1 = Math.min(ci0 + 1, last);
    int r2 = Math.min(ci0 + 2, last);
    int r3 = Math.min(ci0 + 3, last);
    int r4 = Math.min(ci0 + 4, last);
    int r5 = Math.min(ci0 + 5, last);
    int row = dwOff + tap * cin * cout + co0;
    int[] xPixel = c.tapInputOffsets[tap];
    int[] dyPixel = c.tapOutputOffsets[tap];
    boolean whole = ci0 + 6 <= cin;
    for (int n = n0; n < n1; n++) {
      if (whole) {
        weightsRows6x2(xPixel.length, xPixel, dyPixel, x, xOff + n * c.inputSize() + ci0,
            dy, dyOff + n * c.outputSize() + co0, dw, row + ci0 * cout, cout);
      } else {
        weightsTile6x2(xPixel.length, xPixel, dyPixel, x, xOff + n * c.inputSize(), r0, r1, r2, r3, r4, r5,
            dy, dyOff + n * c.outputSize() + co0, dw, row + r0 * cout, row + r1 * cout, row + r2 * cout, row + r3 * cout, row + r4 * cout, row + r5 * cout);
      }
    }
  }

  /** Weight-gradient rows {@code ci0 ..} (8, the last repeated past the end) × 1·L output channels at {@code co0}, one tap, images {@code [n0, n1)}. */
  static void weights8x1(ConvShape c, int tap, int ci0, int co0, int n0, int n1, float[] x, int xOff,
      float[] dy, int dyOff, float[] dw, int dwOff) {
    int cin = c.inChannels();
    int cout = c.outChannels();
    int last = cin - 1;
    int r0 = ci0;
    int r1 = Math.min(ci0 + 1, last);
    int r2 = Math.min(ci0 + 2, last);
    int r3 = Math.min(ci0 + 3, last);
    int r4 = Math.min(ci0 + 4, last);
    int r5 = Math.min(ci0 + 5, last);
    int r6 = Math.min(ci0 + 6, last);
    int r7 = Math.min(ci0 + 7, last);
    int row = dwOff + tap * cin * cout + co0;
    int[] xPixel = c.tapInputOffsets[tap];
    int[] dyPixel = c.tapOutputOffsets[tap];
    boolean whole = ci0 + 8 <= cin;
    for (int n = n0; n < n1; n++) {
      if (whole) {
        weightsRows8x1(xPixel.length, xPixel, dyPixel, x, xOff + n * c.inputSize() + ci0,
            dy, dyOff + n * c.outputSize() + co0, dw, row + ci0 * cout, cout);
      } else {
        weightsTile8x1(xPixel.length, xPixel, dyPixel, x, xOff + n * c.inputSize(), r0, r1, r2, r3, r4, r5, r6, r7,
            dy, dyOff + n * c.outputSize() + co0, dw, row + r0 * cout, row + r1 * cout, row + r2 * cout, row + r3 * cout, row + r4 * cout, row + r5 * cout, row + r6 * cout, row + r7 * cout);
      }
    }
  }

  /** Weight-gradient rows {@code ci0 ..} (8, the last repeated past the end) × 2·HL output channels at {@code co0}, one tap, images {@code [n0, n1)}. */
  static void weightsHalf8x2(ConvShape c, int tap, int ci0, int co0, int n0, int n1, float[] x, int xOff,
      float[] dy, int dyOff, float[] dw, int dwOff) {
    int cin = c.inChannels();
    int cout = c.outChannels();
    int last = cin - 1;
    int r0 = ci0;
    int r1 = Math.min(ci0 + 1, last);
    int r2 = Math.min(ci0 + 2, last);
    int r3 = Math.min(ci0 + 3, last);
    int r4 = Math.min(ci0 + 4, last);
    int r5 = Math.min(ci0 + 5, last);
    int r6 = Math.min(ci0 + 6, last);
    int r7 = Math.min(ci0 + 7, last);
    int row = dwOff + tap * cin * cout + co0;
    int[] xPixel = c.tapInputOffsets[tap];
    int[] dyPixel = c.tapOutputOffsets[tap];
    boolean whole = ci0 + 8 <= cin;
    for (int n = n0; n < n1; n++) {
      if (whole) {
        weightsRowsHalf8x2(xPixel.length, xPixel, dyPixel, x, xOff + n * c.inputSize() + ci0,
            dy, dyOff + n * c.outputSize() + co0, dw, row + ci0 * cout, cout);
      } else {
        weightsTileHalf8x2(xPixel.length, xPixel, dyPixel, x, xOff + n * c.inputSize(), r0, r1, r2, r3, r4, r5, r6, r7,
            dy, dyOff + n * c.outputSize() + co0, dw, row + r0 * cout, row + r1 * cout, row + r2 * cout, row + r3 * cout, row + r4 * cout, row + r5 * cout, row + r6 * cout, row + r7 * cout);
      }
    }
  }

  /** 4 pixels × 4 vectors: 16 accumulators over one flat loop along a tap row. */
  private static void gatherTile4x4(int count, float[] src, int s0, int s1, int s2, int s3,
      float[] w, int wi, int wStride, float[] out, int o0, int o1, int o2, int o3, boolean acc) {
    FloatVector c00 = acc ? FloatVector.fromArray(S, out, o0) : FloatVector.zero(S);
    FloatVector c01 = acc ? FloatVector.fromArray(S, out, o0 + 1 * L) : FloatVector.zero(S);
    FloatVector c02 = acc ? FloatVector.fromArray(S, out, o0 + 2 * L) : FloatVector.zero(S);
    FloatVector c03 = acc ? FloatVector.fromArray(S, out, o0 + 3 * L) : FloatVector.zero(S);
    FloatVector c10 = acc ? FloatVector.fromArray(S, out, o1) : FloatVector.zero(S);
    FloatVector c11 = acc ? FloatVector.fromArray(S, out, o1 + 1 * L) : FloatVector.zero(S);
    FloatVector c12 = acc ? FloatVector.fromArray(S, out, o1 + 2 * L) : FloatVector.zero(S);
    FloatVector c13 = acc ? FloatVector.fromArray(S, out, o1 + 3 * L) : FloatVector.zero(S);
    FloatVector c20 = acc ? FloatVector.fromArray(S, out, o2) : FloatVector.zero(S);
    FloatVector c21 = acc ? FloatVector.fromArray(S, out, o2 + 1 * L) : FloatVector.zero(S);
    FloatVector c22 = acc ? FloatVector.fromArray(S, out, o2 + 2 * L) : FloatVector.zero(S);
    FloatVector c23 = acc ? FloatVector.fromArray(S, out, o2 + 3 * L) : FloatVector.zero(S);
    FloatVector c30 = acc ? FloatVector.fromArray(S, out, o3) : FloatVector.zero(S);
    FloatVector c31 = acc ? FloatVector.fromArray(S, out, o3 + 1 * L) : FloatVector.zero(S);
    FloatVector c32 = acc ? FloatVector.fromArray(S, out, o3 + 2 * L) : FloatVector.zero(S);
    FloatVector c33 = acc ? FloatVector.fromArray(S, out, o3 + 3 * L) : FloatVector.zero(S);
    for (int q = 0; q < count; q++, wi += wStride) {
      FloatVector w0 = FloatVector.fromArray(S, w, wi);
      FloatVector w1 = FloatVector.fromArray(S, w, wi + 1 * L);
      FloatVector w2 = FloatVector.fromArray(S, w, wi + 2 * L);
      FloatVector w3 = FloatVector.fromArray(S, w, wi + 3 * L);
      FloatVector x0 = FloatVector.broadcast(S, src[s0 + q]);
      c00 = x0.fma(w0, c00);
      c01 = x0.fma(w1, c01);
      c02 = x0.fma(w2, c02);
      c03 = x0.fma(w3, c03);
      FloatVector x1 = FloatVector.broadcast(S, src[s1 + q]);
      c10 = x1.fma(w0, c10);
      c11 = x1.fma(w1, c11);
      c12 = x1.fma(w2, c12);
      c13 = x1.fma(w3, c13);
      FloatVector x2 = FloatVector.broadcast(S, src[s2 + q]);
      c20 = x2.fma(w0, c20);
      c21 = x2.fma(w1, c21);
      c22 = x2.fma(w2, c22);
      c23 = x2.fma(w3, c23);
      FloatVector x3 = FloatVector.broadcast(S, src[s3 + q]);
      c30 = x3.fma(w0, c30);
      c31 = x3.fma(w1, c31);
      c32 = x3.fma(w2, c32);
      c33 = x3.fma(w3, c33);
    }
    ((FloatVector) EXACT.cast(c00)).intoArray(out, o0);
    ((FloatVector) EXACT.cast(c01)).intoArray(out, o0 + 1 * L);
    ((FloatVector) EXACT.cast(c02)).intoArray(out, o0 + 2 * L);
    ((FloatVector) EXACT.cast(c03)).intoArray(out, o0 + 3 * L);
    ((FloatVector) EXACT.cast(c10)).intoArray(out, o1);
    ((FloatVector) EXACT.cast(c11)).intoArray(out, o1 + 1 * L);
    ((FloatVector) EXACT.cast(c12)).intoArray(out, o1 + 2 * L);
    ((FloatVector) EXACT.cast(c13)).intoArray(out, o1 + 3 * L);
    ((FloatVector) EXACT.cast(c20)).intoArray(out, o2);
    ((FloatVector) EXACT.cast(c21)).intoArray(out, o2 + 1 * L);
    ((FloatVector) EXACT.cast(c22)).intoArray(out, o2 + 2 * L);
    ((FloatVector) EXACT.cast(c23)).intoArray(out, o2 + 3 * L);
    ((FloatVector) EXACT.cast(c30)).intoArray(out, o3);
    ((FloatVector) EXACT.cast(c31)).intoArray(out, o3 + 1 * L);
    ((FloatVector) EXACT.cast(c32)).intoArray(out, o3 + 2 * L);
    ((FloatVector) EXACT.cast(c33)).intoArray(out, o3 + 3 * L);
  }

  /** 8 pixels × 2 vectors: 16 accumulators over one flat loop along a tap row. */
  private static void gatherTile8x2(int count, float[] src, int s0, int s1, int s2, int s3, int s4, int s5, int s6, int s7,
      float[] w, int wi, int wStride, float[] out, int o0, int o1, int o2, int o3, int o4, int o5, int o6, int o7, boolean acc) {
    FloatVector c00 = acc ? FloatVector.fromArray(S, out, o0) : FloatVector.zero(S);
    FloatVector c01 = acc ? FloatVector.fromArray(S, out, o0 + 1 * L) : FloatVector.zero(S);
    FloatVector c10 = acc ? FloatVector.fromArray(S, out, o1) : FloatVector.zero(S);
    FloatVector c11 = acc ? FloatVector.fromArray(S, out, o1 + 1 * L) : FloatVector.zero(S);
    FloatVector c20 = acc ? FloatVector.fromArray(S, out, o2) : FloatVector.zero(S);
    FloatVector c21 = acc ? FloatVector.fromArray(S, out, o2 + 1 * L) : FloatVector.zero(S);
    FloatVector c30 = acc ? FloatVector.fromArray(S, out, o3) : FloatVector.zero(S);
    FloatVector c31 = acc ? FloatVector.fromArray(S, out, o3 + 1 * L) : FloatVector.zero(S);
    FloatVector c40 = acc ? FloatVector.fromArray(S, out, o4) : FloatVector.zero(S);
    FloatVector c41 = acc ? FloatVector.fromArray(S, out, o4 + 1 * L) : FloatVector.zero(S);
    FloatVector c50 = acc ? FloatVector.fromArray(S, out, o5) : FloatVector.zero(S);
    FloatVector c51 = acc ? FloatVector.fromArray(S, out, o5 + 1 * L) : FloatVector.zero(S);
    FloatVector c60 = acc ? FloatVector.fromArray(S, out, o6) : FloatVector.zero(S);
    FloatVector c61 = acc ? FloatVector.fromArray(S, out, o6 + 1 * L) : FloatVector.zero(S);
    FloatVector c70 = acc ? FloatVector.fromArray(S, out, o7) : FloatVector.zero(S);
    FloatVector c71 = acc ? FloatVector.fromArray(S, out, o7 + 1 * L) : FloatVector.zero(S);
    for (int q = 0; q < count; q++, wi += wStride) {
      FloatVector w0 = FloatVector.fromArray(S, w, wi);
      FloatVector w1 = FloatVector.fromArray(S, w, wi + 1 * L);
      FloatVector x0 = FloatVector.broadcast(S, src[s0 + q]);
      c00 = x0.fma(w0, c00);
      c01 = x0.fma(w1, c01);
      FloatVector x1 = FloatVector.broadcast(S, src[s1 + q]);
      c10 = x1.fma(w0, c10);
      c11 = x1.fma(w1, c11);
      FloatVector x2 = FloatVector.broadcast(S, src[s2 + q]);
      c20 = x2.fma(w0, c20);
      c21 = x2.fma(w1, c21);
      FloatVector x3 = FloatVector.broadcast(S, src[s3 + q]);
      c30 = x3.fma(w0, c30);
      c31 = x3.fma(w1, c31);
      FloatVector x4 = FloatVector.broadcast(S, src[s4 + q]);
      c40 = x4.fma(w0, c40);
      c41 = x4.fma(w1, c41);
      FloatVector x5 = FloatVector.broadcast(S, src[s5 + q]);
      c50 = x5.fma(w0, c50);
      c51 = x5.fma(w1, c51);
      FloatVector x6 = FloatVector.broadcast(S, src[s6 + q]);
      c60 = x6.fma(w0, c60);
      c61 = x6.fma(w1, c61);
      FloatVector x7 = FloatVector.broadcast(S, src[s7 + q]);
      c70 = x7.fma(w0, c70);
      c71 = x7.fma(w1, c71);
    }
    ((FloatVector) EXACT.cast(c00)).intoArray(out, o0);
    ((FloatVector) EXACT.cast(c01)).intoArray(out, o0 + 1 * L);
    ((FloatVector) EXACT.cast(c10)).intoArray(out, o1);
    ((FloatVector) EXACT.cast(c11)).intoArray(out, o1 + 1 * L);
    ((FloatVector) EXACT.cast(c20)).intoArray(out, o2);
    ((FloatVector) EXACT.cast(c21)).intoArray(out, o2 + 1 * L);
    ((FloatVector) EXACT.cast(c30)).intoArray(out, o3);
    ((FloatVector) EXACT.cast(c31)).intoArray(out, o3 + 1 * L);
    ((FloatVector) EXACT.cast(c40)).intoArray(out, o4);
    ((FloatVector) EXACT.cast(c41)).intoArray(out, o4 + 1 * L);
    ((FloatVector) EXACT.cast(c50)).intoArray(out, o5);
    ((FloatVector) EXACT.cast(c51)).intoArray(out, o5 + 1 * L);
    ((FloatVector) EXACT.cast(c60)).intoArray(out, o6);
    ((FloatVector) EXACT.cast(c61)).intoArray(out, o6 + 1 * L);
    ((FloatVector) EXACT.cast(c70)).intoArray(out, o7);
    ((FloatVector) EXACT.cast(c71)).intoArray(out, o7 + 1 * L);
  }

  /** 6 pixels × 2 vectors: 12 accumulators over one flat loop along a tap row. */
  private static void gatherTile6x2(int count, float[] src, int s0, int s1, int s2, int s3, int s4, int s5,
      float[] w, int wi, int wStride, float[] out, int o0, int o1, int o2, int o3, int o4, int o5, boolean acc) {
    FloatVector c00 = acc ? FloatVector.fromArray(S, out, o0) : FloatVector.zero(S);
    FloatVector c01 = acc ? FloatVector.fromArray(S, out, o0 + 1 * L) : FloatVector.zero(S);
    FloatVector c10 = acc ? FloatVector.fromArray(S, out, o1) : FloatVector.zero(S);
    FloatVector c11 = acc ? FloatVector.fromArray(S, out, o1 + 1 * L) : FloatVector.zero(S);
    FloatVector c20 = acc ? FloatVector.fromArray(S, out, o2) : FloatVector.zero(S);
    FloatVector c21 = acc ? FloatVector.fromArray(S, out, o2 + 1 * L) : FloatVector.zero(S);
    FloatVector c30 = acc ? FloatVector.fromArray(S, out, o3) : FloatVector.zero(S);
    FloatVector c31 = acc ? FloatVector.fromArray(S, out, o3 + 1 * L) : FloatVector.zero(S);
    FloatVector c40 = acc ? FloatVector.fromArray(S, out, o4) : FloatVector.zero(S);
    FloatVector c41 = acc ? FloatVector.fromArray(S, out, o4 + 1 * L) : FloatVector.zero(S);
    FloatVector c50 = acc ? FloatVector.fromArray(S, out, o5) : FloatVector.zero(S);
    FloatVector c51 = acc ? FloatVector.fromArray(S, out, o5 + 1 * L) : FloatVector.zero(S);
    for (int q = 0; q < count; q++, wi += wStride) {
      FloatVector w0 = FloatVector.fromArray(S, w, wi);
      FloatVector w1 = FloatVector.fromArray(S, w, wi + 1 * L);
      FloatVector x0 = FloatVector.broadcast(S, src[s0 + q]);
      c00 = x0.fma(w0, c00);
      c01 = x0.fma(w1, c01);
      FloatVector x1 = FloatVector.broadcast(S, src[s1 + q]);
      c10 = x1.fma(w0, c10);
      c11 = x1.fma(w1, c11);
      FloatVector x2 = FloatVector.broadcast(S, src[s2 + q]);
      c20 = x2.fma(w0, c20);
      c21 = x2.fma(w1, c21);
      FloatVector x3 = FloatVector.broadcast(S, src[s3 + q]);
      c30 = x3.fma(w0, c30);
      c31 = x3.fma(w1, c31);
      FloatVector x4 = FloatVector.broadcast(S, src[s4 + q]);
      c40 = x4.fma(w0, c40);
      c41 = x4.fma(w1, c41);
      FloatVector x5 = FloatVector.broadcast(S, src[s5 + q]);
      c50 = x5.fma(w0, c50);
      c51 = x5.fma(w1, c51);
    }
    ((FloatVector) EXACT.cast(c00)).intoArray(out, o0);
    ((FloatVector) EXACT.cast(c01)).intoArray(out, o0 + 1 * L);
    ((FloatVector) EXACT.cast(c10)).intoArray(out, o1);
    ((FloatVector) EXACT.cast(c11)).intoArray(out, o1 + 1 * L);
    ((FloatVector) EXACT.cast(c20)).intoArray(out, o2);
    ((FloatVector) EXACT.cast(c21)).intoArray(out, o2 + 1 * L);
    ((FloatVector) EXACT.cast(c30)).intoArray(out, o3);
    ((FloatVector) EXACT.cast(c31)).intoArray(out, o3 + 1 * L);
    ((FloatVector) EXACT.cast(c40)).intoArray(out, o4);
    ((FloatVector) EXACT.cast(c41)).intoArray(out, o4 + 1 * L);
    ((FloatVector) EXACT.cast(c50)).intoArray(out, o5);
    ((FloatVector) EXACT.cast(c51)).intoArray(out, o5 + 1 * L);
  }

  /** 12 pixels × 1 vector: 12 accumulators over one flat loop along a tap row. */
  private static void gatherTile12x1(int count, float[] src, int s0, int s1, int s2, int s3, int s4, int s5, int s6, int s7, int s8, int s9, int s10, int s11,
      float[] w, int wi, int wStride, float[] out, int o0, int o1, int o2, int o3, int o4, int o5, int o6, int o7, int o8, int o9, int o10, int o11, boolean acc) {
    FloatVector c00 = acc ? FloatVector.fromArray(S, out, o0) : FloatVector.zero(S);
    FloatVector c10 = acc ? FloatVector.fromArray(S, out, o1) : FloatVector.zero(S);
    FloatVector c20 = acc ? FloatVector.fromArray(S, out, o2) : FloatVector.zero(S);
    FloatVector c30 = acc ? FloatVector.fromArray(S, out, o3) : FloatVector.zero(S);
    FloatVector c40 = acc ? FloatVector.fromArray(S, out, o4) : FloatVector.zero(S);
    FloatVector c50 = acc ? FloatVector.fromArray(S, out, o5) : FloatVector.zero(S);
    FloatVector c60 = acc ? FloatVector.fromArray(S, out, o6) : FloatVector.zero(S);
    FloatVector c70 = acc ? FloatVector.fromArray(S, out, o7) : FloatVector.zero(S);
    FloatVector c80 = acc ? FloatVector.fromArray(S, out, o8) : FloatVector.zero(S);
    FloatVector c90 = acc ? FloatVector.fromArray(S, out, o9) : FloatVector.zero(S);
    FloatVector c100 = acc ? FloatVector.fromArray(S, out, o10) : FloatVector.zero(S);
    FloatVector c110 = acc ? FloatVector.fromArray(S, out, o11) : FloatVector.zero(S);
    for (int q = 0; q < count; q++, wi += wStride) {
      FloatVector w0 = FloatVector.fromArray(S, w, wi);
      FloatVector x0 = FloatVector.broadcast(S, src[s0 + q]);
      c00 = x0.fma(w0, c00);
      FloatVector x1 = FloatVector.broadcast(S, src[s1 + q]);
      c10 = x1.fma(w0, c10);
      FloatVector x2 = FloatVector.broadcast(S, src[s2 + q]);
      c20 = x2.fma(w0, c20);
      FloatVector x3 = FloatVector.broadcast(S, src[s3 + q]);
      c30 = x3.fma(w0, c30);
      FloatVector x4 = FloatVector.broadcast(S, src[s4 + q]);
      c40 = x4.fma(w0, c40);
      FloatVector x5 = FloatVector.broadcast(S, src[s5 + q]);
      c50 = x5.fma(w0, c50);
      FloatVector x6 = FloatVector.broadcast(S, src[s6 + q]);
      c60 = x6.fma(w0, c60);
      FloatVector x7 = FloatVector.broadcast(S, src[s7 + q]);
      c70 = x7.fma(w0, c70);
      FloatVector x8 = FloatVector.broadcast(S, src[s8 + q]);
      c80 = x8.fma(w0, c80);
      FloatVector x9 = FloatVector.broadcast(S, src[s9 + q]);
      c90 = x9.fma(w0, c90);
      FloatVector x10 = FloatVector.broadcast(S, src[s10 + q]);
      c100 = x10.fma(w0, c100);
      FloatVector x11 = FloatVector.broadcast(S, src[s11 + q]);
      c110 = x11.fma(w0, c110);
    }
    ((FloatVector) EXACT.cast(c00)).intoArray(out, o0);
    ((FloatVector) EXACT.cast(c10)).intoArray(out, o1);
    ((FloatVector) EXACT.cast(c20)).intoArray(out, o2);
    ((FloatVector) EXACT.cast(c30)).intoArray(out, o3);
    ((FloatVector) EXACT.cast(c40)).intoArray(out, o4);
    ((FloatVector) EXACT.cast(c50)).intoArray(out, o5);
    ((FloatVector) EXACT.cast(c60)).intoArray(out, o6);
    ((FloatVector) EXACT.cast(c70)).intoArray(out, o7);
    ((FloatVector) EXACT.cast(c80)).intoArray(out, o8);
    ((FloatVector) EXACT.cast(c90)).intoArray(out, o9);
    ((FloatVector) EXACT.cast(c100)).intoArray(out, o10);
    ((FloatVector) EXACT.cast(c110)).intoArray(out, o11);
  }

  /** 12 pixels × 2 256-bit vectors: 24 accumulators over one flat loop along a tap row. */
  private static void gatherTileHalf12x2(int count, float[] src, int s0, int s1, int s2, int s3, int s4, int s5, int s6, int s7, int s8, int s9, int s10, int s11,
      float[] w, int wi, int wStride, float[] out, int o0, int o1, int o2, int o3, int o4, int o5, int o6, int o7, int o8, int o9, int o10, int o11, boolean acc) {
    FloatVector c00 = acc ? FloatVector.fromArray(HALF, out, o0) : FloatVector.zero(HALF);
    FloatVector c01 = acc ? FloatVector.fromArray(HALF, out, o0 + 1 * HL) : FloatVector.zero(HALF);
    FloatVector c10 = acc ? FloatVector.fromArray(HALF, out, o1) : FloatVector.zero(HALF);
    FloatVector c11 = acc ? FloatVector.fromArray(HALF, out, o1 + 1 * HL) : FloatVector.zero(HALF);
    FloatVector c20 = acc ? FloatVector.fromArray(HALF, out, o2) : FloatVector.zero(HALF);
    FloatVector c21 = acc ? FloatVector.fromArray(HALF, out, o2 + 1 * HL) : FloatVector.zero(HALF);
    FloatVector c30 = acc ? FloatVector.fromArray(HALF, out, o3) : FloatVector.zero(HALF);
    FloatVector c31 = acc ? FloatVector.fromArray(HALF, out, o3 + 1 * HL) : FloatVector.zero(HALF);
    FloatVector c40 = acc ? FloatVector.fromArray(HALF, out, o4) : FloatVector.zero(HALF);
    FloatVector c41 = acc ? FloatVector.fromArray(HALF, out, o4 + 1 * HL) : FloatVector.zero(HALF);
    FloatVector c50 = acc ? FloatVector.fromArray(HALF, out, o5) : FloatVector.zero(HALF);
    FloatVector c51 = acc ? FloatVector.fromArray(HALF, out, o5 + 1 * HL) : FloatVector.zero(HALF);
    FloatVector c60 = acc ? FloatVector.fromArray(HALF, out, o6) : FloatVector.zero(HALF);
    FloatVector c61 = acc ? FloatVector.fromArray(HALF, out, o6 + 1 * HL) : FloatVector.zero(HALF);
    FloatVector c70 = acc ? FloatVector.fromArray(HALF, out, o7) : FloatVector.zero(HALF);
    FloatVector c71 = acc ? FloatVector.fromArray(HALF, out, o7 + 1 * HL) : FloatVector.zero(HALF);
    FloatVector c80 = acc ? FloatVector.fromArray(HALF, out, o8) : FloatVector.zero(HALF);
    FloatVector c81 = acc ? FloatVector.fromArray(HALF, out, o8 + 1 * HL) : FloatVector.zero(HALF);
    FloatVector c90 = acc ? FloatVector.fromArray(HALF, out, o9) : FloatVector.zero(HALF);
    FloatVector c91 = acc ? FloatVector.fromArray(HALF, out, o9 + 1 * HL) : FloatVector.zero(HALF);
    FloatVector c100 = acc ? FloatVector.fromArray(HALF, out, o10) : FloatVector.zero(HALF);
    FloatVector c101 = acc ? FloatVector.fromArray(HALF, out, o10 + 1 * HL) : FloatVector.zero(HALF);
    FloatVector c110 = acc ? FloatVector.fromArray(HALF, out, o11) : FloatVector.zero(HALF);
    FloatVector c111 = acc ? FloatVector.fromArray(HALF, out, o11 + 1 * HL) : FloatVector.zero(HALF);
    for (int q = 0; q < count; q++, wi += wStride) {
      FloatVector w0 = FloatVector.fromArray(HALF, w, wi);
      FloatVector w1 = FloatVector.fromArray(HALF, w, wi + 1 * HL);
      FloatVector x0 = FloatVector.broadcast(HALF, src[s0 + q]);
      c00 = x0.fma(w0, c00);
      c01 = x0.fma(w1, c01);
      FloatVector x1 = FloatVector.broadcast(HALF, src[s1 + q]);
      c10 = x1.fma(w0, c10);
      c11 = x1.fma(w1, c11);
      FloatVector x2 = FloatVector.broadcast(HALF, src[s2 + q]);
      c20 = x2.fma(w0, c20);
      c21 = x2.fma(w1, c21);
      FloatVector x3 = FloatVector.broadcast(HALF, src[s3 + q]);
      c30 = x3.fma(w0, c30);
      c31 = x3.fma(w1, c31);
      FloatVector x4 = FloatVector.broadcast(HALF, src[s4 + q]);
      c40 = x4.fma(w0, c40);
      c41 = x4.fma(w1, c41);
      FloatVector x5 = FloatVector.broadcast(HALF, src[s5 + q]);
      c50 = x5.fma(w0, c50);
      c51 = x5.fma(w1, c51);
      FloatVector x6 = FloatVector.broadcast(HALF, src[s6 + q]);
      c60 = x6.fma(w0, c60);
      c61 = x6.fma(w1, c61);
      FloatVector x7 = FloatVector.broadcast(HALF, src[s7 + q]);
      c70 = x7.fma(w0, c70);
      c71 = x7.fma(w1, c71);
      FloatVector x8 = FloatVector.broadcast(HALF, src[s8 + q]);
      c80 = x8.fma(w0, c80);
      c81 = x8.fma(w1, c81);
      FloatVector x9 = FloatVector.broadcast(HALF, src[s9 + q]);
      c90 = x9.fma(w0, c90);
      c91 = x9.fma(w1, c91);
      FloatVector x10 = FloatVector.broadcast(HALF, src[s10 + q]);
      c100 = x10.fma(w0, c100);
      c101 = x10.fma(w1, c101);
      FloatVector x11 = FloatVector.broadcast(HALF, src[s11 + q]);
      c110 = x11.fma(w0, c110);
      c111 = x11.fma(w1, c111);
    }
    ((FloatVector) EXACT_HALF.cast(c00)).intoArray(out, o0);
    ((FloatVector) EXACT_HALF.cast(c01)).intoArray(out, o0 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c10)).intoArray(out, o1);
    ((FloatVector) EXACT_HALF.cast(c11)).intoArray(out, o1 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c20)).intoArray(out, o2);
    ((FloatVector) EXACT_HALF.cast(c21)).intoArray(out, o2 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c30)).intoArray(out, o3);
    ((FloatVector) EXACT_HALF.cast(c31)).intoArray(out, o3 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c40)).intoArray(out, o4);
    ((FloatVector) EXACT_HALF.cast(c41)).intoArray(out, o4 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c50)).intoArray(out, o5);
    ((FloatVector) EXACT_HALF.cast(c51)).intoArray(out, o5 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c60)).intoArray(out, o6);
    ((FloatVector) EXACT_HALF.cast(c61)).intoArray(out, o6 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c70)).intoArray(out, o7);
    ((FloatVector) EXACT_HALF.cast(c71)).intoArray(out, o7 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c80)).intoArray(out, o8);
    ((FloatVector) EXACT_HALF.cast(c81)).intoArray(out, o8 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c90)).intoArray(out, o9);
    ((FloatVector) EXACT_HALF.cast(c91)).intoArray(out, o9 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c100)).intoArray(out, o10);
    ((FloatVector) EXACT_HALF.cast(c101)).intoArray(out, o10 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c110)).intoArray(out, o11);
    ((FloatVector) EXACT_HALF.cast(c111)).intoArray(out, o11 + 1 * HL);
  }

  /**
   * 4 consecutive weight-gradient rows (input channels), as below: the broadcasts read one run of
   * 4 floats, so C2 merges their bounds checks.
   *
   * 4 weight-gradient rows × 4 vectors, summed over the pixels {@code [0, count)} of one
   * image that a tap keeps: pixel {@code q} reads {@code x[xBase + xPixel[q] + s_p]} and the vectors at
   * {@code dy[dyBase + dyPixel[q]]}.
   */
  private static void weightsRows4x4(int count, int[] xPixel, int[] dyPixel, float[] x, int xBase,
      float[] dy, int dyBase, float[] out, int o0, int rowStride) {
    int o1 = o0 + 1 * rowStride;
    int o2 = o0 + 2 * rowStride;
    int o3 = o0 + 3 * rowStride;
    FloatVector c00 = FloatVector.fromArray(S, out, o0);
    FloatVector c01 = FloatVector.fromArray(S, out, o0 + 1 * L);
    FloatVector c02 = FloatVector.fromArray(S, out, o0 + 2 * L);
    FloatVector c03 = FloatVector.fromArray(S, out, o0 + 3 * L);
    FloatVector c10 = FloatVector.fromArray(S, out, o1);
    FloatVector c11 = FloatVector.fromArray(S, out, o1 + 1 * L);
    FloatVector c12 = FloatVector.fromArray(S, out, o1 + 2 * L);
    FloatVector c13 = FloatVector.fromArray(S, out, o1 + 3 * L);
    FloatVector c20 = FloatVector.fromArray(S, out, o2);
    FloatVector c21 = FloatVector.fromArray(S, out, o2 + 1 * L);
    FloatVector c22 = FloatVector.fromArray(S, out, o2 + 2 * L);
    FloatVector c23 = FloatVector.fromArray(S, out, o2 + 3 * L);
    FloatVector c30 = FloatVector.fromArray(S, out, o3);
    FloatVector c31 = FloatVector.fromArray(S, out, o3 + 1 * L);
    FloatVector c32 = FloatVector.fromArray(S, out, o3 + 2 * L);
    FloatVector c33 = FloatVector.fromArray(S, out, o3 + 3 * L);
    for (int q = 0; q < count; q++) {
      int xq = xBase + xPixel[q];
      int dq = dyBase + dyPixel[q];
      FloatVector w0 = FloatVector.fromArray(S, dy, dq);
      FloatVector w1 = FloatVector.fromArray(S, dy, dq + 1 * L);
      FloatVector w2 = FloatVector.fromArray(S, dy, dq + 2 * L);
      FloatVector w3 = FloatVector.fromArray(S, dy, dq + 3 * L);
      FloatVector x0 = FloatVector.broadcast(S, x[xq + 0]);
      c00 = x0.fma(w0, c00);
      c01 = x0.fma(w1, c01);
      c02 = x0.fma(w2, c02);
      c03 = x0.fma(w3, c03);
      FloatVector x1 = FloatVector.broadcast(S, x[xq + 1]);
      c10 = x1.fma(w0, c10);
      c11 = x1.fma(w1, c11);
      c12 = x1.fma(w2, c12);
      c13 = x1.fma(w3, c13);
      FloatVector x2 = FloatVector.broadcast(S, x[xq + 2]);
      c20 = x2.fma(w0, c20);
      c21 = x2.fma(w1, c21);
      c22 = x2.fma(w2, c22);
      c23 = x2.fma(w3, c23);
      FloatVector x3 = FloatVector.broadcast(S, x[xq + 3]);
      c30 = x3.fma(w0, c30);
      c31 = x3.fma(w1, c31);
      c32 = x3.fma(w2, c32);
      c33 = x3.fma(w3, c33);
    }
    ((FloatVector) EXACT.cast(c00)).intoArray(out, o0);
    ((FloatVector) EXACT.cast(c01)).intoArray(out, o0 + 1 * L);
    ((FloatVector) EXACT.cast(c02)).intoArray(out, o0 + 2 * L);
    ((FloatVector) EXACT.cast(c03)).intoArray(out, o0 + 3 * L);
    ((FloatVector) EXACT.cast(c10)).intoArray(out, o1);
    ((FloatVector) EXACT.cast(c11)).intoArray(out, o1 + 1 * L);
    ((FloatVector) EXACT.cast(c12)).intoArray(out, o1 + 2 * L);
    ((FloatVector) EXACT.cast(c13)).intoArray(out, o1 + 3 * L);
    ((FloatVector) EXACT.cast(c20)).intoArray(out, o2);
    ((FloatVector) EXACT.cast(c21)).intoArray(out, o2 + 1 * L);
    ((FloatVector) EXACT.cast(c22)).intoArray(out, o2 + 2 * L);
    ((FloatVector) EXACT.cast(c23)).intoArray(out, o2 + 3 * L);
    ((FloatVector) EXACT.cast(c30)).intoArray(out, o3);
    ((FloatVector) EXACT.cast(c31)).intoArray(out, o3 + 1 * L);
    ((FloatVector) EXACT.cast(c32)).intoArray(out, o3 + 2 * L);
    ((FloatVector) EXACT.cast(c33)).intoArray(out, o3 + 3 * L);
  }

  /**
   * 8 consecutive weight-gradient rows (input channels), as below: the broadcasts read one run of
   * 8 floats, so C2 merges their bounds checks.
   *
   * 8 weight-gradient rows × 2 vectors, summed over the pixels {@code [0, count)} of one
   * image that a tap keeps: pixel {@code q} reads {@code x[xBase + xPixel[q] + s_p]} and the vectors at
   * {@code dy[dyBase + dyPixel[q]]}.
   */
  private static void weightsRows8x2(int count, int[] xPixel, int[] dyPixel, float[] x, int xBase,
      float[] dy, int dyBase, float[] out, int o0, int rowStride) {
    int o1 = o0 + 1 * rowStride;
    int o2 = o0 + 2 * rowStride;
    int o3 = o0 + 3 * rowStride;
    int o4 = o0 + 4 * rowStride;
    int o5 = o0 + 5 * rowStride;
    int o6 = o0 + 6 * rowStride;
    int o7 = o0 + 7 * rowStride;
    FloatVector c00 = FloatVector.fromArray(S, out, o0);
    FloatVector c01 = FloatVector.fromArray(S, out, o0 + 1 * L);
    FloatVector c10 = FloatVector.fromArray(S, out, o1);
    FloatVector c11 = FloatVector.fromArray(S, out, o1 + 1 * L);
    FloatVector c20 = FloatVector.fromArray(S, out, o2);
    FloatVector c21 = FloatVector.fromArray(S, out, o2 + 1 * L);
    FloatVector c30 = FloatVector.fromArray(S, out, o3);
    FloatVector c31 = FloatVector.fromArray(S, out, o3 + 1 * L);
    FloatVector c40 = FloatVector.fromArray(S, out, o4);
    FloatVector c41 = FloatVector.fromArray(S, out, o4 + 1 * L);
    FloatVector c50 = FloatVector.fromArray(S, out, o5);
    FloatVector c51 = FloatVector.fromArray(S, out, o5 + 1 * L);
    FloatVector c60 = FloatVector.fromArray(S, out, o6);
    FloatVector c61 = FloatVector.fromArray(S, out, o6 + 1 * L);
    FloatVector c70 = FloatVector.fromArray(S, out, o7);
    FloatVector c71 = FloatVector.fromArray(S, out, o7 + 1 * L);
    for (int q = 0; q < count; q++) {
      int xq = xBase + xPixel[q];
      int dq = dyBase + dyPixel[q];
      FloatVector w0 = FloatVector.fromArray(S, dy, dq);
      FloatVector w1 = FloatVector.fromArray(S, dy, dq + 1 * L);
      FloatVector x0 = FloatVector.broadcast(S, x[xq + 0]);
      c00 = x0.fma(w0, c00);
      c01 = x0.fma(w1, c01);
      FloatVector x1 = FloatVector.broadcast(S, x[xq + 1]);
      c10 = x1.fma(w0, c10);
      c11 = x1.fma(w1, c11);
      FloatVector x2 = FloatVector.broadcast(S, x[xq + 2]);
      c20 = x2.fma(w0, c20);
      c21 = x2.fma(w1, c21);
      FloatVector x3 = FloatVector.broadcast(S, x[xq + 3]);
      c30 = x3.fma(w0, c30);
      c31 = x3.fma(w1, c31);
      FloatVector x4 = FloatVector.broadcast(S, x[xq + 4]);
      c40 = x4.fma(w0, c40);
      c41 = x4.fma(w1, c41);
      FloatVector x5 = FloatVector.broadcast(S, x[xq + 5]);
      c50 = x5.fma(w0, c50);
      c51 = x5.fma(w1, c51);
      FloatVector x6 = FloatVector.broadcast(S, x[xq + 6]);
      c60 = x6.fma(w0, c60);
      c61 = x6.fma(w1, c61);
      FloatVector x7 = FloatVector.broadcast(S, x[xq + 7]);
      c70 = x7.fma(w0, c70);
      c71 = x7.fma(w1, c71);
    }
    ((FloatVector) EXACT.cast(c00)).intoArray(out, o0);
    ((FloatVector) EXACT.cast(c01)).intoArray(out, o0 + 1 * L);
    ((FloatVector) EXACT.cast(c10)).intoArray(out, o1);
    ((FloatVector) EXACT.cast(c11)).intoArray(out, o1 + 1 * L);
    ((FloatVector) EXACT.cast(c20)).intoArray(out, o2);
    ((FloatVector) EXACT.cast(c21)).intoArray(out, o2 + 1 * L);
    ((FloatVector) EXACT.cast(c30)).intoArray(out, o3);
    ((FloatVector) EXACT.cast(c31)).intoArray(out, o3 + 1 * L);
    ((FloatVector) EXACT.cast(c40)).intoArray(out, o4);
    ((FloatVector) EXACT.cast(c41)).intoArray(out, o4 + 1 * L);
    ((FloatVector) EXACT.cast(c50)).intoArray(out, o5);
    ((FloatVector) EXACT.cast(c51)).intoArray(out, o5 + 1 * L);
    ((FloatVector) EXACT.cast(c60)).intoArray(out, o6);
    ((FloatVector) EXACT.cast(c61)).intoArray(out, o6 + 1 * L);
    ((FloatVector) EXACT.cast(c70)).intoArray(out, o7);
    ((FloatVector) EXACT.cast(c71)).intoArray(out, o7 + 1 * L);
  }

  /**
   * 6 consecutive weight-gradient rows (input channels), as below: the broadcasts read one run of
   * 6 floats, so C2 merges their bounds checks.
   *
   * 6 weight-gradient rows × 2 vectors, summed over the pixels {@code [0, count)} of one
   * image that a tap keeps: pixel {@code q} reads {@code x[xBase + xPixel[q] + s_p]} and the vectors at
   * {@code dy[dyBase + dyPixel[q]]}.
   */
  private static void weightsRows6x2(int count, int[] xPixel, int[] dyPixel, float[] x, int xBase,
      float[] dy, int dyBase, float[] out, int o0, int rowStride) {
    int o1 = o0 + 1 * rowStride;
    int o2 = o0 + 2 * rowStride;
    int o3 = o0 + 3 * rowStride;
    int o4 = o0 + 4 * rowStride;
    int o5 = o0 + 5 * rowStride;
    FloatVector c00 = FloatVector.fromArray(S, out, o0);
    FloatVector c01 = FloatVector.fromArray(S, out, o0 + 1 * L);
    FloatVector c10 = FloatVector.fromArray(S, out, o1);
    FloatVector c11 = FloatVector.fromArray(S, out, o1 + 1 * L);
    FloatVector c20 = FloatVector.fromArray(S, out, o2);
    FloatVector c21 = FloatVector.fromArray(S, out, o2 + 1 * L);
    FloatVector c30 = FloatVector.fromArray(S, out, o3);
    FloatVector c31 = FloatVector.fromArray(S, out, o3 + 1 * L);
    FloatVector c40 = FloatVector.fromArray(S, out, o4);
    FloatVector c41 = FloatVector.fromArray(S, out, o4 + 1 * L);
    FloatVector c50 = FloatVector.fromArray(S, out, o5);
    FloatVector c51 = FloatVector.fromArray(S, out, o5 + 1 * L);
    for (int q = 0; q < count; q++) {
      int xq = xBase + xPixel[q];
      int dq = dyBase + dyPixel[q];
      FloatVector w0 = FloatVector.fromArray(S, dy, dq);
      FloatVector w1 = FloatVector.fromArray(S, dy, dq + 1 * L);
      FloatVector x0 = FloatVector.broadcast(S, x[xq + 0]);
      c00 = x0.fma(w0, c00);
      c01 = x0.fma(w1, c01);
      FloatVector x1 = FloatVector.broadcast(S, x[xq + 1]);
      c10 = x1.fma(w0, c10);
      c11 = x1.fma(w1, c11);
      FloatVector x2 = FloatVector.broadcast(S, x[xq + 2]);
      c20 = x2.fma(w0, c20);
      c21 = x2.fma(w1, c21);
      FloatVector x3 = FloatVector.broadcast(S, x[xq + 3]);
      c30 = x3.fma(w0, c30);
      c31 = x3.fma(w1, c31);
      FloatVector x4 = FloatVector.broadcast(S, x[xq + 4]);
      c40 = x4.fma(w0, c40);
      c41 = x4.fma(w1, c41);
      FloatVector x5 = FloatVector.broadcast(S, x[xq + 5]);
      c50 = x5.fma(w0, c50);
      c51 = x5.fma(w1, c51);
    }
    ((FloatVector) EXACT.cast(c00)).intoArray(out, o0);
    ((FloatVector) EXACT.cast(c01)).intoArray(out, o0 + 1 * L);
    ((FloatVector) EXACT.cast(c10)).intoArray(out, o1);
    ((FloatVector) EXACT.cast(c11)).intoArray(out, o1 + 1 * L);
    ((FloatVector) EXACT.cast(c20)).intoArray(out, o2);
    ((FloatVector) EXACT.cast(c21)).intoArray(out, o2 + 1 * L);
    ((FloatVector) EXACT.cast(c30)).intoArray(out, o3);
    ((FloatVector) EXACT.cast(c31)).intoArray(out, o3 + 1 * L);
    ((FloatVector) EXACT.cast(c40)).intoArray(out, o4);
    ((FloatVector) EXACT.cast(c41)).intoArray(out, o4 + 1 * L);
    ((FloatVector) EXACT.cast(c50)).intoArray(out, o5);
    ((FloatVector) EXACT.cast(c51)).intoArray(out, o5 + 1 * L);
  }

  /**
   * 8 consecutive weight-gradient rows (input channels), as below: the broadcasts read one run of
   * 8 floats, so C2 merges their bounds checks.
   *
   * 8 weight-gradient rows × 1 vector, summed over the pixels {@code [0, count)} of one
   * image that a tap keeps: pixel {@code q} reads {@code x[xBase + xPixel[q] + s_p]} and the vectors at
   * {@code dy[dyBase + dyPixel[q]]}.
   */
  private static void weightsRows8x1(int count, int[] xPixel, int[] dyPixel, float[] x, int xBase,
      float[] dy, int dyBase, float[] out, int o0, int rowStride) {
    int o1 = o0 + 1 * rowStride;
    int o2 = o0 + 2 * rowStride;
    int o3 = o0 + 3 * rowStride;
    int o4 = o0 + 4 * rowStride;
    int o5 = o0 + 5 * rowStride;
    int o6 = o0 + 6 * rowStride;
    int o7 = o0 + 7 * rowStride;
    FloatVector c00 = FloatVector.fromArray(S, out, o0);
    FloatVector c10 = FloatVector.fromArray(S, out, o1);
    FloatVector c20 = FloatVector.fromArray(S, out, o2);
    FloatVector c30 = FloatVector.fromArray(S, out, o3);
    FloatVector c40 = FloatVector.fromArray(S, out, o4);
    FloatVector c50 = FloatVector.fromArray(S, out, o5);
    FloatVector c60 = FloatVector.fromArray(S, out, o6);
    FloatVector c70 = FloatVector.fromArray(S, out, o7);
    for (int q = 0; q < count; q++) {
      int xq = xBase + xPixel[q];
      int dq = dyBase + dyPixel[q];
      FloatVector w0 = FloatVector.fromArray(S, dy, dq);
      FloatVector x0 = FloatVector.broadcast(S, x[xq + 0]);
      c00 = x0.fma(w0, c00);
      FloatVector x1 = FloatVector.broadcast(S, x[xq + 1]);
      c10 = x1.fma(w0, c10);
      FloatVector x2 = FloatVector.broadcast(S, x[xq + 2]);
      c20 = x2.fma(w0, c20);
      FloatVector x3 = FloatVector.broadcast(S, x[xq + 3]);
      c30 = x3.fma(w0, c30);
      FloatVector x4 = FloatVector.broadcast(S, x[xq + 4]);
      c40 = x4.fma(w0, c40);
      FloatVector x5 = FloatVector.broadcast(S, x[xq + 5]);
      c50 = x5.fma(w0, c50);
      FloatVector x6 = FloatVector.broadcast(S, x[xq + 6]);
      c60 = x6.fma(w0, c60);
      FloatVector x7 = FloatVector.broadcast(S, x[xq + 7]);
      c70 = x7.fma(w0, c70);
    }
    ((FloatVector) EXACT.cast(c00)).intoArray(out, o0);
    ((FloatVector) EXACT.cast(c10)).intoArray(out, o1);
    ((FloatVector) EXACT.cast(c20)).intoArray(out, o2);
    ((FloatVector) EXACT.cast(c30)).intoArray(out, o3);
    ((FloatVector) EXACT.cast(c40)).intoArray(out, o4);
    ((FloatVector) EXACT.cast(c50)).intoArray(out, o5);
    ((FloatVector) EXACT.cast(c60)).intoArray(out, o6);
    ((FloatVector) EXACT.cast(c70)).intoArray(out, o7);
  }

  /**
   * 8 consecutive weight-gradient rows (input channels), as below: the broadcasts read one run of
   * 8 floats, so C2 merges their bounds checks.
   *
   * 8 weight-gradient rows × 2 256-bit vectors, summed over the pixels {@code [0, count)} of one
   * image that a tap keeps: pixel {@code q} reads {@code x[xBase + xPixel[q] + s_p]} and the vectors at
   * {@code dy[dyBase + dyPixel[q]]}.
   */
  private static void weightsRowsHalf8x2(int count, int[] xPixel, int[] dyPixel, float[] x, int xBase,
      float[] dy, int dyBase, float[] out, int o0, int rowStride) {
    int o1 = o0 + 1 * rowStride;
    int o2 = o0 + 2 * rowStride;
    int o3 = o0 + 3 * rowStride;
    int o4 = o0 + 4 * rowStride;
    int o5 = o0 + 5 * rowStride;
    int o6 = o0 + 6 * rowStride;
    int o7 = o0 + 7 * rowStride;
    FloatVector c00 = FloatVector.fromArray(HALF, out, o0);
    FloatVector c01 = FloatVector.fromArray(HALF, out, o0 + 1 * HL);
    FloatVector c10 = FloatVector.fromArray(HALF, out, o1);
    FloatVector c11 = FloatVector.fromArray(HALF, out, o1 + 1 * HL);
    FloatVector c20 = FloatVector.fromArray(HALF, out, o2);
    FloatVector c21 = FloatVector.fromArray(HALF, out, o2 + 1 * HL);
    FloatVector c30 = FloatVector.fromArray(HALF, out, o3);
    FloatVector c31 = FloatVector.fromArray(HALF, out, o3 + 1 * HL);
    FloatVector c40 = FloatVector.fromArray(HALF, out, o4);
    FloatVector c41 = FloatVector.fromArray(HALF, out, o4 + 1 * HL);
    FloatVector c50 = FloatVector.fromArray(HALF, out, o5);
    FloatVector c51 = FloatVector.fromArray(HALF, out, o5 + 1 * HL);
    FloatVector c60 = FloatVector.fromArray(HALF, out, o6);
    FloatVector c61 = FloatVector.fromArray(HALF, out, o6 + 1 * HL);
    FloatVector c70 = FloatVector.fromArray(HALF, out, o7);
    FloatVector c71 = FloatVector.fromArray(HALF, out, o7 + 1 * HL);
    for (int q = 0; q < count; q++) {
      int xq = xBase + xPixel[q];
      int dq = dyBase + dyPixel[q];
      FloatVector w0 = FloatVector.fromArray(HALF, dy, dq);
      FloatVector w1 = FloatVector.fromArray(HALF, dy, dq + 1 * HL);
      FloatVector x0 = FloatVector.broadcast(HALF, x[xq + 0]);
      c00 = x0.fma(w0, c00);
      c01 = x0.fma(w1, c01);
      FloatVector x1 = FloatVector.broadcast(HALF, x[xq + 1]);
      c10 = x1.fma(w0, c10);
      c11 = x1.fma(w1, c11);
      FloatVector x2 = FloatVector.broadcast(HALF, x[xq + 2]);
      c20 = x2.fma(w0, c20);
      c21 = x2.fma(w1, c21);
      FloatVector x3 = FloatVector.broadcast(HALF, x[xq + 3]);
      c30 = x3.fma(w0, c30);
      c31 = x3.fma(w1, c31);
      FloatVector x4 = FloatVector.broadcast(HALF, x[xq + 4]);
      c40 = x4.fma(w0, c40);
      c41 = x4.fma(w1, c41);
      FloatVector x5 = FloatVector.broadcast(HALF, x[xq + 5]);
      c50 = x5.fma(w0, c50);
      c51 = x5.fma(w1, c51);
      FloatVector x6 = FloatVector.broadcast(HALF, x[xq + 6]);
      c60 = x6.fma(w0, c60);
      c61 = x6.fma(w1, c61);
      FloatVector x7 = FloatVector.broadcast(HALF, x[xq + 7]);
      c70 = x7.fma(w0, c70);
      c71 = x7.fma(w1, c71);
    }
    ((FloatVector) EXACT_HALF.cast(c00)).intoArray(out, o0);
    ((FloatVector) EXACT_HALF.cast(c01)).intoArray(out, o0 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c10)).intoArray(out, o1);
    ((FloatVector) EXACT_HALF.cast(c11)).intoArray(out, o1 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c20)).intoArray(out, o2);
    ((FloatVector) EXACT_HALF.cast(c21)).intoArray(out, o2 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c30)).intoArray(out, o3);
    ((FloatVector) EXACT_HALF.cast(c31)).intoArray(out, o3 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c40)).intoArray(out, o4);
    ((FloatVector) EXACT_HALF.cast(c41)).intoArray(out, o4 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c50)).intoArray(out, o5);
    ((FloatVector) EXACT_HALF.cast(c51)).intoArray(out, o5 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c60)).intoArray(out, o6);
    ((FloatVector) EXACT_HALF.cast(c61)).intoArray(out, o6 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c70)).intoArray(out, o7);
    ((FloatVector) EXACT_HALF.cast(c71)).intoArray(out, o7 + 1 * HL);
  }

  /**
   * 4 weight-gradient rows × 4 vectors, summed over the pixels {@code [0, count)} of one
   * image that a tap keeps: pixel {@code q} reads {@code x[xBase + xPixel[q] + s_p]} and the vectors at
   * {@code dy[dyBase + dyPixel[q]]}.
   */
  private static void weightsTile4x4(int count, int[] xPixel, int[] dyPixel, float[] x, int xBase, int s0, int s1, int s2, int s3,
      float[] dy, int dyBase, float[] out, int o0, int o1, int o2, int o3) {
    FloatVector c00 = FloatVector.fromArray(S, out, o0);
    FloatVector c01 = FloatVector.fromArray(S, out, o0 + 1 * L);
    FloatVector c02 = FloatVector.fromArray(S, out, o0 + 2 * L);
    FloatVector c03 = FloatVector.fromArray(S, out, o0 + 3 * L);
    FloatVector c10 = FloatVector.fromArray(S, out, o1);
    FloatVector c11 = FloatVector.fromArray(S, out, o1 + 1 * L);
    FloatVector c12 = FloatVector.fromArray(S, out, o1 + 2 * L);
    FloatVector c13 = FloatVector.fromArray(S, out, o1 + 3 * L);
    FloatVector c20 = FloatVector.fromArray(S, out, o2);
    FloatVector c21 = FloatVector.fromArray(S, out, o2 + 1 * L);
    FloatVector c22 = FloatVector.fromArray(S, out, o2 + 2 * L);
    FloatVector c23 = FloatVector.fromArray(S, out, o2 + 3 * L);
    FloatVector c30 = FloatVector.fromArray(S, out, o3);
    FloatVector c31 = FloatVector.fromArray(S, out, o3 + 1 * L);
    FloatVector c32 = FloatVector.fromArray(S, out, o3 + 2 * L);
    FloatVector c33 = FloatVector.fromArray(S, out, o3 + 3 * L);
    for (int q = 0; q < count; q++) {
      int xq = xBase + xPixel[q];
      int dq = dyBase + dyPixel[q];
      FloatVector w0 = FloatVector.fromArray(S, dy, dq);
      FloatVector w1 = FloatVector.fromArray(S, dy, dq + 1 * L);
      FloatVector w2 = FloatVector.fromArray(S, dy, dq + 2 * L);
      FloatVector w3 = FloatVector.fromArray(S, dy, dq + 3 * L);
      FloatVector x0 = FloatVector.broadcast(S, x[xq + s0]);
      c00 = x0.fma(w0, c00);
      c01 = x0.fma(w1, c01);
      c02 = x0.fma(w2, c02);
      c03 = x0.fma(w3, c03);
      FloatVector x1 = FloatVector.broadcast(S, x[xq + s1]);
      c10 = x1.fma(w0, c10);
      c11 = x1.fma(w1, c11);
      c12 = x1.fma(w2, c12);
      c13 = x1.fma(w3, c13);
      FloatVector x2 = FloatVector.broadcast(S, x[xq + s2]);
      c20 = x2.fma(w0, c20);
      c21 = x2.fma(w1, c21);
      c22 = x2.fma(w2, c22);
      c23 = x2.fma(w3, c23);
      FloatVector x3 = FloatVector.broadcast(S, x[xq + s3]);
      c30 = x3.fma(w0, c30);
      c31 = x3.fma(w1, c31);
      c32 = x3.fma(w2, c32);
      c33 = x3.fma(w3, c33);
    }
    ((FloatVector) EXACT.cast(c00)).intoArray(out, o0);
    ((FloatVector) EXACT.cast(c01)).intoArray(out, o0 + 1 * L);
    ((FloatVector) EXACT.cast(c02)).intoArray(out, o0 + 2 * L);
    ((FloatVector) EXACT.cast(c03)).intoArray(out, o0 + 3 * L);
    ((FloatVector) EXACT.cast(c10)).intoArray(out, o1);
    ((FloatVector) EXACT.cast(c11)).intoArray(out, o1 + 1 * L);
    ((FloatVector) EXACT.cast(c12)).intoArray(out, o1 + 2 * L);
    ((FloatVector) EXACT.cast(c13)).intoArray(out, o1 + 3 * L);
    ((FloatVector) EXACT.cast(c20)).intoArray(out, o2);
    ((FloatVector) EXACT.cast(c21)).intoArray(out, o2 + 1 * L);
    ((FloatVector) EXACT.cast(c22)).intoArray(out, o2 + 2 * L);
    ((FloatVector) EXACT.cast(c23)).intoArray(out, o2 + 3 * L);
    ((FloatVector) EXACT.cast(c30)).intoArray(out, o3);
    ((FloatVector) EXACT.cast(c31)).intoArray(out, o3 + 1 * L);
    ((FloatVector) EXACT.cast(c32)).intoArray(out, o3 + 2 * L);
    ((FloatVector) EXACT.cast(c33)).intoArray(out, o3 + 3 * L);
  }

  /**
   * 8 weight-gradient rows × 2 vectors, summed over the pixels {@code [0, count)} of one
   * image that a tap keeps: pixel {@code q} reads {@code x[xBase + xPixel[q] + s_p]} and the vectors at
   * {@code dy[dyBase + dyPixel[q]]}.
   */
  private static void weightsTile8x2(int count, int[] xPixel, int[] dyPixel, float[] x, int xBase, int s0, int s1, int s2, int s3, int s4, int s5, int s6, int s7,
      float[] dy, int dyBase, float[] out, int o0, int o1, int o2, int o3, int o4, int o5, int o6, int o7) {
    FloatVector c00 = FloatVector.fromArray(S, out, o0);
    FloatVector c01 = FloatVector.fromArray(S, out, o0 + 1 * L);
    FloatVector c10 = FloatVector.fromArray(S, out, o1);
    FloatVector c11 = FloatVector.fromArray(S, out, o1 + 1 * L);
    FloatVector c20 = FloatVector.fromArray(S, out, o2);
    FloatVector c21 = FloatVector.fromArray(S, out, o2 + 1 * L);
    FloatVector c30 = FloatVector.fromArray(S, out, o3);
    FloatVector c31 = FloatVector.fromArray(S, out, o3 + 1 * L);
    FloatVector c40 = FloatVector.fromArray(S, out, o4);
    FloatVector c41 = FloatVector.fromArray(S, out, o4 + 1 * L);
    FloatVector c50 = FloatVector.fromArray(S, out, o5);
    FloatVector c51 = FloatVector.fromArray(S, out, o5 + 1 * L);
    FloatVector c60 = FloatVector.fromArray(S, out, o6);
    FloatVector c61 = FloatVector.fromArray(S, out, o6 + 1 * L);
    FloatVector c70 = FloatVector.fromArray(S, out, o7);
    FloatVector c71 = FloatVector.fromArray(S, out, o7 + 1 * L);
    for (int q = 0; q < count; q++) {
      int xq = xBase + xPixel[q];
      int dq = dyBase + dyPixel[q];
      FloatVector w0 = FloatVector.fromArray(S, dy, dq);
      FloatVector w1 = FloatVector.fromArray(S, dy, dq + 1 * L);
      FloatVector x0 = FloatVector.broadcast(S, x[xq + s0]);
      c00 = x0.fma(w0, c00);
      c01 = x0.fma(w1, c01);
      FloatVector x1 = FloatVector.broadcast(S, x[xq + s1]);
      c10 = x1.fma(w0, c10);
      c11 = x1.fma(w1, c11);
      FloatVector x2 = FloatVector.broadcast(S, x[xq + s2]);
      c20 = x2.fma(w0, c20);
      c21 = x2.fma(w1, c21);
      FloatVector x3 = FloatVector.broadcast(S, x[xq + s3]);
      c30 = x3.fma(w0, c30);
      c31 = x3.fma(w1, c31);
      FloatVector x4 = FloatVector.broadcast(S, x[xq + s4]);
      c40 = x4.fma(w0, c40);
      c41 = x4.fma(w1, c41);
      FloatVector x5 = FloatVector.broadcast(S, x[xq + s5]);
      c50 = x5.fma(w0, c50);
      c51 = x5.fma(w1, c51);
      FloatVector x6 = FloatVector.broadcast(S, x[xq + s6]);
      c60 = x6.fma(w0, c60);
      c61 = x6.fma(w1, c61);
      FloatVector x7 = FloatVector.broadcast(S, x[xq + s7]);
      c70 = x7.fma(w0, c70);
      c71 = x7.fma(w1, c71);
    }
    ((FloatVector) EXACT.cast(c00)).intoArray(out, o0);
    ((FloatVector) EXACT.cast(c01)).intoArray(out, o0 + 1 * L);
    ((FloatVector) EXACT.cast(c10)).intoArray(out, o1);
    ((FloatVector) EXACT.cast(c11)).intoArray(out, o1 + 1 * L);
    ((FloatVector) EXACT.cast(c20)).intoArray(out, o2);
    ((FloatVector) EXACT.cast(c21)).intoArray(out, o2 + 1 * L);
    ((FloatVector) EXACT.cast(c30)).intoArray(out, o3);
    ((FloatVector) EXACT.cast(c31)).intoArray(out, o3 + 1 * L);
    ((FloatVector) EXACT.cast(c40)).intoArray(out, o4);
    ((FloatVector) EXACT.cast(c41)).intoArray(out, o4 + 1 * L);
    ((FloatVector) EXACT.cast(c50)).intoArray(out, o5);
    ((FloatVector) EXACT.cast(c51)).intoArray(out, o5 + 1 * L);
    ((FloatVector) EXACT.cast(c60)).intoArray(out, o6);
    ((FloatVector) EXACT.cast(c61)).intoArray(out, o6 + 1 * L);
    ((FloatVector) EXACT.cast(c70)).intoArray(out, o7);
    ((FloatVector) EXACT.cast(c71)).intoArray(out, o7 + 1 * L);
  }

  /**
   * 6 weight-gradient rows × 2 vectors, summed over the pixels {@code [0, count)} of one
   * image that a tap keeps: pixel {@code q} reads {@code x[xBase + xPixel[q] + s_p]} and the vectors at
   * {@code dy[dyBase + dyPixel[q]]}.
   */
  private static void weightsTile6x2(int count, int[] xPixel, int[] dyPixel, float[] x, int xBase, int s0, int s1, int s2, int s3, int s4, int s5,
      float[] dy, int dyBase, float[] out, int o0, int o1, int o2, int o3, int o4, int o5) {
    FloatVector c00 = FloatVector.fromArray(S, out, o0);
    FloatVector c01 = FloatVector.fromArray(S, out, o0 + 1 * L);
    FloatVector c10 = FloatVector.fromArray(S, out, o1);
    FloatVector c11 = FloatVector.fromArray(S, out, o1 + 1 * L);
    FloatVector c20 = FloatVector.fromArray(S, out, o2);
    FloatVector c21 = FloatVector.fromArray(S, out, o2 + 1 * L);
    FloatVector c30 = FloatVector.fromArray(S, out, o3);
    FloatVector c31 = FloatVector.fromArray(S, out, o3 + 1 * L);
    FloatVector c40 = FloatVector.fromArray(S, out, o4);
    FloatVector c41 = FloatVector.fromArray(S, out, o4 + 1 * L);
    FloatVector c50 = FloatVector.fromArray(S, out, o5);
    FloatVector c51 = FloatVector.fromArray(S, out, o5 + 1 * L);
    for (int q = 0; q < count; q++) {
      int xq = xBase + xPixel[q];
      int dq = dyBase + dyPixel[q];
      FloatVector w0 = FloatVector.fromArray(S, dy, dq);
      FloatVector w1 = FloatVector.fromArray(S, dy, dq + 1 * L);
      FloatVector x0 = FloatVector.broadcast(S, x[xq + s0]);
      c00 = x0.fma(w0, c00);
      c01 = x0.fma(w1, c01);
      FloatVector x1 = FloatVector.broadcast(S, x[xq + s1]);
      c10 = x1.fma(w0, c10);
      c11 = x1.fma(w1, c11);
      FloatVector x2 = FloatVector.broadcast(S, x[xq + s2]);
      c20 = x2.fma(w0, c20);
      c21 = x2.fma(w1, c21);
      FloatVector x3 = FloatVector.broadcast(S, x[xq + s3]);
      c30 = x3.fma(w0, c30);
      c31 = x3.fma(w1, c31);
      FloatVector x4 = FloatVector.broadcast(S, x[xq + s4]);
      c40 = x4.fma(w0, c40);
      c41 = x4.fma(w1, c41);
      FloatVector x5 = FloatVector.broadcast(S, x[xq + s5]);
      c50 = x5.fma(w0, c50);
      c51 = x5.fma(w1, c51);
    }
    ((FloatVector) EXACT.cast(c00)).intoArray(out, o0);
    ((FloatVector) EXACT.cast(c01)).intoArray(out, o0 + 1 * L);
    ((FloatVector) EXACT.cast(c10)).intoArray(out, o1);
    ((FloatVector) EXACT.cast(c11)).intoArray(out, o1 + 1 * L);
    ((FloatVector) EXACT.cast(c20)).intoArray(out, o2);
    ((FloatVector) EXACT.cast(c21)).intoArray(out, o2 + 1 * L);
    ((FloatVector) EXACT.cast(c30)).intoArray(out, o3);
    ((FloatVector) EXACT.cast(c31)).intoArray(out, o3 + 1 * L);
    ((FloatVector) EXACT.cast(c40)).intoArray(out, o4);
    ((FloatVector) EXACT.cast(c41)).intoArray(out, o4 + 1 * L);
    ((FloatVector) EXACT.cast(c50)).intoArray(out, o5);
    ((FloatVector) EXACT.cast(c51)).intoArray(out, o5 + 1 * L);
  }

  /**
   * 8 weight-gradient rows × 1 vector, summed over the pixels {@code [0, count)} of one
   * image that a tap keeps: pixel {@code q} reads {@code x[xBase + xPixel[q] + s_p]} and the vectors at
   * {@code dy[dyBase + dyPixel[q]]}.
   */
  private static void weightsTile8x1(int count, int[] xPixel, int[] dyPixel, float[] x, int xBase, int s0, int s1, int s2, int s3, int s4, int s5, int s6, int s7,
      float[] dy, int dyBase, float[] out, int o0, int o1, int o2, int o3, int o4, int o5, int o6, int o7) {
    FloatVector c00 = FloatVector.fromArray(S, out, o0);
    FloatVector c10 = FloatVector.fromArray(S, out, o1);
    FloatVector c20 = FloatVector.fromArray(S, out, o2);
    FloatVector c30 = FloatVector.fromArray(S, out, o3);
    FloatVector c40 = FloatVector.fromArray(S, out, o4);
    FloatVector c50 = FloatVector.fromArray(S, out, o5);
    FloatVector c60 = FloatVector.fromArray(S, out, o6);
    FloatVector c70 = FloatVector.fromArray(S, out, o7);
    for (int q = 0; q < count; q++) {
      int xq = xBase + xPixel[q];
      int dq = dyBase + dyPixel[q];
      FloatVector w0 = FloatVector.fromArray(S, dy, dq);
      FloatVector x0 = FloatVector.broadcast(S, x[xq + s0]);
      c00 = x0.fma(w0, c00);
      FloatVector x1 = FloatVector.broadcast(S, x[xq + s1]);
      c10 = x1.fma(w0, c10);
      FloatVector x2 = FloatVector.broadcast(S, x[xq + s2]);
      c20 = x2.fma(w0, c20);
      FloatVector x3 = FloatVector.broadcast(S, x[xq + s3]);
      c30 = x3.fma(w0, c30);
      FloatVector x4 = FloatVector.broadcast(S, x[xq + s4]);
      c40 = x4.fma(w0, c40);
      FloatVector x5 = FloatVector.broadcast(S, x[xq + s5]);
      c50 = x5.fma(w0, c50);
      FloatVector x6 = FloatVector.broadcast(S, x[xq + s6]);
      c60 = x6.fma(w0, c60);
      FloatVector x7 = FloatVector.broadcast(S, x[xq + s7]);
      c70 = x7.fma(w0, c70);
    }
    ((FloatVector) EXACT.cast(c00)).intoArray(out, o0);
    ((FloatVector) EXACT.cast(c10)).intoArray(out, o1);
    ((FloatVector) EXACT.cast(c20)).intoArray(out, o2);
    ((FloatVector) EXACT.cast(c30)).intoArray(out, o3);
    ((FloatVector) EXACT.cast(c40)).intoArray(out, o4);
    ((FloatVector) EXACT.cast(c50)).intoArray(out, o5);
    ((FloatVector) EXACT.cast(c60)).intoArray(out, o6);
    ((FloatVector) EXACT.cast(c70)).intoArray(out, o7);
  }

  /**
   * 8 weight-gradient rows × 2 256-bit vectors, summed over the pixels {@code [0, count)} of one
   * image that a tap keeps: pixel {@code q} reads {@code x[xBase + xPixel[q] + s_p]} and the vectors at
   * {@code dy[dyBase + dyPixel[q]]}.
   */
  private static void weightsTileHalf8x2(int count, int[] xPixel, int[] dyPixel, float[] x, int xBase, int s0, int s1, int s2, int s3, int s4, int s5, int s6, int s7,
      float[] dy, int dyBase, float[] out, int o0, int o1, int o2, int o3, int o4, int o5, int o6, int o7) {
    FloatVector c00 = FloatVector.fromArray(HALF, out, o0);
    FloatVector c01 = FloatVector.fromArray(HALF, out, o0 + 1 * HL);
    FloatVector c10 = FloatVector.fromArray(HALF, out, o1);
    FloatVector c11 = FloatVector.fromArray(HALF, out, o1 + 1 * HL);
    FloatVector c20 = FloatVector.fromArray(HALF, out, o2);
    FloatVector c21 = FloatVector.fromArray(HALF, out, o2 + 1 * HL);
    FloatVector c30 = FloatVector.fromArray(HALF, out, o3);
    FloatVector c31 = FloatVector.fromArray(HALF, out, o3 + 1 * HL);
    FloatVector c40 = FloatVector.fromArray(HALF, out, o4);
    FloatVector c41 = FloatVector.fromArray(HALF, out, o4 + 1 * HL);
    FloatVector c50 = FloatVector.fromArray(HALF, out, o5);
    FloatVector c51 = FloatVector.fromArray(HALF, out, o5 + 1 * HL);
    FloatVector c60 = FloatVector.fromArray(HALF, out, o6);
    FloatVector c61 = FloatVector.fromArray(HALF, out, o6 + 1 * HL);
    FloatVector c70 = FloatVector.fromArray(HALF, out, o7);
    FloatVector c71 = FloatVector.fromArray(HALF, out, o7 + 1 * HL);
    for (int q = 0; q < count; q++) {
      int xq = xBase + xPixel[q];
      int dq = dyBase + dyPixel[q];
      FloatVector w0 = FloatVector.fromArray(HALF, dy, dq);
      FloatVector w1 = FloatVector.fromArray(HALF, dy, dq + 1 * HL);
      FloatVector x0 = FloatVector.broadcast(HALF, x[xq + s0]);
      c00 = x0.fma(w0, c00);
      c01 = x0.fma(w1, c01);
      FloatVector x1 = FloatVector.broadcast(HALF, x[xq + s1]);
      c10 = x1.fma(w0, c10);
      c11 = x1.fma(w1, c11);
      FloatVector x2 = FloatVector.broadcast(HALF, x[xq + s2]);
      c20 = x2.fma(w0, c20);
      c21 = x2.fma(w1, c21);
      FloatVector x3 = FloatVector.broadcast(HALF, x[xq + s3]);
      c30 = x3.fma(w0, c30);
      c31 = x3.fma(w1, c31);
      FloatVector x4 = FloatVector.broadcast(HALF, x[xq + s4]);
      c40 = x4.fma(w0, c40);
      c41 = x4.fma(w1, c41);
      FloatVector x5 = FloatVector.broadcast(HALF, x[xq + s5]);
      c50 = x5.fma(w0, c50);
      c51 = x5.fma(w1, c51);
      FloatVector x6 = FloatVector.broadcast(HALF, x[xq + s6]);
      c60 = x6.fma(w0, c60);
      c61 = x6.fma(w1, c61);
      FloatVector x7 = FloatVector.broadcast(HALF, x[xq + s7]);
      c70 = x7.fma(w0, c70);
      c71 = x7.fma(w1, c71);
    }
    ((FloatVector) EXACT_HALF.cast(c00)).intoArray(out, o0);
    ((FloatVector) EXACT_HALF.cast(c01)).intoArray(out, o0 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c10)).intoArray(out, o1);
    ((FloatVector) EXACT_HALF.cast(c11)).intoArray(out, o1 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c20)).intoArray(out, o2);
    ((FloatVector) EXACT_HALF.cast(c21)).intoArray(out, o2 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c30)).intoArray(out, o3);
    ((FloatVector) EXACT_HALF.cast(c31)).intoArray(out, o3 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c40)).intoArray(out, o4);
    ((FloatVector) EXACT_HALF.cast(c41)).intoArray(out, o4 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c50)).intoArray(out, o5);
    ((FloatVector) EXACT_HALF.cast(c51)).intoArray(out, o5 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c60)).intoArray(out, o6);
    ((FloatVector) EXACT_HALF.cast(c61)).intoArray(out, o6 + 1 * HL);
    ((FloatVector) EXACT_HALF.cast(c70)).intoArray(out, o7);
    ((FloatVector) EXACT_HALF.cast(c71)).intoArray(out, o7 + 1 * HL);
  }
}
