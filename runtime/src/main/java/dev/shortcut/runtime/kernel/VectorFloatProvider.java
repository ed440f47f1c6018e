package dev.shortcut.runtime.kernel;

import dev.shortcut.annotations.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float kernels on the Vector API. Every loop runs whole vectors and finishes the remainder with
 * scalar code: masked stores in JDK 17 fall back to a lambda that makes C2 box every vector of the
 * loop, which cost megabytes of garbage per training step. The product is register-blocked: a tile of 4 rows × 4 vectors
 * of C stays in registers while k runs (blocked by {@link #KC} so the B panel stays in cache),
 * each step one broadcast of A and one load of B per FMA row. The species is the convolution
 * kernels' ({@link VectorSpatialProvider#S}): the preferred one, or {@code -Dshortcut.vectorBits}.
 * Loaded only when the {@code jdk.incubator.vector} module is present.
 */
final class VectorFloatProvider implements FloatProvider {
  /**
   * The convolution kernels' species: {@link FloatVector#SPECIES_PREFERRED}, or the width that
   * {@code -Dshortcut.vectorBits=128|256|512} names, so that an AVX-512 machine can run (and
   * measure) the code an AVX2 machine runs.
   */
  private static final VectorSpecies<Float> S = VectorSpatialProvider.S;
  private static final int L = S.length();
  /**
   * 32 vector registers (AVX-512): 4 × 4 tiles, sixteen accumulators. Narrower species are taken
   * to have 16 (AVX2): there a 4 × 4 tile's sixteen accumulators, four B vectors and a broadcast
   * spill, which measured 30 % of the FMA peak (-XX:UseAVX=2 on an AVX-512 machine), so products use
   * 6 × 2 tiles (twelve accumulators, two B vectors, one broadcast) and dot products 4 × 2.
   */
  private static final boolean WIDE = VectorSpatialProvider.WIDE;
  /** Depth of a k block: a 4-vector B panel of this many rows fits in L1/L2. */
  static final int KC = 256;
  private static final float LEAKY = (float) Activation.LEAKY_SLOPE;

  // Every float reduction here has one fixed order, whatever the JIT state: reduceLanes(ADD) leaves
  // its order unspecified, and the interpreter (lane by lane) and C2 (a tree) really do differ on
  // JDK 25, so a dot product's last bit depended on whether its caller had been compiled yet, and
  // a product split over threads (one warm, one cold) differed from the same product on one thread.
  // The order is a butterfly: lane i += lane i^h for h = L/2, L/4, ..., 1, and the sum is lane 0.
  // A dot tile reduces its accumulators with the same butterfly, one swap serving two
  // accumulators at once (20 to 40 % faster than L dependent scalar additions at width 64 to 256),
  // so a row's result is the same whether it was computed in a tile or alone: the batch a row comes
  // in never changes its bits. Needs 4 ≤ L ≤ 16; other lengths add the lanes in index order.
  private static final boolean TREE = L >= 4 && L <= 16;
  private static final VectorShuffle<Float> SWAP1 = swap(L / 2);
  private static final VectorShuffle<Float> SWAP2 = swap(L / 4);
  private static final VectorShuffle<Float> SWAP3 = swap(L / 8);
  private static final VectorShuffle<Float> SWAP4 = swap(L / 16);
  private static final VectorMask<Float> LOW1 = clearBit(L / 2);
  private static final VectorMask<Float> LOW2 = clearBit(L / 4);
  /**
   * The species' vector classes. On JDK 17, C2 compiles a vector operation to machine code only
   * when it knows the exact class of the operation's receiver; for a load or a loop-carried or
   * merged vector it guesses from the JDK's own profiles, which every Vector API user in the
   * process shares. Once another width has run (this class's own 128-bit tile stores, the
   * convolution kernels' half-width vectors, or another library's), the guess fails and every
   * vector of the loop is boxed: about 90 KB per training step of a small network, measured. The
   * results of blends and of the reduction's additions need the cast too. So loads go through {@link #load}, and merged vectors are cast back to
   * their exact class before they are a receiver (inline in the tiles, which reach C2's inlining
   * limit, past which a helper would not be inlined).
   */
  private static final Class<?> EXACT = S.vectorType();
  /** Four lanes: one row of a tile's sums, stored with one 128-bit store (lane by lane was 30 % slower). */
  private static final VectorSpecies<Float> S4 = FloatVector.SPECIES_128;
  private static final Class<?> EXACT4 = S4.vectorType();
  private static final VectorShuffle<Float> GATHER = TREE ? VectorShuffle.fromValues(S, gatherOrder()) : null;

  private static int[] gatherOrder() {
    int[] order = new int[L];
    order[1] = L / 2;
    order[2] = L / 4;
    order[3] = 3 * L / 4;
    return order;
  }

  /** A load with its exact class restored; small enough to be always inlined. */
  private static FloatVector load(float[] a, int i) {
    return (FloatVector) EXACT.cast(FloatVector.fromArray(S, a, i));
  }

  private static VectorShuffle<Float> swap(int h) {
    return h < 1 ? null : VectorShuffle.fromOp(S, i -> i ^ h);
  }

  /** Lanes whose index has bit {@code h} clear. */
  private static VectorMask<Float> clearBit(int h) {
    if (h < 1) {
      return null;
    }
    boolean[] lanes = new boolean[L];
    for (int i = 0; i < L; i++) {
      lanes[i] = (i & h) == 0;
    }
    return VectorMask.fromArray(S, lanes, 0);
  }

  @Override
  public String name() {
    return "vector (" + S.vectorBitSize() + "-bit)";
  }

  @Override
  public void gemm(int rowStart, int rowEnd, int n, int k, float[] a, int aOff, int aRow, int aCol,
      float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    if (k == 0) {
      if (!accumulate) {
        for (int i = rowStart; i < rowEnd; i++) {
          java.util.Arrays.fill(c, cOff + i * n, cOff + i * n + n, 0f);
        }
      }
      return;
    }
    int nv = S.loopBound(n);
    for (int p0 = 0; p0 < k; p0 += KC) {
      int pc = Math.min(KC, k - p0);
      boolean acc = accumulate || p0 > 0;
      int j = 0;
      for (; WIDE && j + 4 * L <= n; j += 4 * L) {
        int i = rowStart;
        for (; i + 4 <= rowEnd; i += 4) {
          tile4x4(i, j, p0, pc, n, a, aOff, aRow, aCol, b, bOff, c, cOff, acc);
        }
        for (; i < rowEnd; i++) {
          for (int v = 0; v < 4; v++) {
            row(i, j + v * L, p0, pc, n, a, aOff, aRow, aCol, b, bOff, c, cOff, acc);
          }
        }
      }
      for (; !WIDE && j + 2 * L <= n; j += 2 * L) {
        // Six-row tiles, then four-row ones for what is left (32 rows = 4 × 6 + 2 × 4): a lone row
        // has two accumulators and runs at the FMA latency, a fraction of the peak.
        int rows = rowEnd - rowStart;
        int sixes = rows / 6;
        if (sixes > 0 && (rows - 6 * sixes) % 4 != 0 && (rows - 6 * sixes + 6) % 4 == 0) {
          sixes--;
        }
        int i = rowStart;
        for (int t = 0; t < sixes; t++, i += 6) {
          tile6x2(i, j, p0, pc, n, a, aOff, aRow, aCol, b, bOff, c, cOff, acc);
        }
        for (; i + 4 <= rowEnd; i += 4) {
          tile4x2(i, j, p0, pc, n, a, aOff, aRow, aCol, b, bOff, c, cOff, acc);
        }
        for (; i < rowEnd; i++) {
          row(i, j, p0, pc, n, a, aOff, aRow, aCol, b, bOff, c, cOff, acc);
          row(i, j + L, p0, pc, n, a, aOff, aRow, aCol, b, bOff, c, cOff, acc);
        }
      }
      for (; j < nv; j += L) {
        for (int i = rowStart; i < rowEnd; i++) {
          row(i, j, p0, pc, n, a, aOff, aRow, aCol, b, bOff, c, cOff, acc);
        }
      }
      for (int i = rowStart; i < rowEnd; i++) {
        for (int jj = nv; jj < n; jj++) {
          int ci = cOff + i * n + jj;
          float sum = acc ? c[ci] : 0f;
          for (int p = p0; p < p0 + pc; p++) {
            sum = Math.fma(a[aOff + i * aRow + p * aCol], b[bOff + p * n + jj], sum);
          }
          c[ci] = sum;
        }
      }
    }
  }

  /** One vector of one row of C (the edges of the tiling). */
  private static void row(int i, int j, int p0, int pc, int n, float[] a, int aOff,
      int aRow, int aCol, float[] b, int bOff, float[] c, int cOff, boolean acc) {
    int ci = cOff + i * n + j;
    FloatVector sum = acc ? load(c, ci) : FloatVector.zero(S);
    int ai = aOff + i * aRow;
    for (int p = p0; p < p0 + pc; p++) {
      FloatVector bv = load(b, bOff + p * n + j);
      sum = bv.fma(FloatVector.broadcast(S, a[ai + p * aCol]), sum);
    }
    ((FloatVector) EXACT.cast(sum)).intoArray(c, ci);
  }

  /** A 4-row × 4-vector tile of C: sixteen accumulators held in registers over the k loop. */
  private static void tile4x4(int i, int j, int p0, int pc, int n, float[] a, int aOff, int aRow, int aCol,
      float[] b, int bOff, float[] c, int cOff, boolean acc) {
    int a0 = aOff + (i + 0) * aRow;
    int c0 = cOff + (i + 0) * n + j;
    int a1 = aOff + (i + 1) * aRow;
    int c1 = cOff + (i + 1) * n + j;
    int a2 = aOff + (i + 2) * aRow;
    int c2 = cOff + (i + 2) * n + j;
    int a3 = aOff + (i + 3) * aRow;
    int c3 = cOff + (i + 3) * n + j;
    FloatVector c00 = acc ? load(c, c0 + 0 * L) : FloatVector.zero(S);
    FloatVector c01 = acc ? load(c, c0 + 1 * L) : FloatVector.zero(S);
    FloatVector c02 = acc ? load(c, c0 + 2 * L) : FloatVector.zero(S);
    FloatVector c03 = acc ? load(c, c0 + 3 * L) : FloatVector.zero(S);
    FloatVector c10 = acc ? load(c, c1 + 0 * L) : FloatVector.zero(S);
    FloatVector c11 = acc ? load(c, c1 + 1 * L) : FloatVector.zero(S);
    FloatVector c12 = acc ? load(c, c1 + 2 * L) : FloatVector.zero(S);
    FloatVector c13 = acc ? load(c, c1 + 3 * L) : FloatVector.zero(S);
    FloatVector c20 = acc ? load(c, c2 + 0 * L) : FloatVector.zero(S);
    FloatVector c21 = acc ? load(c, c2 + 1 * L) : FloatVector.zero(S);
    FloatVector c22 = acc ? load(c, c2 + 2 * L) : FloatVector.zero(S);
    FloatVector c23 = acc ? load(c, c2 + 3 * L) : FloatVector.zero(S);
    FloatVector c30 = acc ? load(c, c3 + 0 * L) : FloatVector.zero(S);
    FloatVector c31 = acc ? load(c, c3 + 1 * L) : FloatVector.zero(S);
    FloatVector c32 = acc ? load(c, c3 + 2 * L) : FloatVector.zero(S);
    FloatVector c33 = acc ? load(c, c3 + 3 * L) : FloatVector.zero(S);
    for (int p = p0; p < p0 + pc; p++) {
      int bp = bOff + p * n + j;
      FloatVector b0 = load(b, bp + 0 * L);
      FloatVector b1 = load(b, bp + 1 * L);
      FloatVector b2 = load(b, bp + 2 * L);
      FloatVector b3 = load(b, bp + 3 * L);
      int ap = p * aCol;
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + ap]);
      c00 = b0.fma(x0, c00);
      c01 = b1.fma(x0, c01);
      c02 = b2.fma(x0, c02);
      c03 = b3.fma(x0, c03);
      FloatVector x1 = FloatVector.broadcast(S, a[a1 + ap]);
      c10 = b0.fma(x1, c10);
      c11 = b1.fma(x1, c11);
      c12 = b2.fma(x1, c12);
      c13 = b3.fma(x1, c13);
      FloatVector x2 = FloatVector.broadcast(S, a[a2 + ap]);
      c20 = b0.fma(x2, c20);
      c21 = b1.fma(x2, c21);
      c22 = b2.fma(x2, c22);
      c23 = b3.fma(x2, c23);
      FloatVector x3 = FloatVector.broadcast(S, a[a3 + ap]);
      c30 = b0.fma(x3, c30);
      c31 = b1.fma(x3, c31);
      c32 = b2.fma(x3, c32);
      c33 = b3.fma(x3, c33);
    }
    ((FloatVector) EXACT.cast(c00)).intoArray(c, c0 + 0 * L);
    ((FloatVector) EXACT.cast(c01)).intoArray(c, c0 + 1 * L);
    ((FloatVector) EXACT.cast(c02)).intoArray(c, c0 + 2 * L);
    ((FloatVector) EXACT.cast(c03)).intoArray(c, c0 + 3 * L);
    ((FloatVector) EXACT.cast(c10)).intoArray(c, c1 + 0 * L);
    ((FloatVector) EXACT.cast(c11)).intoArray(c, c1 + 1 * L);
    ((FloatVector) EXACT.cast(c12)).intoArray(c, c1 + 2 * L);
    ((FloatVector) EXACT.cast(c13)).intoArray(c, c1 + 3 * L);
    ((FloatVector) EXACT.cast(c20)).intoArray(c, c2 + 0 * L);
    ((FloatVector) EXACT.cast(c21)).intoArray(c, c2 + 1 * L);
    ((FloatVector) EXACT.cast(c22)).intoArray(c, c2 + 2 * L);
    ((FloatVector) EXACT.cast(c23)).intoArray(c, c2 + 3 * L);
    ((FloatVector) EXACT.cast(c30)).intoArray(c, c3 + 0 * L);
    ((FloatVector) EXACT.cast(c31)).intoArray(c, c3 + 1 * L);
    ((FloatVector) EXACT.cast(c32)).intoArray(c, c3 + 2 * L);
    ((FloatVector) EXACT.cast(c33)).intoArray(c, c3 + 3 * L);
  }

  /** A 6-row × 2-vector tile of C for 16-register machines: 12 accumulators over the k loop. */
  private static void tile6x2(int i, int j, int p0, int pc, int n, float[] a, int aOff, int aRow, int aCol,
      float[] b, int bOff, float[] c, int cOff, boolean acc) {
    int a0 = aOff + (i + 0) * aRow;
    int c0 = cOff + (i + 0) * n + j;
    int a1 = aOff + (i + 1) * aRow;
    int c1 = cOff + (i + 1) * n + j;
    int a2 = aOff + (i + 2) * aRow;
    int c2 = cOff + (i + 2) * n + j;
    int a3 = aOff + (i + 3) * aRow;
    int c3 = cOff + (i + 3) * n + j;
    int a4 = aOff + (i + 4) * aRow;
    int c4 = cOff + (i + 4) * n + j;
    int a5 = aOff + (i + 5) * aRow;
    int c5 = cOff + (i + 5) * n + j;
    FloatVector c00 = acc ? load(c, c0 + 0 * L) : FloatVector.zero(S);
    FloatVector c01 = acc ? load(c, c0 + 1 * L) : FloatVector.zero(S);
    FloatVector c10 = acc ? load(c, c1 + 0 * L) : FloatVector.zero(S);
    FloatVector c11 = acc ? load(c, c1 + 1 * L) : FloatVector.zero(S);
    FloatVector c20 = acc ? load(c, c2 + 0 * L) : FloatVector.zero(S);
    FloatVector c21 = acc ? load(c, c2 + 1 * L) : FloatVector.zero(S);
    FloatVector c30 = acc ? load(c, c3 + 0 * L) : FloatVector.zero(S);
    FloatVector c31 = acc ? load(c, c3 + 1 * L) : FloatVector.zero(S);
    FloatVector c40 = acc ? load(c, c4 + 0 * L) : FloatVector.zero(S);
    FloatVector c41 = acc ? load(c, c4 + 1 * L) : FloatVector.zero(S);
    FloatVector c50 = acc ? load(c, c5 + 0 * L) : FloatVector.zero(S);
    FloatVector c51 = acc ? load(c, c5 + 1 * L) : FloatVector.zero(S);
    for (int p = p0; p < p0 + pc; p++) {
      int bp = bOff + p * n + j;
      FloatVector b0 = load(b, bp + 0 * L);
      FloatVector b1 = load(b, bp + 1 * L);
      int ap = p * aCol;
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + ap]);
      c00 = b0.fma(x0, c00);
      c01 = b1.fma(x0, c01);
      FloatVector x1 = FloatVector.broadcast(S, a[a1 + ap]);
      c10 = b0.fma(x1, c10);
      c11 = b1.fma(x1, c11);
      FloatVector x2 = FloatVector.broadcast(S, a[a2 + ap]);
      c20 = b0.fma(x2, c20);
      c21 = b1.fma(x2, c21);
      FloatVector x3 = FloatVector.broadcast(S, a[a3 + ap]);
      c30 = b0.fma(x3, c30);
      c31 = b1.fma(x3, c31);
      FloatVector x4 = FloatVector.broadcast(S, a[a4 + ap]);
      c40 = b0.fma(x4, c40);
      c41 = b1.fma(x4, c41);
      FloatVector x5 = FloatVector.broadcast(S, a[a5 + ap]);
      c50 = b0.fma(x5, c50);
      c51 = b1.fma(x5, c51);
    }
    ((FloatVector) EXACT.cast(c00)).intoArray(c, c0 + 0 * L);
    ((FloatVector) EXACT.cast(c01)).intoArray(c, c0 + 1 * L);
    ((FloatVector) EXACT.cast(c10)).intoArray(c, c1 + 0 * L);
    ((FloatVector) EXACT.cast(c11)).intoArray(c, c1 + 1 * L);
    ((FloatVector) EXACT.cast(c20)).intoArray(c, c2 + 0 * L);
    ((FloatVector) EXACT.cast(c21)).intoArray(c, c2 + 1 * L);
    ((FloatVector) EXACT.cast(c30)).intoArray(c, c3 + 0 * L);
    ((FloatVector) EXACT.cast(c31)).intoArray(c, c3 + 1 * L);
    ((FloatVector) EXACT.cast(c40)).intoArray(c, c4 + 0 * L);
    ((FloatVector) EXACT.cast(c41)).intoArray(c, c4 + 1 * L);
    ((FloatVector) EXACT.cast(c50)).intoArray(c, c5 + 0 * L);
    ((FloatVector) EXACT.cast(c51)).intoArray(c, c5 + 1 * L);
  }

  /** A 4-row × 2-vector tile of C for 16-register machines: 8 accumulators over the k loop. */
  private static void tile4x2(int i, int j, int p0, int pc, int n, float[] a, int aOff, int aRow, int aCol,
      float[] b, int bOff, float[] c, int cOff, boolean acc) {
    int a0 = aOff + (i + 0) * aRow;
    int c0 = cOff + (i + 0) * n + j;
    int a1 = aOff + (i + 1) * aRow;
    int c1 = cOff + (i + 1) * n + j;
    int a2 = aOff + (i + 2) * aRow;
    int c2 = cOff + (i + 2) * n + j;
    int a3 = aOff + (i + 3) * aRow;
    int c3 = cOff + (i + 3) * n + j;
    FloatVector c00 = acc ? load(c, c0 + 0 * L) : FloatVector.zero(S);
    FloatVector c01 = acc ? load(c, c0 + 1 * L) : FloatVector.zero(S);
    FloatVector c10 = acc ? load(c, c1 + 0 * L) : FloatVector.zero(S);
    FloatVector c11 = acc ? load(c, c1 + 1 * L) : FloatVector.zero(S);
    FloatVector c20 = acc ? load(c, c2 + 0 * L) : FloatVector.zero(S);
    FloatVector c21 = acc ? load(c, c2 + 1 * L) : FloatVector.zero(S);
    FloatVector c30 = acc ? load(c, c3 + 0 * L) : FloatVector.zero(S);
    FloatVector c31 = acc ? load(c, c3 + 1 * L) : FloatVector.zero(S);
    for (int p = p0; p < p0 + pc; p++) {
      int bp = bOff + p * n + j;
      FloatVector b0 = load(b, bp + 0 * L);
      FloatVector b1 = load(b, bp + 1 * L);
      int ap = p * aCol;
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + ap]);
      c00 = b0.fma(x0, c00);
      c01 = b1.fma(x0, c01);
      FloatVector x1 = FloatVector.broadcast(S, a[a1 + ap]);
      c10 = b0.fma(x1, c10);
      c11 = b1.fma(x1, c11);
      FloatVector x2 = FloatVector.broadcast(S, a[a2 + ap]);
      c20 = b0.fma(x2, c20);
      c21 = b1.fma(x2, c21);
      FloatVector x3 = FloatVector.broadcast(S, a[a3 + ap]);
      c30 = b0.fma(x3, c30);
      c31 = b1.fma(x3, c31);
    }
    ((FloatVector) EXACT.cast(c00)).intoArray(c, c0 + 0 * L);
    ((FloatVector) EXACT.cast(c01)).intoArray(c, c0 + 1 * L);
    ((FloatVector) EXACT.cast(c10)).intoArray(c, c1 + 0 * L);
    ((FloatVector) EXACT.cast(c11)).intoArray(c, c1 + 1 * L);
    ((FloatVector) EXACT.cast(c20)).intoArray(c, c2 + 0 * L);
    ((FloatVector) EXACT.cast(c21)).intoArray(c, c2 + 1 * L);
    ((FloatVector) EXACT.cast(c30)).intoArray(c, c3 + 0 * L);
    ((FloatVector) EXACT.cast(c31)).intoArray(c, c3 + 1 * L);
  }

  /**
   * Whether C2 compiles a gather to one instruction: on x86 from AVX2 on (256 bits and wider). Where
   * it does not (NEON, SSE), a gather would run as Java code that allocates, so the transpose is
   * scalar there.
   */
  private static final boolean GATHERS = S.vectorBitSize() >= 256
      && (System.getProperty("os.arch").equals("amd64") || System.getProperty("os.arch").equals("x86_64"));

  /**
   * Columns of {@code t} L at a time: one gather reads element p of L rows of b (offsets
   * {@code 0, k, 2k, …} in {@code map}) and one store writes them contiguously; about 0.45 ns an
   * element here, against 1 ns for the best scalar loop.
   */
  @Override
  public void transpose(int n, int k, float[] b, int bOff, float[] t, int[] map) {
    for (int lane = 0; lane < L; lane++) {
      map[lane] = lane * k;
    }
    int j = 0;
    for (; GATHERS && j + L <= n; j += L) {
      int rows = bOff + j * k;
      for (int p = 0; p < k; p++) {
        ((FloatVector) EXACT.cast(FloatVector.fromArray(S, b, rows + p, map, 0))).intoArray(t, p * n + j);
      }
    }
    ScalarFloatProvider.transposeRows(j, n, k, b, bOff, t);
  }

  @Override
  public void dotRows(int rowStart, int rowEnd, int n, int k, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff, boolean accumulate) {
    // Rows of A against rows of B (W stored [out][in]), for batches too small to repay a transpose
    // (Kernels.transposeFirst); loads and reductions are shared in tiles, the edges run one dot
    // product at a time. Tiles need the reduction tree and whole vectors over k (a scalar tail
    // would grow the tile past what C2 compiles without boxing its vectors); otherwise every
    // element is a lone dot product.
    int columns = WIDE ? 4 : 2;
    int nTiles = TREE && k % L == 0 ? n - n % columns : 0;
    int i = rowStart;
    for (; i + 4 <= rowEnd; i += 4) {
      for (int j = 0; j < nTiles; j += columns) {
        if (WIDE) {
          dotTile2x4(i, j, k, a, aOff, b, bOff, c, cOff, n, accumulate);
          dotTile2x4(i + 2, j, k, a, aOff, b, bOff, c, cOff, n, accumulate);
        } else {
          dotTile4x2(i, j, k, a, aOff, b, bOff, c, cOff, n, accumulate);
        }
      }
      for (int r = i; r < i + 4; r++) {
        for (int j = nTiles; j < n; j++) {
          store(c, cOff + r * n + j, dot(a, aOff + r * k, b, bOff + j * k, k), accumulate);
        }
      }
    }
    for (; i < rowEnd; i++) {
      for (int j = 0; j < n; j++) {
        store(c, cOff + i * n + j, dot(a, aOff + i * k, b, bOff + j * k, k), accumulate);
      }
    }
  }

  private static float dot(float[] a, int ai, float[] b, int bj, int k) {
    FloatVector sum = FloatVector.zero(S);
    int kv = S.loopBound(k);
    for (int p = 0; p < kv; p += L) {
      sum = load(a, ai + p).fma(load(b, bj + p), sum);
    }
    // The butterfly written out here rather than in a helper, which C2 might not inline (a vector
    // passed to a method that is not inlined is boxed: an allocation per dot product).
    FloatVector e = (FloatVector) EXACT.cast(sum);
    float total;
    if (TREE) {
      FloatVector t = (FloatVector) EXACT.cast(e.add(e.rearrange(SWAP1)));
      t = (FloatVector) EXACT.cast(t.add(t.rearrange(SWAP2)));
      if (L >= 8) {
        t = (FloatVector) EXACT.cast(t.add(t.rearrange(SWAP3)));
      }
      if (L >= 16) {
        t = (FloatVector) EXACT.cast(t.add(t.rearrange(SWAP4)));
      }
      total = t.lane(0);
    } else {
      total = 0f;
      for (int lane = 0; lane < L; lane++) {
        total += e.lane(lane);
      }
    }
    return kv == k ? total : total + tail(a, ai, b, bj, kv, k); // no "+ 0f": it would turn −0 into +0
  }

  /** The scalar remainder {@code Σ_{p ≥ from} a·b} of a dot product. */
  private static float tail(float[] a, int ai, float[] b, int bj, int from, int k) {
    float s = 0f;
    for (int p = from; p < k; p++) {
      s = Math.fma(a[ai + p], b[bj + p], s);
    }
    return s;
  }

  private static void store(float[] c, int at, float value, boolean accumulate) {
    c[at] = accumulate ? c[at] + value : value;
  }

  /**
   * A 2 × 4 tile of {@code C = A·Bᵀ}: eight dot products advanced together over k (a multiple of L).
   * Two rows, not four: a four-row tile's reductions took C2 past its inlining budget, and once other
   * vector widths had run in the process the vector additions of its last rows were calls that boxed
   * their operands (MixedWidthsTest); per multiply-add it loads as much as a 4 × 2 tile.
   */
  private static void dotTile2x4(int i, int j, int k, float[] a, int aOff, float[] b, int bOff, float[] c,
      int cOff, int n, boolean accumulate) {
    int a0 = aOff + i * k;
    int a1 = a0 + k;
    int b0 = bOff + j * k;
    int b1 = b0 + k;
    int b2 = b1 + k;
    int b3 = b2 + k;
    FloatVector s00 = FloatVector.zero(S);
    FloatVector s01 = FloatVector.zero(S);
    FloatVector s02 = FloatVector.zero(S);
    FloatVector s03 = FloatVector.zero(S);
    FloatVector s10 = FloatVector.zero(S);
    FloatVector s11 = FloatVector.zero(S);
    FloatVector s12 = FloatVector.zero(S);
    FloatVector s13 = FloatVector.zero(S);
    for (int p = 0; p < k; p += L) {
      FloatVector w0 = load(b, b0 + p);
      FloatVector w1 = load(b, b1 + p);
      FloatVector w2 = load(b, b2 + p);
      FloatVector w3 = load(b, b3 + p);
      FloatVector x0 = load(a, a0 + p);
      s00 = x0.fma(w0, s00);
      s01 = x0.fma(w1, s01);
      s02 = x0.fma(w2, s02);
      s03 = x0.fma(w3, s03);
      FloatVector x1 = load(a, a1 + p);
      s10 = x1.fma(w0, s10);
      s11 = x1.fma(w1, s11);
      s12 = x1.fma(w2, s12);
      s13 = x1.fma(w3, s13);
    }
    s00 = (FloatVector) EXACT.cast(s00);
    s01 = (FloatVector) EXACT.cast(s01);
    s02 = (FloatVector) EXACT.cast(s02);
    s03 = (FloatVector) EXACT.cast(s03);
    s10 = (FloatVector) EXACT.cast(s10);
    s11 = (FloatVector) EXACT.cast(s11);
    s12 = (FloatVector) EXACT.cast(s12);
    s13 = (FloatVector) EXACT.cast(s13);
    // Reduction tree, written out: a helper call that C2 declines to inline (it does, past a
    // node budget) would box every vector. Per row, two combined levels (lanes with bit h clear
    // take x[i] + x[i^h], the others y[i] + y[i^h]) leave the sums of s_0..s_3 in lanes 0, L/2, L/4
    // and 3L/4; the lower levels finish them and GATHER moves them to lanes 0..3.
    FloatVector u0 = ((FloatVector) EXACT.cast(s01.blend(s00, LOW1))).add(((FloatVector) EXACT.cast(s00.blend(s01, LOW1))).rearrange(SWAP1));
    FloatVector v0 = ((FloatVector) EXACT.cast(s03.blend(s02, LOW1))).add(((FloatVector) EXACT.cast(s02.blend(s03, LOW1))).rearrange(SWAP1));
    // Every partial sum is cast before it is a receiver or an argument again, u and v included:
    // without these two casts C2 on JDK 17 boxed v in about half of the processes where
    // convolutions had run first (MixedWidthsTest).
    u0 = (FloatVector) EXACT.cast(u0);
    v0 = (FloatVector) EXACT.cast(v0);
    FloatVector t0 = ((FloatVector) EXACT.cast(v0.blend(u0, LOW2))).add(((FloatVector) EXACT.cast(u0.blend(v0, LOW2))).rearrange(SWAP2));
    if (L >= 8) {
      t0 = (FloatVector) EXACT.cast(t0);
      t0 = t0.add(t0.rearrange(SWAP3));
    }
    if (L >= 16) {
      t0 = (FloatVector) EXACT.cast(t0);
      t0 = t0.add(t0.rearrange(SWAP4));
    }
    t0 = (FloatVector) EXACT.cast(t0);
    FloatVector q0 = (FloatVector) EXACT4.cast(t0.rearrange(GATHER).reinterpretShape(S4, 0));
    int c0 = cOff + (i + 0) * n + j;
    if (accumulate) {
      ((FloatVector) EXACT4.cast(FloatVector.fromArray(S4, c, c0))).add(q0).intoArray(c, c0);
    } else {
      q0.intoArray(c, c0);
    }
    FloatVector u1 = ((FloatVector) EXACT.cast(s11.blend(s10, LOW1))).add(((FloatVector) EXACT.cast(s10.blend(s11, LOW1))).rearrange(SWAP1));
    FloatVector v1 = ((FloatVector) EXACT.cast(s13.blend(s12, LOW1))).add(((FloatVector) EXACT.cast(s12.blend(s13, LOW1))).rearrange(SWAP1));
    u1 = (FloatVector) EXACT.cast(u1);
    v1 = (FloatVector) EXACT.cast(v1);
    FloatVector t1 = ((FloatVector) EXACT.cast(v1.blend(u1, LOW2))).add(((FloatVector) EXACT.cast(u1.blend(v1, LOW2))).rearrange(SWAP2));
    if (L >= 8) {
      t1 = (FloatVector) EXACT.cast(t1);
      t1 = t1.add(t1.rearrange(SWAP3));
    }
    if (L >= 16) {
      t1 = (FloatVector) EXACT.cast(t1);
      t1 = t1.add(t1.rearrange(SWAP4));
    }
    t1 = (FloatVector) EXACT.cast(t1);
    FloatVector q1 = (FloatVector) EXACT4.cast(t1.rearrange(GATHER).reinterpretShape(S4, 0));
    int c1 = cOff + (i + 1) * n + j;
    if (accumulate) {
      ((FloatVector) EXACT4.cast(FloatVector.fromArray(S4, c, c1))).add(q1).intoArray(c, c1);
    } else {
      q1.intoArray(c, c1);
    }
  }

  /**
   * A 4 × 2 tile of {@code C = A·Bᵀ} for 16-register machines: eight dot products advanced together
   * over k (a multiple of L). Each row's two sums share the butterfly's first level (lanes with bit
   * L/2 clear take the first, the others the second), which leaves them in lanes 0 and L/2 in the
   * order a lone dot product adds its lanes.
   */
  private static void dotTile4x2(int i, int j, int k, float[] a, int aOff, float[] b, int bOff, float[] c,
      int cOff, int n, boolean accumulate) {
    int a0 = aOff + i * k;
    int a1 = a0 + k;
    int a2 = a1 + k;
    int a3 = a2 + k;
    int b0 = bOff + j * k;
    int b1 = b0 + k;
    FloatVector s00 = FloatVector.zero(S);
    FloatVector s01 = FloatVector.zero(S);
    FloatVector s10 = FloatVector.zero(S);
    FloatVector s11 = FloatVector.zero(S);
    FloatVector s20 = FloatVector.zero(S);
    FloatVector s21 = FloatVector.zero(S);
    FloatVector s30 = FloatVector.zero(S);
    FloatVector s31 = FloatVector.zero(S);
    for (int p = 0; p < k; p += L) {
      FloatVector w0 = load(b, b0 + p);
      FloatVector w1 = load(b, b1 + p);
      FloatVector x0 = load(a, a0 + p);
      s00 = x0.fma(w0, s00);
      s01 = x0.fma(w1, s01);
      FloatVector x1 = load(a, a1 + p);
      s10 = x1.fma(w0, s10);
      s11 = x1.fma(w1, s11);
      FloatVector x2 = load(a, a2 + p);
      s20 = x2.fma(w0, s20);
      s21 = x2.fma(w1, s21);
      FloatVector x3 = load(a, a3 + p);
      s30 = x3.fma(w0, s30);
      s31 = x3.fma(w1, s31);
    }
    s00 = (FloatVector) EXACT.cast(s00);
    s01 = (FloatVector) EXACT.cast(s01);
    s10 = (FloatVector) EXACT.cast(s10);
    s11 = (FloatVector) EXACT.cast(s11);
    s20 = (FloatVector) EXACT.cast(s20);
    s21 = (FloatVector) EXACT.cast(s21);
    s30 = (FloatVector) EXACT.cast(s30);
    s31 = (FloatVector) EXACT.cast(s31);
    FloatVector t0 = ((FloatVector) EXACT.cast(s01.blend(s00, LOW1))).add(((FloatVector) EXACT.cast(s00.blend(s01, LOW1))).rearrange(SWAP1));
    t0 = (FloatVector) EXACT.cast(t0);
    t0 = t0.add(t0.rearrange(SWAP2));
    if (L >= 8) {
      t0 = (FloatVector) EXACT.cast(t0);
      t0 = t0.add(t0.rearrange(SWAP3));
    }
    if (L >= 16) {
      t0 = (FloatVector) EXACT.cast(t0);
      t0 = t0.add(t0.rearrange(SWAP4));
    }
    t0 = (FloatVector) EXACT.cast(t0);
    int c0 = cOff + (i + 0) * n + j;
    store(c, c0, t0.lane(0), accumulate);
    store(c, c0 + 1, t0.lane(L / 2), accumulate);
    FloatVector t1 = ((FloatVector) EXACT.cast(s11.blend(s10, LOW1))).add(((FloatVector) EXACT.cast(s10.blend(s11, LOW1))).rearrange(SWAP1));
    t1 = (FloatVector) EXACT.cast(t1);
    t1 = t1.add(t1.rearrange(SWAP2));
    if (L >= 8) {
      t1 = (FloatVector) EXACT.cast(t1);
      t1 = t1.add(t1.rearrange(SWAP3));
    }
    if (L >= 16) {
      t1 = (FloatVector) EXACT.cast(t1);
      t1 = t1.add(t1.rearrange(SWAP4));
    }
    t1 = (FloatVector) EXACT.cast(t1);
    int c1 = cOff + (i + 1) * n + j;
    store(c, c1, t1.lane(0), accumulate);
    store(c, c1 + 1, t1.lane(L / 2), accumulate);
    FloatVector t2 = ((FloatVector) EXACT.cast(s21.blend(s20, LOW1))).add(((FloatVector) EXACT.cast(s20.blend(s21, LOW1))).rearrange(SWAP1));
    t2 = (FloatVector) EXACT.cast(t2);
    t2 = t2.add(t2.rearrange(SWAP2));
    if (L >= 8) {
      t2 = (FloatVector) EXACT.cast(t2);
      t2 = t2.add(t2.rearrange(SWAP3));
    }
    if (L >= 16) {
      t2 = (FloatVector) EXACT.cast(t2);
      t2 = t2.add(t2.rearrange(SWAP4));
    }
    t2 = (FloatVector) EXACT.cast(t2);
    int c2 = cOff + (i + 2) * n + j;
    store(c, c2, t2.lane(0), accumulate);
    store(c, c2 + 1, t2.lane(L / 2), accumulate);
    FloatVector t3 = ((FloatVector) EXACT.cast(s31.blend(s30, LOW1))).add(((FloatVector) EXACT.cast(s30.blend(s31, LOW1))).rearrange(SWAP1));
    t3 = (FloatVector) EXACT.cast(t3);
    t3 = t3.add(t3.rearrange(SWAP2));
    if (L >= 8) {
      t3 = (FloatVector) EXACT.cast(t3);
      t3 = t3.add(t3.rearrange(SWAP3));
    }
    if (L >= 16) {
      t3 = (FloatVector) EXACT.cast(t3);
      t3 = t3.add(t3.rearrange(SWAP4));
    }
    t3 = (FloatVector) EXACT.cast(t3);
    int c3 = cOff + (i + 3) * n + j;
    store(c, c3, t3.lane(0), accumulate);
    store(c, c3 + 1, t3.lane(L / 2), accumulate);
  }

  @Override
  public void biasActivation(int rows, int width, float[] z, int zOff, float[] bias, int biasOff,
      float[] s, int sOff, Activation g) {
    int wv = S.loopBound(width);
    for (int r = 0; r < rows; r++) {
      int zr = zOff + r * width;
      int sr = sOff + r * width;
      for (int j = 0; j < wv; j += L) {
        FloatVector v = load(z, zr + j).add(load(bias, biasOff + j));
        if (s != null) {
          v = v.add(load(s, sr + j));
        }
        v = (FloatVector) EXACT.cast(v);
        if (g == Activation.RELU) {
          v = v.max(0f);
        } else if (g == Activation.LEAKY_RELU) {
          v = v.max(v.mul(LEAKY));
        } else if (g == Activation.TANH) {
          v = v.lanewise(VectorOperators.TANH);
        } else if (g == Activation.SIGMOID) {
          v = FloatVector.broadcast(S, 1f).div(v.neg().lanewise(VectorOperators.EXP).add(1f));
        }
        ((FloatVector) EXACT.cast(v)).intoArray(z, zr + j);
      }
      for (int j = wv; j < width; j++) {
        z[zr + j] = Activations.activate(g, z[zr + j] + bias[biasOff + j] + (s == null ? 0f : s[sr + j]));
      }
    }
  }

  @Override
  public void activationBackward(int rows, int width, float[] a, int aOff, float[] grad, int gradOff,
      Activation g, float[] biasGrad, int biasGradOff) {
    int wv = S.loopBound(width);
    for (int r = 0; r < rows; r++) {
      int ar = aOff + r * width;
      int gr = gradOff + r * width;
      for (int j = 0; j < wv; j += L) {
        FloatVector d = load(grad, gr + j);
        FloatVector out = load(a, ar + j);
        if (g == Activation.RELU) {
          d = d.blend(0f, out.compare(VectorOperators.LE, 0f));
        } else if (g == Activation.TANH) {
          d = d.mul(out.mul(out).neg().add(1f));
        } else if (g == Activation.SIGMOID) {
          d = d.mul(out.mul(out.neg().add(1f)));
        } else if (g == Activation.LEAKY_RELU) {
          d = d.blend(d.mul(LEAKY), out.compare(VectorOperators.LE, 0f));
        }
        d = (FloatVector) EXACT.cast(d);
        d.intoArray(grad, gr + j);
        load(biasGrad, biasGradOff + j).add(d).intoArray(biasGrad, biasGradOff + j);
      }
      for (int j = wv; j < width; j++) {
        float d = Activations.gradient(g, a[ar + j], grad[gr + j]);
        grad[gr + j] = d;
        biasGrad[biasGradOff + j] += d;
      }
    }
  }

  @Override
  public void add(int n, float[] src, int srcOff, float[] dst, int dstOff) {
    int nv = S.loopBound(n);
    for (int i = 0; i < nv; i += L) {
      load(dst, dstOff + i).add(load(src, srcOff + i))
          .intoArray(dst, dstOff + i);
    }
    for (int i = nv; i < n; i++) {
      dst[dstOff + i] += src[srcOff + i];
    }
  }

  @Override
  public void adam(float[] p, float[] g, float[] m, float[] v, float beta1, float oneMinusBeta1,
      float beta2, float oneMinusBeta2, float stepSize,
      float sqrtC2, float epsilon, float decay, float l2) {
    int n = p.length;
    int nv = S.loopBound(n);
    for (int i = 0; i < nv; i += L) {
      FloatVector pv = load(p, i);
      FloatVector grad = load(g, i).add(pv.mul(l2));
      FloatVector mv = load(m, i).mul(beta1).add(grad.mul(oneMinusBeta1));
      FloatVector vv = load(v, i).mul(beta2).add(grad.mul(grad).mul(oneMinusBeta2));
      mv.intoArray(m, i);
      vv.intoArray(v, i);
      FloatVector denominator = vv.sqrt().div(sqrtC2).add(epsilon);
      pv.mul(decay).sub(mv.mul(stepSize).div(denominator)).intoArray(p, i);
    }
    ScalarFloatProvider.adam(nv, n, p, g, m, v, beta1, oneMinusBeta1, beta2, oneMinusBeta2,
        stepSize, sqrtC2, epsilon, decay, l2, true);
  }

  @Override
  public int adamCheck(float[] p, float[] g, float[] m, float[] v, float beta1,
      float oneMinusBeta1, float beta2, float oneMinusBeta2, float stepSize,
      float sqrtC2, float epsilon, float decay, float l2) {
    // The loop of adam() with its stores replaced by a finiteness test; kept as a separate method
    // so that the update's own loop stays exactly as it was.
    int n = p.length;
    int nv = S.loopBound(n);
    for (int i = 0; i < nv; i += L) {
      FloatVector pv = load(p, i);
      FloatVector grad = load(g, i).add(pv.mul(l2));
      FloatVector mv = load(m, i).mul(beta1).add(grad.mul(oneMinusBeta1));
      FloatVector vv = load(v, i).mul(beta2).add(grad.mul(grad).mul(oneMinusBeta2));
      FloatVector denominator = vv.sqrt().div(sqrtC2).add(epsilon);
      FloatVector next = pv.mul(decay).sub(mv.mul(stepSize).div(denominator));
      VectorMask<Float> finite = next.test(VectorOperators.IS_FINITE)
          .and(mv.test(VectorOperators.IS_FINITE)).and(vv.test(VectorOperators.IS_FINITE));
      if (!finite.allTrue()) {
        return i + finite.not().firstTrue();
      }
    }
    return ScalarFloatProvider.adam(nv, n, p, g, m, v, beta1, oneMinusBeta1, beta2, oneMinusBeta2,
        stepSize, sqrtC2, epsilon, decay, l2, false);
  }

  @Override
  public void sgd(float[] p, float[] g, float[] velocity, float lr, float wd, float mu, boolean nesterov,
      boolean first) {
    int n = p.length;
    int nv = S.loopBound(n);
    for (int i = 0; i < nv; i += L) {
      FloatVector pv = load(p, i);
      FloatVector grad = load(g, i).add(pv.mul(wd));
      FloatVector step = grad;
      if (velocity != null) {
        FloatVector vel = (FloatVector) EXACT.cast(first ? grad : load(velocity, i).mul(mu).add(grad));
        vel.intoArray(velocity, i);
        step = nesterov ? grad.add(vel.mul(mu)) : vel;
      }
      pv.sub(((FloatVector) EXACT.cast(step)).mul(lr)).intoArray(p, i);
    }
    ScalarFloatProvider.sgd(nv, n, p, g, velocity, lr, wd, mu, nesterov, first, true);
  }

  @Override
  public int sgdCheck(float[] p, float[] g, float[] velocity, float lr, float wd, float mu, boolean nesterov,
      boolean first) {
    int n = p.length;
    int nv = S.loopBound(n);
    for (int i = 0; i < nv; i += L) {
      FloatVector pv = load(p, i);
      FloatVector grad = load(g, i).add(pv.mul(wd));
      FloatVector step = grad;
      VectorMask<Float> finite = S.maskAll(true);
      if (velocity != null) {
        FloatVector vel = (FloatVector) EXACT.cast(first ? grad : load(velocity, i).mul(mu).add(grad));
        finite = vel.test(VectorOperators.IS_FINITE);
        step = nesterov ? grad.add(vel.mul(mu)) : vel;
      }
      finite = finite.and(pv.sub(((FloatVector) EXACT.cast(step)).mul(lr)).test(VectorOperators.IS_FINITE));
      if (!finite.allTrue()) {
        return i + finite.not().firstTrue();
      }
    }
    return ScalarFloatProvider.sgd(nv, n, p, g, velocity, lr, wd, mu, nesterov, first, false);
  }
}
