package dev.shortcut.runtime.kernel;

import dev.shortcut.annotations.Activation;

/**
 * The arithmetic of every generated network: three matrix products and the fused element-wise
 * passes around them. Generated code is the wiring; it calls these with constant sizes, so one
 * kernel improvement speeds up every network.
 *
 * <p>All matrices are dense, row-major, packed (leading dimension = column count) and addressed by
 * an array and an offset, because a network keeps all its parameters, and all its activations, in
 * one array each.
 *
 * <p>Float arithmetic runs on the Vector API when the JVM has {@code --add-modules
 * jdk.incubator.vector}, and on a scalar fallback otherwise ({@link #implementation()}; the
 * system property {@code shortcut.kernels=scalar} forces the fallback). Large products are split
 * by rows of the result over {@link #threads()} threads, so every element is summed in the same
 * order whatever the thread count: results are bit-identical for 1 or n threads. Double precision,
 * the verification precision, always runs the scalar loops.
 *
 * <p>Instances are shared per thread count; one with several threads owns daemon worker threads,
 * and runs one split product at a time. Steady-state calls allocate nothing.
 */
public final class Kernels {
  private static final System.Logger LOG = System.getLogger(Kernels.class.getName());
  static final FloatProvider PROVIDER = chooseProvider();
  private static final Kernels DEFAULT = new Kernels(1);
  private static final java.util.concurrent.ConcurrentHashMap<Integer, Kernels> SHARED =
      new java.util.concurrent.ConcurrentHashMap<>();
  /** Products with fewer multiply-adds than this stay on the calling thread. */
  static final long PARALLEL_THRESHOLD = 1L << 21;

  private final int threads;
  private final Workers workers;
  private final GemmJob job = new GemmJob();

  private Kernels(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.threads = threads;
    this.workers = threads > 1 ? new Workers(threads - 1, "shortcut-kernels") : null;
  }

  private static FloatProvider chooseProvider() {
    if ("scalar".equals(System.getProperty("shortcut.kernels"))) {
      LOG.log(System.Logger.Level.INFO, "Shortcut kernels: scalar (forced by -Dshortcut.kernels=scalar)");
      return new ScalarFloatProvider();
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      try {
        FloatProvider p = (FloatProvider) Class.forName("dev.shortcut.runtime.kernel.VectorFloatProvider")
            .getDeclaredConstructor().newInstance();
        LOG.log(System.Logger.Level.INFO, "Shortcut kernels: " + p.name());
        return p;
      } catch (ReflectiveOperationException | LinkageError e) {
        LOG.log(System.Logger.Level.WARNING, "Shortcut kernels: Vector API unusable (" + e + "); using scalar");
        return new ScalarFloatProvider();
      }
    }
    LOG.log(System.Logger.Level.WARNING, "Shortcut kernels: scalar. Run the JVM with "
        + "--add-modules jdk.incubator.vector for the vectorized kernels (several times faster).");
    return new ScalarFloatProvider();
  }

  /** Kernels that run on the calling thread only. */
  public static Kernels singleThreaded() {
    return DEFAULT;
  }

  /** Kernels that split large products over {@code threads} threads (the caller included). */
  public static Kernels withThreads(int threads) {
    if (threads == 1) {
      return DEFAULT;
    }
    // One pool per thread count for the whole JVM: networks share it, and no threads leak.
    return SHARED.computeIfAbsent(threads, Kernels::new);
  }

  /** Number of threads a product may use. */
  public int threads() {
    return threads;
  }

  /** Which float implementation runs: {@code "vector (512-bit)"} or {@code "scalar"}. */
  public static String implementation() {
    return PROVIDER.name();
  }

  // ---- float ------------------------------------------------------------------------------

