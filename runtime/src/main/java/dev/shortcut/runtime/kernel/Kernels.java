package dev.shortcut.runtime.kernel;

import dev.shortcut.annotations.Activation;

/**
 * The arithmetic of every generated network, one facade over the kernels: the matrix products, the
 * fused element-wise passes around them and the fused dense layers built from both. Generated code
 * is the wiring; it calls these with constant sizes, so one kernel improvement speeds up every
 * network. The loops live next to it: the float providers ({@code VectorFloatProvider}, and
 * {@code ScalarFloatProvider}, the reference), {@code DoubleKernels} and the activation table
 * {@code Activations}.
 *
 * <p>All matrices are dense, row-major, packed (leading dimension = column count) and addressed by
 * an array and an offset, because a network keeps all its parameters, and all its activations, in
 * one array each.
 *
 * <p>Float arithmetic runs on the Vector API when the JVM has {@code --add-modules
 * jdk.incubator.vector}, and on a scalar fallback otherwise ({@link #implementation()}; the
 * system property {@code shortcut.kernels=scalar} forces the fallback). Large products are split
 * by rows of the result over {@link #threads()} threads, so every element is summed in the same
 * order whatever the thread count: results are bit-identical for 1 or n threads, and every
 * reduction has one fixed order, so they do not depend on which code the JIT has compiled either.
 * Double precision, the verification precision, always runs the scalar loops.
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
  private final FloatProvider provider;
  private final GemmJob job;

  private Kernels(int threads) {
    this(threads, PROVIDER);
  }

  private Kernels(int threads, FloatProvider provider) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.threads = threads;
    this.workers = threads > 1 ? new Workers(threads - 1, "shortcut-kernels") : null;
    this.provider = provider;
    this.job = new GemmJob(provider);
  }

  /** Kernels on one thread over {@code provider}: lets tests run the facade on the scalar reference. */
  static Kernels onProvider(FloatProvider provider) {
    return new Kernels(1, provider);
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

  /** {@code "Kernels[2 threads, vector (512-bit)]"}: for logs and test messages. */
  @Override
  public String toString() {
    return "Kernels[" + threads + (threads == 1 ? " thread, " : " threads, ") + provider.name() + "]";
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
      provider.dotRows(0, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
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
      provider.gemm(0, m, n, k, a, aOff, aRow, aCol, b, bOff, c, cOff, accumulate);
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

  /** {@code z = g(z + bias)} in place, row by row. */
  public void biasActivation(
      int rows, int width, float[] z, int zOff, float[] bias, int biasOff, Activation g) {
    provider.biasActivation(rows, width, z, zOff, bias, biasOff, null, 0, g);
  }

  /** {@code z = g(z + bias + s)} in place: the residual addition before the last activation. */
  public void biasShortcutActivation(
      int rows, int width, float[] z, int zOff, float[] bias, int biasOff, float[] s, int sOff,
      Activation g) {
    provider.biasActivation(rows, width, z, zOff, bias, biasOff, s, sOff, g);
  }

  /**
   * Turns {@code ∂L/∂a} into {@code ∂L/∂z} in place, using {@code g'} computed from the output
   * {@code a}, and adds its column sums to the bias gradient.
   */
  public void activationBackward(
      int rows, int width, float[] a, int aOff, float[] grad, int gradOff, Activation g,
      float[] biasGrad, int biasGradOff) {
    provider.activationBackward(rows, width, a, aOff, grad, gradOff, g, biasGrad, biasGradOff);
  }

  /** {@code dst += src}. */
  public void add(int n, float[] src, int srcOff, float[] dst, int dstOff) {
    provider.add(n, src, srcOff, dst, dstOff);
  }

  /** {@code dst = src}. */
  public void copy(int n, float[] src, int srcOff, float[] dst, int dstOff) {
    System.arraycopy(src, srcOff, dst, dstOff, n);
  }

  // ---- dense layers, fused: one call per layer per pass ------------------------------------
  // Each is exactly the unfused sequence the generator used to emit, in the same order, so a network
  // moved onto them computes the same bits.

  /**
   * A dense layer's forward pass, {@code y = g(x Wᵀ + b)}: {@code x} is {@code [batch][in]}, the
   * weight {@code params[wOff ..]} is {@code [out][in]} (PyTorch's), the bias {@code params[bOff ..]}
   * has {@code out} values, {@code y} ({@code [batch][out]}) is overwritten.
   */
  public void denseForward(int batch, int in, int out, float[] x, int xOff, float[] params, int wOff, int bOff,
      Activation g, float[] y, int yOff) {
    matmulABt(batch, out, in, x, xOff, params, wOff, y, yOff, false);
    provider.biasActivation(batch, out, y, yOff, params, bOff, null, 0, g);
  }

  /**
   * The last dense layer of a residual block, {@code y = g(x Wᵀ + b + s)}: the shortcut operand
   * {@code s} ({@code [batch][out]}: the block's input, or its projection) joins before the
   * activation.
   */
  public void denseShortcutForward(int batch, int in, int out, float[] x, int xOff, float[] params, int wOff,
      int bOff, float[] s, int sOff, Activation g, float[] y, int yOff) {
    matmulABt(batch, out, in, x, xOff, params, wOff, y, yOff, false);
    provider.biasActivation(batch, out, y, yOff, params, bOff, s, sOff, g);
  }

  /**
   * A dense layer's backward pass. Given the layer's input {@code x}, its output {@code y} and
   * {@code dy = ∂L/∂y}: turns {@code dy} into {@code ∂L/∂z = dy ⊙ g'(z)} in place, adds
   * {@code Σ_rows ∂L/∂z} to the bias gradient {@code grads[gbOff ..]} and {@code ∂L/∂zᵀ x} to the
   * weight gradient {@code grads[gwOff ..]}, then writes {@code ∂L/∂x = ∂L/∂z W} into {@code dx}
   * as {@code dxWrite} says ({@code dx} may be null with {@link InputGradient#SKIP}).
   */
  public void denseBackward(int batch, int in, int out, float[] x, int xOff, float[] params, int wOff, float[] y,
      int yOff, float[] dy, int dyOff, Activation g, float[] grads, int gwOff, int gbOff, float[] dx, int dxOff,
      InputGradient dxWrite) {
    provider.activationBackward(batch, out, y, yOff, dy, dyOff, g, grads, gbOff);
    matmulAtB(out, in, batch, dy, dyOff, x, xOff, grads, gwOff, true);
    inputGradient(batch, in, out, dy, dyOff, params, wOff, dx, dxOff, dxWrite);
  }

  /**
   * {@link #denseBackward} for the last layer of a block with an identity shortcut: right after
   * {@code ∂L/∂z} is formed, it is also handed, unchanged, to the shortcut's source gradient
   * {@code ds} ({@code [batch][out]}) as {@code dsWrite} says: the residual network's lesson, the
   * gradient reaching {@code a[l]} without passing through the block's weights.
   */
  public void denseShortcutBackward(int batch, int in, int out, float[] x, int xOff, float[] params, int wOff,
      float[] y, int yOff, float[] dy, int dyOff, Activation g, float[] grads, int gwOff, int gbOff, float[] dx,
      int dxOff, InputGradient dxWrite, float[] ds, int dsOff, InputGradient dsWrite) {
    provider.activationBackward(batch, out, y, yOff, dy, dyOff, g, grads, gbOff);
    if (dsWrite == InputGradient.OVERWRITE) {
      copy(batch * out, dy, dyOff, ds, dsOff);
    } else if (dsWrite == InputGradient.ACCUMULATE) {
      provider.add(batch * out, dy, dyOff, ds, dsOff);
    }
    matmulAtB(out, in, batch, dy, dyOff, x, xOff, grads, gwOff, true);
    inputGradient(batch, in, out, dy, dyOff, params, wOff, dx, dxOff, dxWrite);
  }

  /**
   * A linear map without bias or activation, {@code y = x Wᵀ} (overwrites {@code y}): a dense
   * projection shortcut {@code W_s a[l]}, or a dense layer whose batch normalization follows.
   */
  public void linearForward(int batch, int in, int out, float[] x, int xOff, float[] params, int wOff, float[] y,
      int yOff) {
    matmulABt(batch, out, in, x, xOff, params, wOff, y, yOff, false);
  }

  /**
   * Backward of {@link #linearForward} given {@code dy = ∂L/∂y} (left unchanged): adds
   * {@code dyᵀ x} to the weight gradient and writes {@code dy W} into {@code dx} as {@code dxWrite}
   * says.
   */
  public void linearBackward(int batch, int in, int out, float[] x, int xOff, float[] params, int wOff, float[] dy,
      int dyOff, float[] grads, int gwOff, float[] dx, int dxOff, InputGradient dxWrite) {
    matmulAtB(out, in, batch, dy, dyOff, x, xOff, grads, gwOff, true);
    inputGradient(batch, in, out, dy, dyOff, params, wOff, dx, dxOff, dxWrite);
  }

  private void inputGradient(int batch, int in, int out, float[] dz, int dzOff, float[] params, int wOff,
      float[] dx, int dxOff, InputGradient write) {
    if (write != InputGradient.SKIP) {
      matmulAB(batch, in, out, dz, dzOff, params, wOff, dx, dxOff, write == InputGradient.ACCUMULATE);
    }
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

  // ---- double: the loops are in DoubleKernels -------------------------------------------

  /** Double-precision {@link #matmulABt(int, int, int, float[], int, float[], int, float[], int, boolean)}. */
  public void matmulABt(
      int m, int n, int k, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff,
      boolean accumulate) {
    DoubleKernels.matmulABt(m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
  }

  /** Double-precision {@link #matmulAB(int, int, int, float[], int, float[], int, float[], int, boolean)}. */
  public void matmulAB(
      int m, int n, int k, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff,
      boolean accumulate) {
    DoubleKernels.matmulAB(m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
  }

  /** Double-precision {@link #matmulAtB(int, int, int, float[], int, float[], int, float[], int, boolean)}. */
  public void matmulAtB(
      int m, int n, int k, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff,
      boolean accumulate) {
    DoubleKernels.matmulAtB(m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
  }

  /** Double-precision {@link #biasActivation(int, int, float[], int, float[], int, Activation)}. */
  public void biasActivation(
      int rows, int width, double[] z, int zOff, double[] bias, int biasOff, Activation g) {
    DoubleKernels.biasActivation(rows, width, z, zOff, bias, biasOff, null, 0, g);
  }

  /** Double-precision residual addition and activation. */
  public void biasShortcutActivation(
      int rows, int width, double[] z, int zOff, double[] bias, int biasOff, double[] s, int sOff,
      Activation g) {
    DoubleKernels.biasActivation(rows, width, z, zOff, bias, biasOff, s, sOff, g);
  }

  /** Double-precision activation backward with bias-gradient accumulation. */
  public void activationBackward(
      int rows, int width, double[] a, int aOff, double[] grad, int gradOff, Activation g,
      double[] biasGrad, int biasGradOff) {
    DoubleKernels.activationBackward(rows, width, a, aOff, grad, gradOff, g, biasGrad, biasGradOff);
  }

  /** {@code dst += src}. */
  public void add(int n, double[] src, int srcOff, double[] dst, int dstOff) {
    DoubleKernels.add(n, src, srcOff, dst, dstOff);
  }

  /** {@code dst = src}. */
  public void copy(int n, double[] src, int srcOff, double[] dst, int dstOff) {
    System.arraycopy(src, srcOff, dst, dstOff, n);
  }

  /** Double-precision {@link #denseForward(int, int, int, float[], int, float[], int, int, Activation, float[], int)}. */
  public void denseForward(int batch, int in, int out, double[] x, int xOff, double[] params, int wOff, int bOff,
      Activation g, double[] y, int yOff) {
    DoubleKernels.matmulABt(batch, out, in, x, xOff, params, wOff, y, yOff, false);
    DoubleKernels.biasActivation(batch, out, y, yOff, params, bOff, null, 0, g);
  }

  /** Double-precision {@link #denseShortcutForward(int, int, int, float[], int, float[], int, int, float[], int, Activation, float[], int)}. */
  public void denseShortcutForward(int batch, int in, int out, double[] x, int xOff, double[] params, int wOff,
      int bOff, double[] s, int sOff, Activation g, double[] y, int yOff) {
    DoubleKernels.matmulABt(batch, out, in, x, xOff, params, wOff, y, yOff, false);
    DoubleKernels.biasActivation(batch, out, y, yOff, params, bOff, s, sOff, g);
  }

  /** Double-precision {@link #denseBackward(int, int, int, float[], int, float[], int, float[], int, float[], int, Activation, float[], int, int, float[], int, InputGradient)}. */
  public void denseBackward(int batch, int in, int out, double[] x, int xOff, double[] params, int wOff,
      double[] y, int yOff, double[] dy, int dyOff, Activation g, double[] grads, int gwOff, int gbOff, double[] dx,
      int dxOff, InputGradient dxWrite) {
    DoubleKernels.activationBackward(batch, out, y, yOff, dy, dyOff, g, grads, gbOff);
    DoubleKernels.matmulAtB(out, in, batch, dy, dyOff, x, xOff, grads, gwOff, true);
    inputGradient(batch, in, out, dy, dyOff, params, wOff, dx, dxOff, dxWrite);
  }

  /** Double-precision {@link #denseShortcutBackward(int, int, int, float[], int, float[], int, float[], int, float[], int, Activation, float[], int, int, float[], int, InputGradient, float[], int, InputGradient)}. */
  public void denseShortcutBackward(int batch, int in, int out, double[] x, int xOff, double[] params, int wOff,
      double[] y, int yOff, double[] dy, int dyOff, Activation g, double[] grads, int gwOff, int gbOff, double[] dx,
      int dxOff, InputGradient dxWrite, double[] ds, int dsOff, InputGradient dsWrite) {
    DoubleKernels.activationBackward(batch, out, y, yOff, dy, dyOff, g, grads, gbOff);
    if (dsWrite == InputGradient.OVERWRITE) {
      copy(batch * out, dy, dyOff, ds, dsOff);
    } else if (dsWrite == InputGradient.ACCUMULATE) {
      DoubleKernels.add(batch * out, dy, dyOff, ds, dsOff);
    }
    DoubleKernels.matmulAtB(out, in, batch, dy, dyOff, x, xOff, grads, gwOff, true);
    inputGradient(batch, in, out, dy, dyOff, params, wOff, dx, dxOff, dxWrite);
  }

  /** Double-precision {@link #linearForward(int, int, int, float[], int, float[], int, float[], int)}. */
  public void linearForward(int batch, int in, int out, double[] x, int xOff, double[] params, int wOff,
      double[] y, int yOff) {
    DoubleKernels.matmulABt(batch, out, in, x, xOff, params, wOff, y, yOff, false);
  }

  /** Double-precision {@link #linearBackward(int, int, int, float[], int, float[], int, float[], int, float[], int, float[], int, InputGradient)}. */
  public void linearBackward(int batch, int in, int out, double[] x, int xOff, double[] params, int wOff,
      double[] dy, int dyOff, double[] grads, int gwOff, double[] dx, int dxOff, InputGradient dxWrite) {
    DoubleKernels.matmulAtB(out, in, batch, dy, dyOff, x, xOff, grads, gwOff, true);
    inputGradient(batch, in, out, dy, dyOff, params, wOff, dx, dxOff, dxWrite);
  }

  private static void inputGradient(int batch, int in, int out, double[] dz, int dzOff, double[] params, int wOff,
      double[] dx, int dxOff, InputGradient write) {
    if (write != InputGradient.SKIP) {
      DoubleKernels.matmulAB(batch, in, out, dz, dzOff, params, wOff, dx, dxOff, write == InputGradient.ACCUMULATE);
    }
  }

  // ---- activations: the table is Activations; these names serve the spatial kernels' code --

  static float activate(Activation g, float z) {
    return Activations.activate(g, z);
  }

  static double activate(Activation g, double z) {
    return Activations.activate(g, z);
  }

  static float gradient(Activation g, float a, float grad) {
    return Activations.gradient(g, a, grad);
  }

  static double gradient(Activation g, double a, double grad) {
    return Activations.gradient(g, a, grad);
  }

  static double derivative(Activation g, double a) {
    return Activations.derivative(g, a);
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
