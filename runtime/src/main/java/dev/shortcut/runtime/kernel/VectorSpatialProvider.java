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
  static final int L = S.length();
  /** AVX-512 has 32 vector registers; every narrower x86 species is assumed to have 16. */
  static final boolean WIDE = S.vectorBitSize() >= 512;
  /** Images per block: source and output of a block fit in about 256 KiB of cache. */
  private static final int BLOCK_FLOATS = 1 << 16;
  /** Rows per partial sum of batch statistics: short float sums, added up in a fixed order. */
  private static final int CHUNK = 256;
  private static final float LEAKY = (float) Activation.LEAKY_SLOPE;
  /** The species' vector class: casting a merged vector to it restores the exact type C2 needs. */
  static final Class<?> EXACT = S.vectorType();
  /**
   * On AVX-512 machines, 256-bit vectors for blocks of 16 to 31 channels: a 512-bit tile there has
   * a single vector and one broadcast per multiply-add, and broadcasts to 512 bits cost a vector
   * pipe (measured: 60 % of the FMA peak); a 256-bit broadcast is a plain load, and two 256-bit
   * vectors do the same work. Unused (equal to {@link #S}) below 512 bits.
   */
  static final VectorSpecies<Float> HALF = WIDE ? FloatVector.SPECIES_256 : S;
  static final int HL = HALF.length();
  static final Class<?> EXACT_HALF = HALF.vectorType();

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
        VectorTiles.gather4x4(plan, g, lo, hi, src, srcOff, w, wOff, out, outOff, d0, accumulate);
      } else if (vectors == 2 && WIDE) {
        VectorTiles.gather8x2(plan, g, lo, hi, src, srcOff, w, wOff, out, outOff, d0, accumulate);
      } else if (vectors == 2) {
        VectorTiles.gather6x2(plan, g, lo, hi, src, srcOff, w, wOff, out, outOff, d0, accumulate);
      } else if (WIDE) {
        VectorTiles.gatherHalf12x2(plan, g, lo, hi, src, srcOff, w, wOff, out, outOff, d0, accumulate);
      } else {
        VectorTiles.gather12x1(plan, g, lo, hi, src, srcOff, w, wOff, out, outOff, d0, accumulate);
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
          VectorTiles.weights4x4(c, tap, ci0, co0, n0, n1, x, xOff, dy, dyOff, dw, dwOff);
        } else if (vectors == 2 && WIDE) {
          VectorTiles.weights8x2(c, tap, ci0, co0, n0, n1, x, xOff, dy, dyOff, dw, dwOff);
        } else if (vectors == 2) {
          VectorTiles.weights6x2(c, tap, ci0, co0, n0, n1, x, xOff, dy, dyOff, dw, dwOff);
        } else if (WIDE) {
          VectorTiles.weightsHalf8x2(c, tap, ci0, co0, n0, n1, x, xOff, dy, dyOff, dw, dwOff);
        } else {
          VectorTiles.weights8x1(c, tap, ci0, co0, n0, n1, x, xOff, dy, dyOff, dw, dwOff);
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
    // Option A, one output row at a time (along it the subsampled input has a fixed stride): three
    // runs of channels, the zeros before the input [0, first), the input's [first, last), the zeros
    // after [last, channels); each in vectors, its tail by the scalar code (which reads the same view).
    int cin = pad.inChannels();
    int first = pad.firstChannel();
    int last = first + cin;
    int zerosBeforeEnd = first / L * L;
    int inputEnd = first + cin / L * L;
    int zerosAfterEnd = last + (channels - last) / L * L;
    int pixels = pad.outHeight() * pad.outWidth();
    for (int r = r0; r < r1; ) {
      int n = r / pixels;
      int h = r % pixels / pad.outWidth();
      int w = r % pad.outWidth();
      int end = Math.min(r1, r - w + pad.outWidth());
      int in = shortcutOff + ((n * pad.inHeight() + h * pad.stride()) * pad.inWidth() + w * pad.stride()) * cin;
      for (int c = 0; c < zerosBeforeEnd; c += L) {
        normalizeColumn(c, r, end, channels, x, xOff, saved, savedOff, params, gammaOff, betaOff, null, 0, 0, out,
            outOff, g);
      }
      for (int c = first; c < inputEnd; c += L) {
        normalizeColumn(c, r, end, channels, x, xOff, saved, savedOff, params, gammaOff, betaOff, shortcut,
            in + c - first, pad.stride() * cin, out, outOff, g);
      }
      for (int c = last; c < zerosAfterEnd; c += L) {
        normalizeColumn(c, r, end, channels, x, xOff, saved, savedOff, params, gammaOff, betaOff, null, 0, 0, out,
            outOff, g);
      }
      r = end;
    }
    ScalarSpatialProvider.normalize(r0, r1, channels, zerosBeforeEnd, first, x, xOff, saved, savedOff, params,
        gammaOff, betaOff, shortcut, shortcutOff, pad, out, outOff, g);
    ScalarSpatialProvider.normalize(r0, r1, channels, inputEnd, last, x, xOff, saved, savedOff, params, gammaOff,
        betaOff, shortcut, shortcutOff, pad, out, outOff, g);
    ScalarSpatialProvider.normalize(r0, r1, channels, zerosAfterEnd, channels, x, xOff, saved, savedOff, params,
        gammaOff, betaOff, shortcut, shortcutOff, pad, out, outOff, g);
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
          int zi = dzOff + ((n * pad.outHeight() + ih / s) * pad.outWidth() + iw / s) * pad.outChannels()
              + pad.firstChannel();
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
}