  /**
   * {@code c[m][n] (+)= a[m][k] · b[n][k]ᵀ}: a dense layer's forward, {@code z = a Wᵀ}. With W stored
   * {@code [out][in]} this is rows of A against rows of W: dot products, no transpose.
   */
  public void matmulABt(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      boolean accumulate) {
    if (workers == null || (long) m * n * k < PARALLEL_THRESHOLD || m < 8 * threads) {
      PROVIDER.dotRows(0, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
      return;
    }
    split(true, m, n, k, a, aOff, 0, 0, b, bOff, c, cOff, accumulate);
  }

  /** {@code c[m][n] (+)= a[m][k] · b[k][n]}: the input gradient, {@code da = dz W}. */
  public void matmulAB(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      boolean accumulate) {
    gemm(m, n, k, a, aOff, k, 1, b, bOff, c, cOff, accumulate);
  }

  /** {@code c[m][n] (+)= a[k][m]ᵀ · b[k][n]}: the weight gradient, {@code dW += dzᵀ a}. */
  public void matmulAtB(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      boolean accumulate) {
    gemm(m, n, k, a, aOff, 1, m, b, bOff, c, cOff, accumulate);
  }

  private void gemm(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff,
      float[] c, int cOff, boolean accumulate) {
    if (workers == null || (long) m * n * k < PARALLEL_THRESHOLD || m < 2 * threads) {
      PROVIDER.gemm(0, m, n, k, a, aOff, aRow, aCol, b, bOff, c, cOff, accumulate);
      return;
    }
    split(false, m, n, k, a, aOff, aRow, aCol, b, bOff, c, cOff, accumulate);
  }

  /** Runs one product on all threads; one at a time, since the job's fields are shared. */
  private void split(boolean dot, int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b,
      int bOff, float[] c, int cOff, boolean accumulate) {
    synchronized (job) {
      job.set(dot, m, n, k, a, aOff, aRow, aCol, b, bOff, c, cOff, accumulate);
      workers.run(job);
      job.clear();
    }
  }

  /** A product split by rows of C; its fields are set per call, so no job object is allocated. */
  private static final class GemmJob implements Workers.Job {
    boolean dot;
    int m;
    int n;
    int k;
    float[] a;
    int aOff;
    int aRow;
    int aCol;
    float[] b;
    int bOff;
    float[] c;
    int cOff;
    boolean accumulate;

    void set(boolean dot, int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff,
        float[] c, int cOff, boolean accumulate) {
      this.dot = dot;
      this.m = m;
      this.n = n;
      this.k = k;
      this.a = a;
      this.aOff = aOff;
      this.aRow = aRow;
      this.aCol = aCol;
      this.b = b;
      this.bOff = bOff;
      this.c = c;
      this.cOff = cOff;
      this.accumulate = accumulate;
    }

    void clear() {
      a = null;
      b = null;
      c = null;
    }

    @Override
    public void run(int part, int parts) {
      // Row ranges aligned to the 4-row tile, so a split never changes how a row is computed.
      int tiles = (m + 3) / 4;
      int start = Math.min(m, 4 * (int) ((long) tiles * part / parts));
      int end = Math.min(m, 4 * (int) ((long) tiles * (part + 1) / parts));
      if (start < end && dot) {
        PROVIDER.dotRows(start, end, n, k, a, aOff, b, bOff, c, cOff, accumulate);
      } else if (start < end) {
        PROVIDER.gemm(start, end, n, k, a, aOff, aRow, aCol, b, bOff, c, cOff, accumulate);
      }
    }
  }

  /** {@code z = g(z + bias)} in place, row by row. */
  public void biasActivation(
      int rows, int width, float[] z, int zOff, float[] bias, int biasOff, Activation g) {
    PROVIDER.biasActivation(rows, width, z, zOff, bias, biasOff, null, 0, g);
  }

  /** {@code z = g(z + bias + s)} in place: the residual addition before the last activation. */
  public void biasShortcutActivation(
      int rows, int width, float[] z, int zOff, float[] bias, int biasOff, float[] s, int sOff,
      Activation g) {
    PROVIDER.biasActivation(rows, width, z, zOff, bias, biasOff, s, sOff, g);
  }

  /**
   * Turns {@code ∂L/∂a} into {@code ∂L/∂z} in place, using {@code g'} computed from the output
   * {@code a}, and adds its column sums to the bias gradient.
   */
  public void activationBackward(
      int rows, int width, float[] a, int aOff, float[] grad, int gradOff, Activation g,
      float[] biasGrad, int biasGradOff) {
    PROVIDER.activationBackward(rows, width, a, aOff, grad, gradOff, g, biasGrad, biasGradOff);
  }

  /** {@code dst += src}. */
  public void add(int n, float[] src, int srcOff, float[] dst, int dstOff) {
    PROVIDER.add(n, src, srcOff, dst, dstOff);
  }

  /** {@code dst = src}. */
  public void copy(int n, float[] src, int srcOff, float[] dst, int dstOff) {
    System.arraycopy(src, srcOff, dst, dstOff, n);
  }

  /** One Adam update over the whole parameter array; see the optimizer for the formula. */
  public static void adamUpdate(float[] p, float[] g, float[] m, float[] v, float beta1, float beta2,
      float stepSize, float sqrtC2, float epsilon, float decay, float l2) {
    PROVIDER.adam(p, g, m, v, beta1, beta2, stepSize, sqrtC2, epsilon, decay, l2);
  }

  /**
   * The Adam update above computed but not written: the index of the first parameter whose new
   * value or moments would be NaN or infinite, or -1 when the update may be applied.
   */
  public static int adamCheck(float[] p, float[] g, float[] m, float[] v, float beta1, float beta2,
      float stepSize, float sqrtC2, float epsilon, float decay, float l2) {
    return PROVIDER.adamCheck(p, g, m, v, beta1, beta2, stepSize, sqrtC2, epsilon, decay, l2);
  }

  /** The SGD update below computed but not written; as {@link #adamCheck}. */
  public static int sgdCheck(float[] p, float[] g, float[] velocity, float lr, float wd, float mu,
      boolean nesterov, boolean first) {
    return PROVIDER.sgdCheck(p, g, velocity, lr, wd, mu, nesterov, first);
  }

  /** One SGD update (momentum when {@code velocity} is not null). */
  public static void sgdUpdate(float[] p, float[] g, float[] velocity, float lr, float wd, float mu,
      boolean nesterov, boolean first) {
    PROVIDER.sgd(p, g, velocity, lr, wd, mu, nesterov, first);
  }

  // ---- double -----------------------------------------------------------------------------

  /** Double-precision {@link #matmulABt(int, int, int, float[], int, float[], int, float[], int, boolean)}. */
  public void matmulABt(
      int m, int n, int k, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff,
      boolean accumulate) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = accumulate ? c[cOff + i * n + j] : 0d;
        for (int p = 0; p < k; p++) {
          s += a[aOff + i * k + p] * b[bOff + j * k + p];
        }
        c[cOff + i * n + j] = s;
      }
    }
  }

  /** Double-precision {@link #matmulAB(int, int, int, float[], int, float[], int, float[], int, boolean)}. */
  public void matmulAB(
      int m, int n, int k, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff,
      boolean accumulate) {
    for (int i = 0; i < m; i++) {
      if (!accumulate) {
        java.util.Arrays.fill(c, cOff + i * n, cOff + i * n + n, 0d);
      }
      for (int p = 0; p < k; p++) {
        double x = a[aOff + i * k + p];
        for (int j = 0; j < n; j++) {
          c[cOff + i * n + j] += x * b[bOff + p * n + j];
        }
      }
    }
  }

  /** Double-precision {@link #matmulAtB(int, int, int, float[], int, float[], int, float[], int, boolean)}. */
  public void matmulAtB(
      int m, int n, int k, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff,
      boolean accumulate) {
    if (!accumulate) {
      java.util.Arrays.fill(c, cOff, cOff + m * n, 0d);
    }
    for (int p = 0; p < k; p++) {
      for (int i = 0; i < m; i++) {
        double x = a[aOff + p * m + i];
        for (int j = 0; j < n; j++) {
          c[cOff + i * n + j] += x * b[bOff + p * n + j];
        }
      }
    }
  }

  /** Double-precision {@link #biasActivation(int, int, float[], int, float[], int, Activation)}. */
  public void biasActivation(
      int rows, int width, double[] z, int zOff, double[] bias, int biasOff, Activation g) {
    for (int r = 0; r < rows; r++) {
      int row = zOff + r * width;
      for (int j = 0; j < width; j++) {
        z[row + j] = activate(g, z[row + j] + bias[biasOff + j]);
      }
    }
  }

  /** Double-precision residual addition and activation. */
  public void biasShortcutActivation(
      int rows, int width, double[] z, int zOff, double[] bias, int biasOff, double[] s, int sOff,
      Activation g) {
    for (int r = 0; r < rows; r++) {
      int row = zOff + r * width;
      int srow = sOff + r * width;
      for (int j = 0; j < width; j++) {
        z[row + j] = activate(g, z[row + j] + bias[biasOff + j] + s[srow + j]);
      }
    }
  }

  /** Double-precision activation backward with bias-gradient accumulation. */
  public void activationBackward(
      int rows, int width, double[] a, int aOff, double[] grad, int gradOff, Activation g,
      double[] biasGrad, int biasGradOff) {
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < width; j++) {
        int i = r * width + j;
        double d = gradient(g, a[aOff + i], grad[gradOff + i]);
        grad[gradOff + i] = d;
        biasGrad[biasGradOff + j] += d;
      }
    }
  }

  /** {@code dst += src}. */
  public void add(int n, double[] src, int srcOff, double[] dst, int dstOff) {
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] += src[srcOff + i];
    }
  }

  /** {@code dst = src}. */
  public void copy(int n, double[] src, int srcOff, double[] dst, int dstOff) {
    System.arraycopy(src, srcOff, dst, dstOff, n);
  }

  // ---- activations: one table of rules, each derivative from the output -------------------
  // NaN and infinities pass through every rule the same way on the scalar, vector and double
  // paths: relu(NaN) is NaN, as in PyTorch, so a broken weight shows in the output on any JVM.

  static float activate(Activation g, float z) {
    return (float) activate(g, (double) z);
  }

  static double activate(Activation g, double z) {
    switch (g) {
      case RELU:
        return Math.max(z, 0); // NaN stays NaN (z > 0 ? z : 0 would turn it into 0)
      case NONE:
        return z;
      case TANH:
        return Math.tanh(z);
      case SIGMOID:
        return 1 / (1 + Math.exp(-z));
      case LEAKY_RELU:
        return z > 0 ? z : Activation.LEAKY_SLOPE * z;
      default:
        throw new AssertionError(g);
    }
  }

  /**
   * {@code ∂L/∂z} from {@code ∂L/∂a} and the output {@code a}. ReLU and leaky ReLU select by the
   * sign of {@code a}, as PyTorch's {@code threshold_backward} does and as the vector kernel's
   * blend does: where {@code a ≤ 0} the gradient is 0 (or scaled by the slope), elsewhere, a NaN
   * output included, it passes unchanged.
   */
  static float gradient(Activation g, float a, float grad) {
    switch (g) {
      case RELU:
        return a <= 0 ? 0f : grad;
      case LEAKY_RELU:
        return a <= 0 ? grad * (float) Activation.LEAKY_SLOPE : grad;
      default:
        return grad * (float) derivative(g, (double) a);
    }
  }

  /** Double-precision {@link #gradient(Activation, float, float)}. */
  static double gradient(Activation g, double a, double grad) {
    switch (g) {
      case RELU:
        return a <= 0 ? 0 : grad;
      case LEAKY_RELU:
        return a <= 0 ? grad * Activation.LEAKY_SLOPE : grad;
      default:
        return grad * derivative(g, a);
    }
  }

  /** {@code g'(z)} written in terms of {@code a = g(z)}, for the smooth activations. */
  static double derivative(Activation g, double a) {
    switch (g) {
      case NONE:
        return 1;
      case TANH:
        return 1 - a * a;
      case SIGMOID:
        return a * (1 - a);
      default:
        throw new AssertionError(g + " selects by sign; see gradient()");
    }
  }

  // ---- finiteness --------------------------------------------------------------------------

  /**
   * The index of the first NaN or infinity in {@code a[from, to)}, or -1: for diagnostics after a
   * loss that is not finite, and for generated networks that report which layer's output broke.
   */
  public static int firstNonFinite(float[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!Float.isFinite(a[i])) {
        return i;
      }
    }
    return -1;
  }

  /** Double-precision {@link #firstNonFinite(float[], int, int)}. */
  public static int firstNonFinite(double[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!Double.isFinite(a[i])) {
        return i;
      }
    }
    return -1;
  }
}
