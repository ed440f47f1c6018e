package dev.shortcut.runtime.kernel;

import dev.shortcut.annotations.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels of convolutional networks on the Vector API; loaded only when the
 * {@code jdk.incubator.vector} module is present.
 *
 * <p>Convolutions are direct, register-blocked over output pixels × vectors of output channels
 * (NHWC puts the channels of a pixel side by side, HWIO the output channels of a weight row): a
 * tile keeps {@code P × V} accumulators in registers over one flat loop of broadcast-multiply-adds
 * along a tap row, which in NHWC is one contiguous run of the source. {@link GatherPlan} groups the
 * pixels that keep the same taps, so there are no bounds tests in the loop and no padded copy. The
 * input gradient is the same gather on transposed weights; the weight gradient is the same tile
 * over rows of {@code dW} × vectors of output channels, summing over output pixels.
 *
 * <p>Each output element is one chain of fused multiply-adds in a fixed order, whatever tile,
 * share or thread computes it: results are bit-identical for any thread count. Every loop runs
 * whole vectors and finishes with scalar code; accumulators never cross a loop that encloses
 * another, nor a call (JDK 17 boxes them there).
 *
 * <p>On JDK 17, C2 turns a vector operation into machine code only when it knows the exact vector
 * class of the operation's receiver. A loop-carried or conditionally assigned vector is typed
 * {@code FloatVector} when C2 parses it, and C2 then guesses from profiles of the JDK's own
 * methods, which every Vector API user in the process shares: once other code has used another
 * width (the dense kernels' 128-bit stores do), the guess fails and every vector of the loop is
 * boxed (measured: about 20 MB per convolution call). So here a vector is a receiver only when
 * its exact class is certain: the result of an operation or a broadcast, a load through
 * {@link #load}, or a merged vector cast to {@link #EXACT} (written inline in the tiles: they
 * reach C2's inlining node limit, past which a helper would not be inlined). MixedWidthsTest
 * checks this in a process that ran other widths first.
 *
 * <p>The species is {@link FloatVector#SPECIES_PREFERRED}, or the width the system property
 * {@code shortcut.vectorBits} names ({@code 128}, {@code 256}, {@code 512}; no wider than the
 * preferred one): {@code -Dshortcut.vectorBits=256} runs on an AVX-512 machine the code an AVX2
 * machine runs. Tiles fit 16 vector registers below 512 bits and 32 at 512.
 */
final class VectorSpatialProvider implements SpatialFloatProvider {
  static final VectorSpecies<Float> S = species(System.getProperty("shortcut.vectorBits"));
  private static final int L = S.length();
  /** AVX-512 has 32 vector registers; every narrower x86 species is assumed to have 16. */
  private static final boolean WIDE = S.vectorBitSize() >= 512;
  /** Images per block: source and output of a block fit in about 256 KiB of cache. */
  private static final int BLOCK_FLOATS = 1 << 16;
  /** Rows per partial sum of batch statistics: short float sums, added up in a fixed order. */
  private static final int CHUNK = 256;
  private static final float LEAKY = (float) Activation.LEAKY_SLOPE;
  /** The species' vector class: casting a merged vector to it restores the exact type C2 needs. */
  private static final Class<?> EXACT = S.vectorType();
  /**
   * On AVX-512 machines, 256-bit vectors for blocks of 16 to 31 channels: a 512-bit tile there has
   * a single vector and one broadcast per multiply-add, and broadcasts to 512 bits cost a vector
   * pipe (measured: 60 % of the FMA peak); a 256-bit broadcast is a plain load, and two 256-bit
   * vectors do the same work. Unused (equal to {@link #S}) below 512 bits.
   */
  private static final VectorSpecies<Float> HALF = WIDE ? FloatVector.SPECIES_256 : S;
  private static final int HL = HALF.length();
  private static final Class<?> EXACT_HALF = HALF.vectorType();

  static VectorSpecies<Float> species(String bits) {
    VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
    if (bits == null || bits.isEmpty()) {
      return preferred;
    }
    VectorSpecies<Float> chosen;
    switch (bits) {
      case "128":
        chosen = FloatVector.SPECIES_128;
        break;
      case "256":
        chosen = FloatVector.SPECIES_256;
        break;
      case "512":
        chosen = FloatVector.SPECIES_512;
        break;
      default:
        throw new IllegalArgumentException("shortcut.vectorBits must be 128, 256 or 512, got " + bits);
    }
    if (chosen.vectorBitSize() > preferred.vectorBitSize()) {
      throw new IllegalArgumentException("shortcut.vectorBits=" + bits + " is wider than this machine's "
          + preferred.vectorBitSize() + "-bit vectors");
    }
    return chosen;
  }

  /**
   * A vector load, with its exact class restored: C2 does not know it from the load itself, and a
   * load is often the receiver of the next operation. Small enough to be always inlined, where the
   * cast costs nothing.
   */
  private static FloatVector load(float[] a, int i) {
    return (FloatVector) EXACT.cast(FloatVector.fromArray(S, a, i));
  }

  @Override
  public String name() {
    return "vector (" + S.vectorBitSize() + "-bit)";
  }

  @Override
  public int vectorLength() {
    return L;
  }

  private static int share(int total, int part, int parts) {
    return ScalarSpatialProvider.share(total, part, parts);
  }

  // ---- convolution ------------------------------------------------------------------------

  @Override
  public void conv2d(ConvShape c, int batch, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff,
      int part, int parts) {
    gather(c.forward, batch, x, xOff, w, wOff, y, yOff, false, part, parts);
  }

  @Override
  public void prepareBackwardInput(ConvShape c, float[] w, int wOff, float[] scratch, int scratchOff) {
    // [kh][kw][ci][co] → [kh][slot][co][ci]: vectors over input channels, taps in phase order.
    int cin = c.inChannels();
    int cout = c.outChannels();
    for (int kh = 0; kh < c.kernelHeight(); kh++) {
      for (int kw = 0; kw < c.kernelWidth(); kw++) {
        int from = wOff + (kh * c.kernelWidth() + kw) * cin * cout;
        int to = scratchOff + (kh * c.kernelWidth() + c.transposedSlot[kw]) * cin * cout;
        for (int ci = 0; ci < cin; ci++) {
          for (int co = 0; co < cout; co++) {
            scratch[to + co * cin + ci] = w[from + ci * cout + co];
          }
        }
      }
    }
  }

  @Override
  public void conv2dBackwardInput(ConvShape c, int batch, float[] dy, int dyOff, float[] w, int wOff,
      float[] scratch, int scratchOff, float[] dx, int dxOff, boolean accumulate, int part, int parts) {
    gather(c.backwardInput, batch, dy, dyOff, scratch, scratchOff, dx, dxOff, accumulate, part, parts);
  }

  /** Runs this share of every pixel class, a block of images at a time so they stay in cache. */
  private static void gather(GatherPlan plan, int batch, float[] src, int srcOff, float[] w, int wOff,
      float[] out, int outOff, boolean accumulate, int part, int parts) {
    int srcImage = plan.srcHeight * plan.srcWidth * plan.srcChannels;
    int outImage = plan.outHeight * plan.outWidth * plan.outChannels;
    int block = Math.max(1, BLOCK_FLOATS / (srcImage + outImage));
    for (int n0 = 0; n0 < batch; n0 += block) {
      int images = Math.min(block, batch - n0);
      int s = srcOff + n0 * srcImage;
      int o = outOff + n0 * outImage;
      for (GatherPlan.Group g : plan.groups) {
        int total = images * g.members;
        int lo = share(total, part, parts);
        int hi = share(total, part + 1, parts);
        if (lo < hi) {
          gatherGroup(plan, g, lo, hi, src, s, w, wOff, out, o, accumulate);
        }
      }
    }
  }

  private static void gatherGroup(GatherPlan plan, GatherPlan.Group g, int lo, int hi, float[] src, int srcOff,
      float[] w, int wOff, float[] out, int outOff, boolean accumulate) {
    int cd = plan.outChannels;
    if (g.empty()) {
      if (!accumulate) {
        int outImage = plan.outHeight * plan.outWidth * cd;
        for (int i = lo; i < hi; i++) {
          int o = outOff + i / g.members * outImage + g.outPixel[i % g.members] * cd;
          java.util.Arrays.fill(out, o, o + cd, 0f);
        }
      }
      return;
    }
    int d0 = 0;
    while (cd - d0 >= L) {
      int vectors = vectorsPerTile((cd - d0) / L);
      if (vectors == 4) {
        gather4x4(plan, g, lo, hi, src, srcOff, w, wOff, out, outOff, d0, accumulate);
      } else if (vectors == 2 && WIDE) {
        gather8x2(plan, g, lo, hi, src, srcOff, w, wOff, out, outOff, d0, accumulate);
      } else if (vectors == 2) {
        gather6x2(plan, g, lo, hi, src, srcOff, w, wOff, out, outOff, d0, accumulate);
      } else if (WIDE) {
        gatherHalf12x2(plan, g, lo, hi, src, srcOff, w, wOff, out, outOff, d0, accumulate);
      } else {
        gather12x1(plan, g, lo, hi, src, srcOff, w, wOff, out, outOff, d0, accumulate);
      }
      d0 += vectors * L;
    }
    if (d0 < cd) {
      gatherTail(plan, g, lo, hi, src, srcOff, w, wOff, out, outOff, d0, accumulate);
    }
  }

  /** Output channels {@code [d0, outChannels)}, fewer than a vector: the same chains, in scalar. */
  private static void gatherTail(GatherPlan plan, GatherPlan.Group g, int lo, int hi, float[] src, int srcOff,
      float[] w, int wOff, float[] out, int outOff, int d0, boolean accumulate) {
    int cs = plan.srcChannels;
    int cd = plan.outChannels;
    int srcImage = plan.srcHeight * plan.srcWidth * cs;
    int outImage = plan.outHeight * plan.outWidth * cd;
    int count = g.rowTaps * cs;
    for (int i = lo; i < hi; i++) {
      int n = i / g.members;
      int m = i - n * g.members;
      int s = srcOff + n * srcImage + g.srcPixel[m] * cs;
      int o = outOff + n * outImage + g.outPixel[m] * cd;
      for (int d = d0; d < cd; d++) {
        float sum = accumulate ? out[o + d] : 0f;
        for (int t = 0; t < g.tapBlock.length; t++) {
          int st = s + g.tapShift[t] * cs;
          int wt = wOff + g.tapBlock[t] * cs * cd + d;
          for (int q = 0; q < count; q++) {
            sum = Math.fma(src[st + q], w[wt + q * cd], sum);
          }
        }
        out[o + d] = sum;
      }
    }
  }

  @Override
  public void conv2dBackwardWeights(ConvShape c, int batch, float[] x, int xOff, float[] dy, int dyOff,
      float[] dw, int dwOff, int part, int parts) {
    // Tasks are (tap, block of dW rows × output-channel vectors); a share is a range of tasks, each
    // summing over all images in order, a block of images at a time for the cache.
    int cin = c.inChannels();
    int cout = c.outChannels();
    int perTap = weightTasksPerTap(cin, cout);
    int taps = c.kernelHeight() * c.kernelWidth();
    int lo = share(taps * perTap, part, parts);
    int hi = share(taps * perTap, part + 1, parts);
    int block = Math.max(1, BLOCK_FLOATS / (c.inputSize() + c.outputSize()));
    for (int n0 = 0; n0 < batch; n0 += block) {
      int n1 = Math.min(batch, n0 + block);
      for (int task = lo; task < hi; task++) {
        int tap = task / perTap;
        if (c.tapInputOffsets[tap].length > 0) {
          weightTask(c, tap, task % perTap, n0, n1, x, xOff, dy, dyOff, dw, dwOff);
        }
      }
    }
  }

  private static int weightTasksPerTap(int cin, int cout) {
    int tasks = 0;
    int co0 = 0;
    while (cout - co0 >= L) {
      int vectors = vectorsPerTile((cout - co0) / L);
      tasks += (cin + rowsPerTile(vectors) - 1) / rowsPerTile(vectors);
      co0 += vectors * L;
    }
    return co0 < cout ? tasks + 1 : tasks;
  }

  /**
   * Output-channel vectors per tile, out of {@code vectors} left: on AVX-512, tiles of 4 pixels ×
   * 4 vectors, 8 × 2, and 12 × 2 half vectors (8 × 2 for the weight gradient); below 512 bits (16
   * registers) 6 × 2 and 12 × 1 (8 × 1). Tiles keep to 16 accumulators, except the half one
   * that needs 24 to outrun its broadcasts: a 6 × 4 tile measured no faster than 4 × 4, and
   * large tiles bring C2 near its node limits (past them it gives up, and the vectors box).
   */
  private static int vectorsPerTile(int vectors) {
    return WIDE && vectors >= 4 ? 4 : vectors >= 2 ? 2 : 1;
  }

  /** Weight-gradient rows per tile of {@code vectors} vectors. */
  private static int rowsPerTile(int vectors) {
    return vectors == 4 ? 4 : vectors == 2 ? (WIDE ? 8 : 6) : 8;
  }

  private static void weightTask(ConvShape c, int tap, int task, int n0, int n1, float[] x, int xOff,
      float[] dy, int dyOff, float[] dw, int dwOff) {
    int cin = c.inChannels();
    int cout = c.outChannels();
    int co0 = 0;
    while (cout - co0 >= L) {
      int vectors = vectorsPerTile((cout - co0) / L);
      int rows = rowsPerTile(vectors);
      int tiles = (cin + rows - 1) / rows;
      if (task < tiles) {
        int ci0 = task * rows;
        if (vectors == 4) {
          weights4x4(c, tap, ci0, co0, n0, n1, x, xOff, dy, dyOff, dw, dwOff);
        } else if (vectors == 2 && WIDE) {
          weights8x2(c, tap, ci0, co0, n0, n1, x, xOff, dy, dyOff, dw, dwOff);
        } else if (vectors == 2) {
          weights6x2(c, tap, ci0, co0, n0, n1, x, xOff, dy, dyOff, dw, dwOff);
        } else if (WIDE) {
          weightsHalf8x2(c, tap, ci0, co0, n0, n1, x, xOff, dy, dyOff, dw, dwOff);
        } else {
          weights8x1(c, tap, ci0, co0, n0, n1, x, xOff, dy, dyOff, dw, dwOff);
        }
        return;
      }
      task -= tiles;
      co0 += vectors * L;
    }
    weightsTail(c, tap, co0, n0, n1, x, xOff, dy, dyOff, dw, dwOff);
  }

  /** Output channels {@code [co0, outChannels)}, fewer than a vector, of every row of one tap. */
  private static void weightsTail(ConvShape c, int tap, int co0, int n0, int n1, float[] x, int xOff, float[] dy,
      int dyOff, float[] dw, int dwOff) {
    int cin = c.inChannels();
    int cout = c.outChannels();
    int[] xPixel = c.tapInputOffsets[tap];
    int[] dyPixel = c.tapOutputOffsets[tap];
    for (int ci = 0; ci < cin; ci++) {
      int row = dwOff + (tap * cin + ci) * cout;
      for (int co = co0; co < cout; co++) {
        float sum = dw[row + co];
        for (int n = n0; n < n1; n++) {
          int xb = xOff + n * c.inputSize() + ci;
          int dyb = dyOff + n * c.outputSize() + co;
          for (int q = 0; q < xPixel.length; q++) {
            sum = Math.fma(x[xb + xPixel[q]], dy[dyb + dyPixel[q]], sum);
          }
        }
        dw[row + co] = sum;
      }
    }
  }

  // ---- batch normalization ----------------------------------------------------------------

  @Override
  public void batchNormMoments(int rows, int channels, float[] x, int xOff, float[] saved, int savedOff,
      int part, int parts) {
    int vectors = channels / L;
    for (int v = share(vectors, part, parts); v < share(vectors, part + 1, parts); v++) {
      int c = v * L;
      int mean = savedOff + c;
      int variance = savedOff + channels + c;
      for (int r0 = 0; r0 < rows; r0 += CHUNK) {
        sumChunk(x, xOff + c, channels, r0, Math.min(rows, r0 + CHUNK), saved, mean);
      }
      divide(saved, mean, rows);
      for (int r0 = 0; r0 < rows; r0 += CHUNK) {
        squaresChunk(x, xOff + c, channels, r0, Math.min(rows, r0 + CHUNK), saved, mean, variance);
      }
      divide(saved, variance, rows);
    }
    if (part == parts - 1) {
      ScalarSpatialProvider.moments(rows, channels, vectors * L, channels, x, xOff, saved, savedOff);
    }
  }

  /** One vector of {@code saved} divided by {@code rows}, in scalar: no vector in a method the JIT compiles late. */
  private static void divide(float[] saved, int at, int rows) {
    for (int i = at; i < at + L; i++) {
      saved[i] /= rows;
    }
  }

  /** {@code saved[at] (+)= Σ x} over rows {@code [r0, r1)} of one channel vector; the first chunk stores. */
  private static void sumChunk(float[] x, int base, int stride, int r0, int r1, float[] saved, int at) {
    FloatVector sum = FloatVector.zero(S);
    for (int r = r0; r < r1; r++) {
      sum = load(x, base + r * stride).add(sum);
    }
    if (r0 == 0) {
      ((FloatVector) EXACT.cast(sum)).intoArray(saved, at);
    } else {
      load(saved, at).add(sum).intoArray(saved, at);
    }
  }

  /** {@code saved[at] (+)= Σ (x − mean)²} over rows {@code [r0, r1)} of one channel vector. */
  private static void squaresChunk(float[] x, int base, int stride, int r0, int r1, float[] saved, int meanAt,
      int at) {
    FloatVector mean = load(saved, meanAt);
    FloatVector sum = FloatVector.zero(S);
    for (int r = r0; r < r1; r++) {
      FloatVector d = load(x, base + r * stride).sub(mean);
      sum = d.fma(d, sum);
    }
    if (r0 == 0) {
      ((FloatVector) EXACT.cast(sum)).intoArray(saved, at);
    } else {
      load(saved, at).add(sum).intoArray(saved, at);
    }
  }

  @Override
  public void batchNormForward(int rows, int channels, float[] x, int xOff, float[] saved, int savedOff,
      float[] params, int gammaOff, int betaOff, float[] shortcut, int shortcutOff, ZeroPadShortcut pad,
      float[] out, int outOff, Activation g, int part, int parts) {
    int r0 = share(rows, part, parts);
    int r1 = share(rows, part + 1, parts);
    if (pad == null) {
      int end = channels / L * L;
      for (int c = 0; c < end; c += L) {
        normalizeColumn(c, r0, r1, channels, x, xOff, saved, savedOff, params, gammaOff, betaOff, shortcut,
            shortcutOff + r0 * channels + c, channels, out, outOff, g);
      }
      if (end < channels) {
        ScalarSpatialProvider.normalize(r0, r1, channels, end, channels, x, xOff, saved, savedOff, params,
            gammaOff, betaOff, shortcut, shortcutOff, null, out, outOff, g);
      }
      return;
    }
    // Option A, one output row at a time (along it the subsampled input has a fixed stride):
    // channels below inChannels add the input, the others add nothing.
    int cin = pad.inChannels();
    int withShortcut = cin / L * L;
    int withoutShortcut = cin + (channels - cin) / L * L;
    int pixels = pad.outHeight() * pad.outWidth();
    for (int r = r0; r < r1; ) {
      int n = r / pixels;
      int h = r % pixels / pad.outWidth();
      int w = r % pad.outWidth();
      int end = Math.min(r1, r - w + pad.outWidth());
      int in = shortcutOff + ((n * pad.inHeight() + h * pad.stride()) * pad.inWidth() + w * pad.stride()) * cin;
      for (int c = 0; c < withShortcut; c += L) {
        normalizeColumn(c, r, end, channels, x, xOff, saved, savedOff, params, gammaOff, betaOff, shortcut, in + c,
            pad.stride() * cin, out, outOff, g);
      }
      for (int c = cin; c < withoutShortcut; c += L) {
        normalizeColumn(c, r, end, channels, x, xOff, saved, savedOff, params, gammaOff, betaOff, null, 0, 0, out,
            outOff, g);
      }
      r = end;
    }
    ScalarSpatialProvider.normalize(r0, r1, channels, withShortcut, cin, x, xOff, saved, savedOff, params,
        gammaOff, betaOff, shortcut, shortcutOff, pad, out, outOff, g);
    ScalarSpatialProvider.normalize(r0, r1, channels, withoutShortcut, channels, x, xOff, saved, savedOff,
        params, gammaOff, betaOff, shortcut, shortcutOff, pad, out, outOff, g);
  }

  /**
   * One vector of channels at {@code c} over rows {@code [r0, r1)}, its statistics and parameters
   * loaded once: {@code out = g((x − mean)·γ·istd + β [+ s])}, the shortcut (if {@code s} is not
   * null) read at {@code sIndex}, then every {@code sStride} floats.
   */
  private static void normalizeColumn(int c, int r0, int r1, int channels, float[] x, int xOff, float[] saved,
      int savedOff, float[] params, int gammaOff, int betaOff, float[] s, int sIndex, int sStride, float[] out,
      int outOff, Activation g) {
    FloatVector mean = load(saved, savedOff + c);
    FloatVector scale = load(params, gammaOff + c).mul(load(saved, savedOff + channels + c));
    FloatVector beta = load(params, betaOff + c);
    for (int r = r0, si = sIndex; r < r1; r++, si += sStride) {
      int i = r * channels + c;
      FloatVector v = load(x, xOff + i).sub(mean).fma(scale, beta);
      if (s != null) {
        v = load(s, si).add(v);
      }
      v = ((FloatVector) EXACT.cast(v));
      if (g == Activation.RELU) {
        v = v.max(0f);
      } else if (g == Activation.LEAKY_RELU) {
        v = v.max(v.mul(LEAKY));
      } else if (g == Activation.TANH) {
        v = v.lanewise(VectorOperators.TANH);
      } else if (g == Activation.SIGMOID) {
        v = FloatVector.broadcast(S, 1f).div(v.neg().lanewise(VectorOperators.EXP).add(1f));
      }
      ((FloatVector) EXACT.cast(v)).intoArray(out, outOff + i);
    }
  }

  @Override
  public void batchNormBackwardSums(int rows, int channels, float[] x, int xOff, float[] saved, int savedOff,
      float[] out, int outOff, float[] grad, int gradOff, Activation g, int part, int parts) {
    int vectors = channels / L;
    for (int v = share(vectors, part, parts); v < share(vectors, part + 1, parts); v++) {
      int c = v * L;
      for (int r0 = 0; r0 < rows; r0 += CHUNK) {
        gradientChunk(x, xOff + c, out, outOff + c, grad, gradOff + c, channels, r0, Math.min(rows, r0 + CHUNK),
            saved, savedOff + c, savedOff + 2 * channels + c, savedOff + 3 * channels + c, g);
      }
    }
    if (part == parts - 1) {
      ScalarSpatialProvider.backwardSums(rows, channels, vectors * L, channels, x, xOff, saved, savedOff, out,
          outOff, grad, gradOff, g);
    }
  }

  /** Over rows {@code [r0, r1)} of one channel vector: {@code dz} in place, and its two sums (stored by the first chunk, then added). */
  private static void gradientChunk(float[] x, int xb, float[] out, int ob, float[] grad, int gb, int stride,
      int r0, int r1, float[] saved, int meanAt, int sumAt, int centeredAt, Activation g) {
    FloatVector mean = load(saved, meanAt);
    FloatVector sum = FloatVector.zero(S);
    FloatVector centered = FloatVector.zero(S);
    for (int r = r0; r < r1; r++) {
      int i = r * stride;
      FloatVector d = load(grad, gb + i);
      FloatVector a = load(out, ob + i);
      if (g == Activation.RELU) {
        d = d.blend(0f, a.compare(VectorOperators.LE, 0f));
      } else if (g == Activation.LEAKY_RELU) {
        d = d.blend(d.mul(LEAKY), a.compare(VectorOperators.LE, 0f));
      } else if (g == Activation.TANH) {
        d = a.mul(a).neg().add(1f).mul(d);
      } else if (g == Activation.SIGMOID) {
        d = a.neg().add(1f).mul(a).mul(d);
      }
      FloatVector dz = ((FloatVector) EXACT.cast(d));
      dz.intoArray(grad, gb + i);
      sum = dz.add(sum);
      centered = load(x, xb + i).sub(mean).fma(dz, centered);
    }
    if (r0 == 0) {
      ((FloatVector) EXACT.cast(sum)).intoArray(saved, sumAt);
      ((FloatVector) EXACT.cast(centered)).intoArray(saved, centeredAt);
    } else {
      load(saved, sumAt).add(sum).intoArray(saved, sumAt);
      load(saved, centeredAt).add(centered).intoArray(saved, centeredAt);
    }
  }

  @Override
  public void batchNormBackwardInput(int rows, int channels, float[] x, int xOff, float[] saved, int savedOff,
      float[] params, int gammaOff, float[] dz, int dzOff, float[] dx, int dxOff, boolean accumulate, int part,
      int parts) {
    int r0 = share(rows, part, parts);
    int r1 = share(rows, part + 1, parts);
    int end = channels / L * L;
    for (int c = 0; c < end; c += L) {
      backwardInputColumn(c, r0, r1, channels, x, xOff, saved, savedOff, params, gammaOff, dz, dzOff, dx, dxOff,
          accumulate);
    }
    if (end < channels) {
      ScalarSpatialProvider.backwardInput(r0, r1, channels, end, channels, x, xOff, saved, savedOff, params,
          gammaOff, dz, dzOff, dx, dxOff, accumulate);
    }
  }

  /** One vector of channels at {@code c} over rows {@code [r0, r1)} of the batch-normalization input gradient. */
  private static void backwardInputColumn(int c, int r0, int r1, int channels, float[] x, int xOff, float[] saved,
      int savedOff, float[] params, int gammaOff, float[] dz, int dzOff, float[] dx, int dxOff, boolean accumulate) {
    FloatVector k = load(params, gammaOff + c).mul(load(saved, savedOff + channels + c));
    FloatVector mean = load(saved, savedOff + c);
    FloatVector a = load(saved, savedOff + 2 * channels + c);
    FloatVector b = load(saved, savedOff + 3 * channels + c);
    for (int r = r0; r < r1; r++) {
      int i = r * channels + c;
      FloatVector centered = load(x, xOff + i).sub(mean);
      FloatVector d = load(dz, dzOff + i).sub(a).sub(centered.mul(b)).mul(k);
      if (accumulate) {
        load(dx, dxOff + i).add(d).intoArray(dx, dxOff + i);
      } else {
        d.intoArray(dx, dxOff + i);
      }
    }
  }

  @Override
  public void zeroPadShortcutBackward(ZeroPadShortcut pad, int batch, float[] dz, int dzOff, float[] dIn,
      int dInOff, boolean accumulate, int part, int parts) {
    int s = pad.stride();
    int cin = pad.inChannels();
    for (int n = share(batch, part, parts); n < share(batch, part + 1, parts); n++) {
      for (int ih = 0; ih < pad.inHeight(); ih++) {
        for (int iw = 0; iw < pad.inWidth(); iw++) {
          int di = dInOff + ((n * pad.inHeight() + ih) * pad.inWidth() + iw) * cin;
          if (ih % s != 0 || iw % s != 0) {
            if (!accumulate) {
              java.util.Arrays.fill(dIn, di, di + cin, 0f);
            }
            continue;
          }
          int zi = dzOff + ((n * pad.outHeight() + ih / s) * pad.outWidth() + iw / s) * pad.outChannels();
          if (!accumulate) {
            System.arraycopy(dz, zi, dIn, di, cin);
            continue;
          }
          addInto(dIn, di, dz, zi, cin);
        }
      }
    }
  }

  // ---- pooling ----------------------------------------------------------------------------

  @Override
  public void maxPool(PoolShape p, int batch, float[] x, int xOff, float[] y, int yOff, int part, int parts) {
    pool(p, true, batch, x, xOff, y, yOff, part, parts);
  }

  @Override
  public void averagePool(PoolShape p, int batch, float[] x, int xOff, float[] y, int yOff, int part,
      int parts) {
    pool(p, false, batch, x, xOff, y, yOff, part, parts);
  }

  /** Max or sum over each window, tap by tap into the output row; an average then divides. */
  private static void pool(PoolShape p, boolean max, int batch, float[] x, int xOff, float[] y, int yOff,
      int part, int parts) {
    int ch = p.channels();
    float area = p.kernelHeight() * p.kernelWidth();
    for (int n = share(batch, part, parts); n < share(batch, part + 1, parts); n++) {
      for (int oh = 0; oh < p.outHeight(); oh++) {
        for (int ow = 0; ow < p.outWidth(); ow++) {
          int yi = yOff + ((n * p.outHeight() + oh) * p.outWidth() + ow) * ch;
          java.util.Arrays.fill(y, yi, yi + ch, max ? Float.NEGATIVE_INFINITY : 0f);
          for (int kh = 0; kh < p.kernelHeight(); kh++) {
            int ih = oh * p.stride() - p.padTop() + kh;
            for (int kw = 0; kw < p.kernelWidth(); kw++) {
              int iw = ow * p.stride() - p.padLeft() + kw;
              if (ih < 0 || ih >= p.inHeight() || iw < 0 || iw >= p.inWidth()) {
                continue;
              }
              int xi = xOff + ((n * p.inHeight() + ih) * p.inWidth() + iw) * ch;
              if (max) {
                maxInto(y, yi, x, xi, ch);
              } else {
                addInto(y, yi, x, xi, ch);
              }
            }
          }
          if (!max) {
            divideInto(y, yi, y, yi, ch, area, false);
          }
        }
      }
    }
  }

  @Override
  public void maxPoolBackward(PoolShape p, int batch, float[] x, int xOff, float[] y, int yOff, float[] dy,
      int dyOff, float[] dx, int dxOff, boolean accumulate, int part, int parts) {
    // Each channel of each window routes to its own position: a scalar search, as in the reference.
    ScalarSpatialProvider.maxPoolBackward(p, share(batch, part, parts), share(batch, part + 1, parts), x, xOff, y,
        yOff, dy, dyOff, dx, dxOff, accumulate);
  }

  @Override
  public void averagePoolBackward(PoolShape p, int batch, float[] dy, int dyOff, float[] dx, int dxOff,
      boolean accumulate, int part, int parts) {
    int ch = p.channels();
    float area = p.kernelHeight() * p.kernelWidth();
    int n0 = share(batch, part, parts);
    int n1 = share(batch, part + 1, parts);
    if (!accumulate) {
      java.util.Arrays.fill(dx, dxOff + n0 * p.inputSize(), dxOff + n1 * p.inputSize(), 0f);
    }
    for (int n = n0; n < n1; n++) {
      for (int oh = 0; oh < p.outHeight(); oh++) {
        for (int ow = 0; ow < p.outWidth(); ow++) {
          int yi = dyOff + ((n * p.outHeight() + oh) * p.outWidth() + ow) * ch;
          for (int kh = 0; kh < p.kernelHeight(); kh++) {
            int ih = oh * p.stride() - p.padTop() + kh;
            for (int kw = 0; kw < p.kernelWidth(); kw++) {
              int iw = ow * p.stride() - p.padLeft() + kw;
              if (ih < 0 || ih >= p.inHeight() || iw < 0 || iw >= p.inWidth()) {
                continue;
              }
              divideInto(dx, dxOff + ((n * p.inHeight() + ih) * p.inWidth() + iw) * ch, dy, yi, ch, area, true);
            }
          }
        }
      }
    }
  }

  @Override
  public void globalAveragePool(int batch, int pixels, int channels, float[] x, int xOff, float[] y, int yOff) {
    int end = channels / L * L;
    for (int n = 0; n < batch; n++) {
      int xi = xOff + n * pixels * channels;
      for (int c = 0; c < end; c += L) {
        averageVector(x, xi + c, channels, pixels, y, yOff + n * channels + c);
      }
      for (int c = end; c < channels; c++) {
        float sum = 0f;
        for (int p = 0; p < pixels; p++) {
          sum += x[xi + p * channels + c];
        }
        y[yOff + n * channels + c] = sum / pixels;
      }
    }
  }

  private static void averageVector(float[] x, int base, int stride, int pixels, float[] y, int at) {
    FloatVector sum = FloatVector.zero(S);
    for (int p = 0; p < pixels; p++) {
      sum = load(x, base + p * stride).add(sum);
    }
    ((FloatVector) EXACT.cast(sum)).div(pixels).intoArray(y, at);
  }

  @Override
  public void globalAveragePoolBackward(int batch, int pixels, int channels, float[] dy, int dyOff, float[] dx,
      int dxOff, boolean accumulate) {
    for (int n = 0; n < batch; n++) {
      for (int p = 0; p < pixels; p++) {
        divideInto(dx, dxOff + (n * pixels + p) * channels, dy, dyOff + n * channels, channels, pixels, accumulate);
      }
    }
  }

  // ---- element-wise -----------------------------------------------------------------------

  // The leaves below hold the vector code of the pooling and shortcut passes: each is one flat
  // loop, so the JIT compiles it early, and no vector lives in the rarely-invoked methods around
  // it (their early, interpreted or C1-compiled invocations would box every vector).

  /** {@code dst[di ..+n] += src[si ..+n]}. */
  private static void addInto(float[] dst, int di, float[] src, int si, int n) {
    int end = n / L * L;
    for (int c = 0; c < end; c += L) {
      load(dst, di + c).add(load(src, si + c)).intoArray(dst, di + c);
    }
    for (int c = end; c < n; c++) {
      dst[di + c] += src[si + c];
    }
  }

  /** {@code dst[di ..+n] = max(dst, src)}, NaN winning as in {@link Math#max}. */
  private static void maxInto(float[] dst, int di, float[] src, int si, int n) {
    int end = n / L * L;
    for (int c = 0; c < end; c += L) {
      load(dst, di + c).max(load(src, si + c)).intoArray(dst, di + c);
    }
    for (int c = end; c < n; c++) {
      dst[di + c] = Math.max(dst[di + c], src[si + c]);
    }
  }

  /** {@code dst[di ..+n] (+)= src[si ..+n] / divisor}. */
  private static void divideInto(float[] dst, int di, float[] src, int si, int n, float divisor, boolean accumulate) {
    int end = n / L * L;
    for (int c = 0; c < end; c += L) {
      FloatVector d = load(src, si + c).div(divisor);
      if (accumulate) {
        load(dst, di + c).add(d).intoArray(dst, di + c);
      } else {
        d.intoArray(dst, di + c);
      }
    }
    for (int c = end; c < n; c++) {
      float d = src[si + c] / divisor;
      dst[di + c] = accumulate ? dst[di + c] + d : d;
    }
  }

  @Override
  public void activation(int count, float[] z, int zOff, float[] s, int sOff, Activation g) {
    int end = count / L * L;
    for (int i = 0; i < end; i += L) {
      FloatVector v = load(z, zOff + i);
      if (s != null) {
        v = load(s, sOff + i).add(v);
      }
      v = ((FloatVector) EXACT.cast(v));
      if (g == Activation.RELU) {
        v = v.max(0f);
      } else if (g == Activation.LEAKY_RELU) {
        v = v.max(v.mul(LEAKY));
      } else if (g == Activation.TANH) {
        v = v.lanewise(VectorOperators.TANH);
      } else if (g == Activation.SIGMOID) {
        v = FloatVector.broadcast(S, 1f).div(v.neg().lanewise(VectorOperators.EXP).add(1f));
      }
      ((FloatVector) EXACT.cast(v)).intoArray(z, zOff + i);
    }
    ScalarSpatialProvider.activation(end, count, z, zOff, s, sOff, g);
  }

  @Override
  public void activationBackward(int count, float[] a, int aOff, float[] grad, int gradOff, Activation g) {
    int end = count / L * L;
    for (int i = 0; i < end; i += L) {
      FloatVector d = load(grad, gradOff + i);
      FloatVector out = load(a, aOff + i);
      if (g == Activation.RELU) {
        d = d.blend(0f, out.compare(VectorOperators.LE, 0f));
      } else if (g == Activation.LEAKY_RELU) {
        d = d.blend(d.mul(LEAKY), out.compare(VectorOperators.LE, 0f));
      } else if (g == Activation.TANH) {
        d = out.mul(out).neg().add(1f).mul(d);
      } else if (g == Activation.SIGMOID) {
        d = out.neg().add(1f).mul(out).mul(d);
      }
      ((FloatVector) EXACT.cast(d)).intoArray(grad, gradOff + i);
    }
    ScalarSpatialProvider.activationBackward(end, count, a, aOff, grad, gradOff, g);
  }

  // ---- register-blocked tiles (written out: C2 keeps only named locals in registers) --------

  /** Pixels {@code [lo, hi)} of a class, output channels {@code [d0, d0 + 4·L)}, in tiles of 4 pixels. */
  private static void gather4x4(GatherPlan plan, GatherPlan.Group g, int lo, int hi, float[] src, int srcOff,
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
  private static void gather8x2(GatherPlan plan, GatherPlan.Group g, int lo, int hi, float[] src, int srcOff,
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
  private static void gather6x2(GatherPlan plan, GatherPlan.Group g, int lo, int hi, float[] src, int srcOff,
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
  private static void gather12x1(GatherPlan plan, GatherPlan.Group g, int lo, int hi, float[] src, int srcOff,
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
  private static void gatherHalf12x2(GatherPlan plan, GatherPlan.Group g, int lo, int hi, float[] src, int srcOff,
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
  private static void weights4x4(ConvShape c, int tap, int ci0, int co0, int n0, int n1, float[] x, int xOff,
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
  private static void weights8x2(ConvShape c, int tap, int ci0, int co0, int n0, int n1, float[] x, int xOff,
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
  private static void weights6x2(ConvShape c, int tap, int ci0, int co0, int n0, int n1, float[] x, int xOff,
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
  private static void weights8x1(ConvShape c, int tap, int ci0, int co0, int n0, int n1, float[] x, int xOff,
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
  private static void weightsHalf8x2(ConvShape c, int tap, int ci0, int co0, int n0, int n1, float[] x, int xOff,
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
