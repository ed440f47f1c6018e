package dev.shortcut.runtime.kernel;

import dev.shortcut.runtime.Architecture;
import java.util.List;

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
  /** Pools by thread count and pool number. */
  private static final java.util.concurrent.ConcurrentHashMap<java.util.List<Integer>, Kernels> SHARED =
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
      } catch (ExceptionInInitializerError e) {
        if (e.getCause() instanceof IllegalArgumentException) {
          throw (IllegalArgumentException) e.getCause(); // a bad -Dshortcut.vectorBits
        }
        LOG.log(System.Logger.Level.WARNING, "Shortcut kernels: Vector API unusable (" + e + "); using scalar");
        return new ScalarFloatProvider();
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
    return withThreads(threads, 0);
  }

  /**
   * Kernels on {@code threads} threads from the JVM's pool number {@code pool} of that size. A pool
   * runs one product at a time, so runs that share a JVM and should not wait for each other (a
   * sweep's concurrent cells) each take their own; the numbers agree bit for bit whichever pool
   * computes them, since the split depends on the thread count alone.
   */
  public static Kernels withThreads(int threads, int pool) {
    if (pool < 0) {
      throw new IllegalArgumentException("pool numbers start at 0, got " + pool);
    }
    if (threads == 1) {
      return DEFAULT; // the calling thread only: nothing to share
    }
    // Pools live as long as the JVM: networks share them, and no threads leak.
    return SHARED.computeIfAbsent(java.util.List.of(threads, pool), key -> new Kernels(key.get(0)));
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
   * {@code [out][in]} this is rows of A against rows of W: dot products for a few rows; for more
   * ({@link #transposeFirst}), W transposed into per-thread scratch and the broadcast product.
   */
  public void matmulABt(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      boolean accumulate) {
    if (transposeFirst(m, k)) {
      // Per thread, not per Kernels: the single-threaded instance is shared by concurrent runs.
      Transposed scratch = TRANSPOSED.get();
      if (scratch.weights.length < n * k) {
        scratch.weights = new float[n * k]; // grows to the widest layer once, then reused
      }
      provider.transpose(n, k, b, bOff, scratch.weights, scratch.offsets);
      gemm(m, n, k, a, aOff, k, 1, scratch.weights, 0, c, cOff, accumulate);
      return;
    }
    if (workers == null || (long) m * n * k < PARALLEL_THRESHOLD || m < 8 * threads) {
      provider.dotRows(0, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
      return;
    }
    split(true, m, n, k, a, aOff, 0, 0, b, bOff, c, cOff, accumulate);
  }

  /** A thread's copy of a transposed weight matrix, and the gather offsets that made it. */
  private static final class Transposed {
    float[] weights = new float[0];
    final int[] offsets = new int[64];
  }

  private static final ThreadLocal<Transposed> TRANSPOSED = ThreadLocal.withInitial(Transposed::new);

  /**
   * Whether {@code x Wᵀ} runs faster as W transposed once, then the broadcast product (65–96 % of
   * peak), than as dot products, whose reductions hold them to 20–60 %. The transpose costs about
   * half a nanosecond an element of W; the product saves that much once there are enough rows: from
   * 24 rows on narrow layers, where the dot products are at their worst, and from 64 on wide ones
   * (DenseKernels measures both).
   */
  static boolean transposeFirst(int m, int k) {
    return m >= 64 || (m >= 24 && k <= 128);
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
  public static void adamUpdate(float[] p, float[] g, float[] m, float[] v, float beta1,
      float oneMinusBeta1, float beta2, float oneMinusBeta2,
      float stepSize, float sqrtC2, float epsilon, float decay, float l2) {
    PROVIDER.adam(p, g, m, v, beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, sqrtC2,
        epsilon, decay, l2);
  }

  /**
   * The Adam update above computed but not written: the index of the first parameter whose new
   * value or moments would be NaN or infinite, or -1 when the update may be applied.
   */
  public static int adamCheck(float[] p, float[] g, float[] m, float[] v, float beta1,
      float oneMinusBeta1, float beta2, float oneMinusBeta2,
      float stepSize, float sqrtC2, float epsilon, float decay, float l2) {
    return PROVIDER.adamCheck(p, g, m, v, beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize,
        sqrtC2, epsilon, decay, l2);
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

  /**
   * For a generated network after {@code forward(batch)}: the index, in {@code
   * architecture.layers()}, of the first layer whose output rows {@code [0, batch)} hold a NaN or an
   * infinity, or -1. Generated classes lay their activations out in exactly that order: each
   * layer's output, {@code [maxBatch][size]}, one after the other in {@code activations}, except the
   * last layer's, which is {@code output}.
   */
  public static int firstNonFiniteLayer(Architecture architecture, float[] activations, float[] output, int batch,
      int maxBatch) {
    List<Architecture.Layer> layers = architecture.layers();
    long offset = 0;
    for (int i = 0; i < layers.size(); i++) {
      int size = layers.get(i).output().size();
      if (i == layers.size() - 1) {
        return firstNonFinite(output, 0, batch * size) >= 0 ? i : -1;
      }
      int from = Math.toIntExact(offset * maxBatch);
      if (firstNonFinite(activations, from, from + batch * size) >= 0) {
        return i;
      }
      offset += size;
    }
    return -1;
  }

  /** Double-precision {@link #firstNonFiniteLayer(Architecture, float[], float[], int, int)}. */
  public static int firstNonFiniteLayer(Architecture architecture, double[] activations, double[] output, int batch,
      int maxBatch) {
    List<Architecture.Layer> layers = architecture.layers();
    long offset = 0;
    for (int i = 0; i < layers.size(); i++) {
      int size = layers.get(i).output().size();
      if (i == layers.size() - 1) {
        return firstNonFinite(output, 0, batch * size) >= 0 ? i : -1;
      }
      int from = Math.toIntExact(offset * maxBatch);
      if (firstNonFinite(activations, from, from + batch * size) >= 0) {
        return i;
      }
      offset += size;
    }
    return -1;
  }

  // ---- shortcuts -----------------------------------------------------------------------------

  /**
   * An identity shortcut's backward, the residual network's lesson: the gradient at the addition
   * {@code dz} reaches the block's input unchanged, {@code dIn (=|+=) dz} as {@code write} says.
   */
  public void residualBackward(int count, float[] dz, int dzOff, float[] dIn, int dInOff, InputGradient write) {
    if (write == InputGradient.OVERWRITE) {
      System.arraycopy(dz, dzOff, dIn, dInOff, count);
    } else if (write == InputGradient.ACCUMULATE) {
      provider.add(count, dz, dzOff, dIn, dInOff);
    }
  }

  /** Double-precision {@link #residualBackward(int, float[], int, float[], int, InputGradient)}. */
  public void residualBackward(int count, double[] dz, int dzOff, double[] dIn, int dInOff, InputGradient write) {
    if (write == InputGradient.OVERWRITE) {
      System.arraycopy(dz, dzOff, dIn, dInOff, count);
    } else if (write == InputGradient.ACCUMULATE) {
      for (int i = 0; i < count; i++) {
        dIn[dInOff + i] += dz[dzOff + i];
      }
    }
  }

  /**
   * Adds the option-A shortcut to a pre-activation: {@code z[n][h][w][first + c] +=
   * in[n][h·s][w·s][c]} for {@code c < inChannels}, {@code first = pad.firstChannel()} (the zero
   * channels around them add nothing), where no batch normalization comes between the layer and its
   * activation.
   */
  public void zeroPadShortcutAdd(ZeroPadShortcut pad, int batch, float[] in, int inOff, float[] z, int zOff) {
    checkBatch(batch);
    int oh = pad.outHeight();
    int ow = pad.outWidth();
    int ic = pad.inChannels();
    int oc = pad.outChannels();
    for (int n = 0; n < batch; n++) {
      for (int h = 0; h < oh; h++) {
        for (int w = 0; w < ow; w++) {
          int src = inOff + ((n * pad.inHeight() + h * pad.stride()) * pad.inWidth() + w * pad.stride()) * ic;
          int dst = zOff + ((n * oh + h) * ow + w) * oc + pad.firstChannel();
          for (int c = 0; c < ic; c++) {
            z[dst + c] += in[src + c];
          }
        }
      }
    }
  }

  /** Double-precision {@link #zeroPadShortcutAdd(ZeroPadShortcut, int, float[], int, float[], int)}. */
  public void zeroPadShortcutAdd(ZeroPadShortcut pad, int batch, double[] in, int inOff, double[] z, int zOff) {
    checkBatch(batch);
    int oh = pad.outHeight();
    int ow = pad.outWidth();
    int ic = pad.inChannels();
    int oc = pad.outChannels();
    for (int n = 0; n < batch; n++) {
      for (int h = 0; h < oh; h++) {
        for (int w = 0; w < ow; w++) {
          int src = inOff + ((n * pad.inHeight() + h * pad.stride()) * pad.inWidth() + w * pad.stride()) * ic;
          int dst = zOff + ((n * oh + h) * ow + w) * oc + pad.firstChannel();
          for (int c = 0; c < ic; c++) {
            z[dst + c] += in[src + c];
          }
        }
      }
    }
  }

  // =========================================================================================
  // Convolutional networks: convolution, batch normalization, pooling, shortcuts.
  //
  // Activations are NHWC ([batch][height][width][channels], row-major), one layout for the whole
  // network; convolution weights are HWIO ([kh][kw][in][out]); a per-channel kernel sees a tensor
  // as rows = batch·height·width of width = channels (a dense layer's [batch][units] is the case
  // height = width = 1). Shapes are the generated class's constants (ConvShape, PoolShape,
  // ZeroPadShortcut); the batch size is given per call. Every method validates its array spans,
  // allocates nothing, and splits large work over threads() threads with results bit-identical to
  // one thread. Scratch buffers belong to the caller (one network, one thread at a time), so one
  // Kernels instance serves any number of networks.
  // =========================================================================================

  /** The float kernels of convolutional networks; the same choice as {@link #PROVIDER}. */
  static final SpatialFloatProvider SPATIAL = chooseSpatialProvider();
  /**
   * Per-channel and pooling passes with fewer elements than this stay on the calling thread: they
   * are bound by memory, and a split costs a handoff.
   */
  static final long SPATIAL_ELEMENTWISE_THRESHOLD = 1L << 18;
  /** Weight of the batch statistics in a running-statistics update (PyTorch's default momentum). */
  public static final double BATCH_NORM_MOMENTUM = 0.1;
  /** Added to the variance before the square root (PyTorch's default ε). */
  public static final double BATCH_NORM_EPSILON = 1e-5;

  private final SpatialJob spatialJob = new SpatialJob();

  private static SpatialFloatProvider chooseSpatialProvider() {
    if (PROVIDER instanceof ScalarFloatProvider) {
      return new ScalarSpatialProvider();
    }
    try {
      return (SpatialFloatProvider) Class.forName("dev.shortcut.runtime.kernel.VectorSpatialProvider")
          .getDeclaredConstructor().newInstance();
    } catch (ExceptionInInitializerError e) {
      if (e.getCause() instanceof IllegalArgumentException) {
        throw (IllegalArgumentException) e.getCause(); // a bad -Dshortcut.vectorBits
      }
      LOG.log(System.Logger.Level.WARNING, "Shortcut convolution kernels: Vector API unusable (" + e + "); using scalar");
      return new ScalarSpatialProvider();
    } catch (ReflectiveOperationException | LinkageError e) {
      LOG.log(System.Logger.Level.WARNING, "Shortcut convolution kernels: Vector API unusable (" + e + "); using scalar");
      return new ScalarSpatialProvider();
    }
  }

  /** Which float implementation the convolution kernels run, e.g. {@code "vector (512-bit)"}. */
  public static String spatialImplementation() {
    return SPATIAL.name();
  }

  /** Floats of {@code saved} scratch one batch normalization over {@code channels} channels needs: 4 per channel. */
  public static int batchNormScratchSize(int channels) {
    return 4 * channels;
  }

  private int spatialParts(long work, long threshold) {
    return workers == null || work < threshold ? 1 : threads;
  }

  /** Per-channel sums split by whole vectors of channels: worth it from two vectors per thread. */
  private boolean splitsByChannel(int rows, int channels) {
    return spatialParts((long) rows * channels, SPATIAL_ELEMENTWISE_THRESHOLD) > 1
        && channels >= 2 * SPATIAL.vectorLength();
  }

  /** Runs the job the caller just set, holding {@link #spatialJob}'s lock. */
  private void runSpatial(SpatialJob job) {
    try {
      workers.run(job);
    } finally {
      job.clear();
    }
  }

  // ---- convolution: float ---------------------------------------------------------------------

  /**
   * Convolution forward, {@code y = x ⊛ w} (overwrites {@code y}): {@code y[n][oh][ow][co] =
   * Σ_{kh,kw,ci} x[n][oh·s − padTop + kh][ow·s − padLeft + kw][ci] · w[kh][kw][ci][co]}, taps in
   * the padding contributing nothing. {@code x} holds {@code batch · shape.inputSize()} floats,
   * {@code y} {@code batch · shape.outputSize()}, {@code w} {@code shape.weightCount()}. A bias, if
   * any, is {@link #biasActivation} with rows = batch·outHeight·outWidth.
   */
  public void conv2d(ConvShape shape, int batch, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff) {
    checkConv(shape, batch, x.length, xOff, w.length, wOff, y.length, yOff);
    if (spatialParts(batch * shape.multiplyAdds(), PARALLEL_THRESHOLD) == 1) {
      SPATIAL.conv2d(shape, batch, x, xOff, w, wOff, y, yOff, 0, 1);
      return;
    }
    synchronized (spatialJob) {
      runSpatial(spatialJob.conv(SpatialJob.Op.CONV, shape, batch, x, xOff, w, wOff, y, yOff, null, 0, false));
    }
  }

  /**
   * Convolution backward to the input: {@code dx = ∂L/∂x} given {@code dy = ∂L/∂y}, overwriting
   * {@code dx} or adding to it ({@code accumulate}). {@code scratch} holds at least
   * {@code shape.backwardInputScratchSize()} floats from {@code scratchOff}; the caller owns it and
   * may reuse it for anything between calls (one buffer of the largest size serves a network).
   */
  public void conv2dBackwardInput(ConvShape shape, int batch, float[] dy, int dyOff, float[] w, int wOff,
      float[] dx, int dxOff, InputGradient write, float[] scratch, int scratchOff) {
    if (write == InputGradient.SKIP) {
      return;
    }
    boolean accumulate = write == InputGradient.ACCUMULATE;
    checkConv(shape, batch, dx.length, dxOff, w.length, wOff, dy.length, dyOff);
    checkSpan("scratch", scratch.length, scratchOff, shape.backwardInputScratchSize());
    SPATIAL.prepareBackwardInput(shape, w, wOff, scratch, scratchOff);
    if (spatialParts(batch * shape.multiplyAdds(), PARALLEL_THRESHOLD) == 1) {
      SPATIAL.conv2dBackwardInput(shape, batch, dy, dyOff, w, wOff, scratch, scratchOff, dx, dxOff, accumulate, 0, 1);
      return;
    }
    synchronized (spatialJob) {
      runSpatial(spatialJob.conv(SpatialJob.Op.CONV_INPUT, shape, batch, dy, dyOff, w, wOff, dx, dxOff, scratch,
          scratchOff, accumulate));
    }
  }

  /**
   * Convolution backward to the weights: {@code dw += ∂L/∂w = Σ_{n,oh,ow} x[n][ih][iw][ci] ·
   * dy[n][oh][ow][co]} (always accumulates; {@code dw} is laid out like {@code w}).
   */
  public void conv2dBackwardWeights(ConvShape shape, int batch, float[] x, int xOff, float[] dy, int dyOff,
      float[] dw, int dwOff) {
    checkConv(shape, batch, x.length, xOff, dw.length, dwOff, dy.length, dyOff);
    if (spatialParts(batch * shape.multiplyAdds(), PARALLEL_THRESHOLD) == 1) {
      SPATIAL.conv2dBackwardWeights(shape, batch, x, xOff, dy, dyOff, dw, dwOff, 0, 1);
      return;
    }
    synchronized (spatialJob) {
      runSpatial(spatialJob.conv(SpatialJob.Op.CONV_WEIGHTS, shape, batch, x, xOff, dy, dyOff, dw, dwOff, null, 0,
          false));
    }
  }

  // ---- batch normalization: float -------------------------------------------------------------

  /**
   * Batch normalization in training mode, first step: per channel over {@code rows} (=
   * batch·height·width), the batch mean and biased variance; writes mean and {@code 1/√(var + ε)}
   * to {@code saved[savedOff ..+channels]} and {@code saved[savedOff + channels ..]} (for the
   * forward pass and for {@link #batchNormBackward}), and updates the running statistics as PyTorch
   * does: {@code running = (1 − 0.1)·running + 0.1·batch}, the running variance from the unbiased
   * variance ({@code · rows/(rows − 1)}). The caller counts {@code num_batches_tracked} (one per
   * call). {@code saved} holds {@link #batchNormScratchSize(int)} floats.
   *
   * @throws IllegalArgumentException if {@code rows < 2} (PyTorch: "Expected more than 1 value per
   *     channel when training")
   */
  public void batchNormTrainingStatistics(int rows, int channels, float[] x, int xOff, float[] running,
      int runningMeanOff, int runningVarOff, float[] saved, int savedOff) {
    checkTrainingRows(rows, channels);
    checkSpan("x", x.length, xOff, (long) rows * channels);
    checkSpan("running mean", running.length, runningMeanOff, channels);
    checkSpan("running variance", running.length, runningVarOff, channels);
    checkSpan("saved", saved.length, savedOff, batchNormScratchSize(channels));
    if (!splitsByChannel(rows, channels)) {
      SPATIAL.batchNormMoments(rows, channels, x, xOff, saved, savedOff, 0, 1);
    } else {
      synchronized (spatialJob) {
        runSpatial(spatialJob.moments(rows, channels, x, xOff, saved, savedOff));
      }
    }
    float keep = (float) (1 - BATCH_NORM_MOMENTUM);
    float take = (float) BATCH_NORM_MOMENTUM;
    float unbiased = (float) rows / (rows - 1);
    for (int c = 0; c < channels; c++) {
      float variance = saved[savedOff + channels + c];
      running[runningMeanOff + c] = keep * running[runningMeanOff + c] + take * saved[savedOff + c];
      running[runningVarOff + c] = keep * running[runningVarOff + c] + take * variance * unbiased;
      saved[savedOff + channels + c] = (float) (1 / Math.sqrt(variance + BATCH_NORM_EPSILON));
    }
  }

  /**
   * Batch normalization in evaluation mode, first step: mean and {@code 1/√(var + ε)} from the
   * running statistics into {@code saved}, for the normalizing kernels.
   */
  public void batchNormEvaluationStatistics(int channels, float[] running, int runningMeanOff, int runningVarOff,
      float[] saved, int savedOff) {
    checkSpan("running mean", running.length, runningMeanOff, channels);
    checkSpan("running variance", running.length, runningVarOff, channels);
    checkSpan("saved", saved.length, savedOff, batchNormScratchSize(channels));
    for (int c = 0; c < channels; c++) {
      saved[savedOff + c] = running[runningMeanOff + c];
      saved[savedOff + channels + c] = (float) (1 / Math.sqrt(running[runningVarOff + c] + BATCH_NORM_EPSILON));
    }
  }

  /**
   * Batch normalization, second step: {@code out = g(γ·(x − mean)/√(var + ε) + β)} with the
   * statistics a first step put in {@code saved}; γ and β are {@code params[gammaOff ..]} and
   * {@code params[betaOff ..]}. {@code out} must not overlap {@code x} (backward reads both).
   */
  public void batchNormActivation(int rows, int channels, float[] x, int xOff, float[] saved, int savedOff,
      float[] params, int gammaOff, int betaOff, float[] out, int outOff, Activation g) {
    normalize(rows, channels, x, xOff, saved, savedOff, params, gammaOff, betaOff, null, 0, null, out, outOff, g);
  }

  /**
   * {@link #batchNormActivation} with an identity shortcut joining before the activation:
   * {@code out = g(BN(x) + s)}, {@code s} a tensor of the same shape.
   */
  public void batchNormShortcutActivation(int rows, int channels, float[] x, int xOff, float[] saved,
      int savedOff, float[] params, int gammaOff, int betaOff, float[] s, int sOff, float[] out, int outOff,
      Activation g) {
    checkSpan("shortcut", s.length, sOff, (long) rows * channels);
    normalize(rows, channels, x, xOff, saved, savedOff, params, gammaOff, betaOff, s, sOff, null, out, outOff, g);
  }

  /**
   * {@link #batchNormActivation} with the paper's option-A shortcut joining before the activation:
   * {@code out = g(BN(x) + s)}, {@code s} the view {@code pad} describes of the block input
   * {@code in} (no copy). {@code x} and {@code out} have {@code batch · pad.outHeight() ·
   * pad.outWidth()} rows of {@code pad.outChannels()}.
   */
  public void batchNormZeroPadShortcutActivation(ZeroPadShortcut pad, int batch, float[] x, int xOff,
      float[] saved, int savedOff, float[] params, int gammaOff, int betaOff, float[] in, int inOff, float[] out,
      int outOff, Activation g) {
    checkBatch(batch);
    checkSpan("shortcut input", in.length, inOff,
        (long) batch * pad.inHeight() * pad.inWidth() * pad.inChannels());
    int rows = batch * pad.outHeight() * pad.outWidth();
    normalize(rows, pad.outChannels(), x, xOff, saved, savedOff, params, gammaOff, betaOff, in, inOff, pad, out,
        outOff, g);
  }

  private void normalize(int rows, int channels, float[] x, int xOff, float[] saved, int savedOff, float[] params,
      int gammaOff, int betaOff, float[] s, int sOff, ZeroPadShortcut pad, float[] out, int outOff, Activation g) {
    checkRows(rows, channels);
    checkSpan("x", x.length, xOff, (long) rows * channels);
    checkSpan("saved", saved.length, savedOff, batchNormScratchSize(channels));
    checkSpan("γ", params.length, gammaOff, channels);
    checkSpan("β", params.length, betaOff, channels);
    checkSpan("out", out.length, outOff, (long) rows * channels);
    if (spatialParts((long) rows * channels, SPATIAL_ELEMENTWISE_THRESHOLD) == 1) {
      SPATIAL.batchNormForward(rows, channels, x, xOff, saved, savedOff, params, gammaOff, betaOff, s, sOff, pad,
          out, outOff, g, 0, 1);
      return;
    }
    synchronized (spatialJob) {
      runSpatial(spatialJob.normalize(rows, channels, x, xOff, saved, savedOff, params, gammaOff, betaOff, s, sOff,
          pad, out, outOff, g));
    }
  }

  /**
   * Batch normalization backward (training-mode formula), fused with the activation's:
   * {@code grad} holds {@code ∂L/∂out} and becomes {@code dz = ∂L/∂out ⊙ g'(out)} in place, which
   * is also the gradient an identity shortcut passes on (for option A see
   * {@link #zeroPadShortcutBackward}); then {@code dγ += Σ dz·x̂} and {@code dβ += Σ dz} at
   * {@code gradients[dGammaOff ..]}, {@code gradients[dBetaOff ..]}, and
   * {@code dx (+)= γ/√(var + ε) · (dz − mean(dz) − x̂·mean(dz·x̂))}, with {@code x̂} the normalized
   * input. {@code x}, {@code out} and {@code saved} are what the forward pass used and left;
   * {@code saved}'s last two quarters serve as working space.
   */
  public void batchNormBackward(int rows, int channels, float[] x, int xOff, float[] saved, int savedOff,
      float[] params, int gammaOff, float[] out, int outOff, float[] grad, int gradOff, Activation g,
      float[] gradients, int dGammaOff, int dBetaOff, float[] dx, int dxOff, InputGradient write) {
    if (write == InputGradient.SKIP) {
      return;
    }
    boolean accumulate = write == InputGradient.ACCUMULATE;
    checkRows(rows, channels);
    long size = (long) rows * channels;
    checkSpan("x", x.length, xOff, size);
    checkSpan("saved", saved.length, savedOff, batchNormScratchSize(channels));
    checkSpan("γ", params.length, gammaOff, channels);
    checkSpan("out", out.length, outOff, size);
    checkSpan("grad", grad.length, gradOff, size);
    checkSpan("dγ", gradients.length, dGammaOff, channels);
    checkSpan("dβ", gradients.length, dBetaOff, channels);
    checkSpan("dx", dx.length, dxOff, size);
    if (splitsByChannel(rows, channels)) {
      synchronized (spatialJob) {
        runSpatial(spatialJob.normSums(rows, channels, x, xOff, saved, savedOff, out, outOff, grad, gradOff, g));
      }
    } else {
      SPATIAL.batchNormBackwardSums(rows, channels, x, xOff, saved, savedOff, out, outOff, grad, gradOff, g, 0, 1);
    }
    for (int c = 0; c < channels; c++) {
      float istd = saved[savedOff + channels + c];
      float sum = saved[savedOff + 2 * channels + c];
      float dGamma = saved[savedOff + 3 * channels + c] * istd;
      gradients[dGammaOff + c] += dGamma;
      gradients[dBetaOff + c] += sum;
      saved[savedOff + 2 * channels + c] = sum / rows;
      saved[savedOff + 3 * channels + c] = dGamma * istd / rows;
    }
    if (spatialParts(size, SPATIAL_ELEMENTWISE_THRESHOLD) > 1) {
      synchronized (spatialJob) {
        runSpatial(spatialJob.normInput(rows, channels, x, xOff, saved, savedOff, params, gammaOff, grad, gradOff, dx,
            dxOff, accumulate));
      }
    } else {
      SPATIAL.batchNormBackwardInput(rows, channels, x, xOff, saved, savedOff, params, gammaOff, grad, gradOff, dx,
          dxOff, accumulate, 0, 1);
    }
  }

  /**
   * The option-A shortcut's backward: {@code dIn[n][h·s][w·s][c] (+)= dz[n][h][w][first + c]} for
   * {@code c < inChannels}, {@code first = pad.firstChannel()}. Overwriting also zeroes the
   * positions the stride skips, so {@code dIn} is then exactly the shortcut's gradient.
   */
  public void zeroPadShortcutBackward(ZeroPadShortcut pad, int batch, float[] dz, int dzOff, float[] dIn,
      int dInOff, InputGradient write) {
    if (write == InputGradient.SKIP) {
      return;
    }
    boolean accumulate = write == InputGradient.ACCUMULATE;
    checkBatch(batch);
    long in = (long) batch * pad.inHeight() * pad.inWidth() * pad.inChannels();
    checkSpan("dz", dz.length, dzOff, (long) batch * pad.outHeight() * pad.outWidth() * pad.outChannels());
    checkSpan("dIn", dIn.length, dInOff, in);
    if (spatialParts(in, SPATIAL_ELEMENTWISE_THRESHOLD) == 1) {
      SPATIAL.zeroPadShortcutBackward(pad, batch, dz, dzOff, dIn, dInOff, accumulate, 0, 1);
      return;
    }
    synchronized (spatialJob) {
      runSpatial(spatialJob.padBackward(pad, batch, dz, dzOff, dIn, dInOff, accumulate));
    }
  }

  // ---- pooling and element-wise: float ----------------------------------------------------------

  /** Max pooling (overwrites {@code y}); padding never wins. */
  public void maxPool(PoolShape shape, int batch, float[] x, int xOff, float[] y, int yOff) {
    pool(SpatialJob.Op.MAX_POOL, shape, batch, x, xOff, y, yOff);
  }

  /** Average pooling (overwrites {@code y}), dividing by the window's area, padding included. */
  public void averagePool(PoolShape shape, int batch, float[] x, int xOff, float[] y, int yOff) {
    pool(SpatialJob.Op.AVERAGE_POOL, shape, batch, x, xOff, y, yOff);
  }

  private void pool(SpatialJob.Op op, PoolShape shape, int batch, float[] x, int xOff, float[] y, int yOff) {
    checkBatch(batch);
    checkSpan("x", x.length, xOff, (long) batch * shape.inputSize());
    checkSpan("y", y.length, yOff, (long) batch * shape.outputSize());
    if (spatialParts((long) batch * shape.inputSize(), SPATIAL_ELEMENTWISE_THRESHOLD) == 1) {
      if (op == SpatialJob.Op.MAX_POOL) {
        SPATIAL.maxPool(shape, batch, x, xOff, y, yOff, 0, 1);
      } else {
        SPATIAL.averagePool(shape, batch, x, xOff, y, yOff, 0, 1);
      }
      return;
    }
    synchronized (spatialJob) {
      runSpatial(spatialJob.pool(op, shape, batch, x, xOff, y, yOff, null, 0, null, 0, false));
    }
  }

  /**
   * Max pooling backward: {@code dx (+)= } each {@code dy} routed to the first position (in window
   * order) holding its window's maximum, found again from the forward pass's {@code x} and
   * {@code y} (no index scratch). Overlapping windows add.
   */
  public void maxPoolBackward(PoolShape shape, int batch, float[] x, int xOff, float[] y, int yOff, float[] dy,
      int dyOff, float[] dx, int dxOff, InputGradient write) {
    if (write == InputGradient.SKIP) {
      return;
    }
    boolean accumulate = write == InputGradient.ACCUMULATE;
    checkBatch(batch);
    checkSpan("x", x.length, xOff, (long) batch * shape.inputSize());
    checkSpan("y", y.length, yOff, (long) batch * shape.outputSize());
    checkSpan("dy", dy.length, dyOff, (long) batch * shape.outputSize());
    checkSpan("dx", dx.length, dxOff, (long) batch * shape.inputSize());
    if (spatialParts((long) batch * shape.inputSize(), SPATIAL_ELEMENTWISE_THRESHOLD) == 1) {
      SPATIAL.maxPoolBackward(shape, batch, x, xOff, y, yOff, dy, dyOff, dx, dxOff, accumulate, 0, 1);
      return;
    }
    synchronized (spatialJob) {
      runSpatial(spatialJob.pool(SpatialJob.Op.MAX_POOL_BACKWARD, shape, batch, x, xOff, y, yOff, dy, dyOff, dx,
          dxOff, accumulate));
    }
  }

  /** Average pooling backward: {@code dx (+)= dy / area} over each window. */
  public void averagePoolBackward(PoolShape shape, int batch, float[] dy, int dyOff, float[] dx, int dxOff,
      InputGradient write) {
    if (write == InputGradient.SKIP) {
      return;
    }
    boolean accumulate = write == InputGradient.ACCUMULATE;
    checkBatch(batch);
    checkSpan("dy", dy.length, dyOff, (long) batch * shape.outputSize());
    checkSpan("dx", dx.length, dxOff, (long) batch * shape.inputSize());
    if (spatialParts((long) batch * shape.inputSize(), SPATIAL_ELEMENTWISE_THRESHOLD) == 1) {
      SPATIAL.averagePoolBackward(shape, batch, dy, dyOff, dx, dxOff, accumulate, 0, 1);
      return;
    }
    synchronized (spatialJob) {
      runSpatial(spatialJob.pool(SpatialJob.Op.AVERAGE_POOL_BACKWARD, shape, batch, dy, dyOff, dx, dxOff, null, 0,
          null, 0, accumulate));
    }
  }

  /** Global average pooling, {@code [batch][pixels][channels] → [batch][channels]} (overwrites {@code y}). */
  public void globalAveragePool(int batch, int pixels, int channels, float[] x, int xOff, float[] y, int yOff) {
    checkGlobalPool(batch, pixels, channels, x.length, xOff, y.length, yOff);
    SPATIAL.globalAveragePool(batch, pixels, channels, x, xOff, y, yOff);
  }

  /** Global average pooling backward: {@code dx[n][p][c] (+)= dy[n][c] / pixels}. */
  public void globalAveragePoolBackward(int batch, int pixels, int channels, float[] dy, int dyOff, float[] dx,
      int dxOff, InputGradient write) {
    if (write == InputGradient.SKIP) {
      return;
    }
    boolean accumulate = write == InputGradient.ACCUMULATE;
    checkGlobalPool(batch, pixels, channels, dx.length, dxOff, dy.length, dyOff);
    SPATIAL.globalAveragePoolBackward(batch, pixels, channels, dy, dyOff, dx, dxOff, accumulate);
  }

  /** {@code z = g(z)} in place, element-wise (no bias: one pass). */
  public void activation(int count, float[] z, int zOff, Activation g) {
    checkSpan("z", z.length, zOff, count);
    SPATIAL.activation(count, z, zOff, null, 0, g);
  }

  /** {@code z = g(z + s)} in place: a residual addition before an activation, without bias. */
  public void shortcutActivation(int count, float[] z, int zOff, float[] s, int sOff, Activation g) {
    checkSpan("z", z.length, zOff, count);
    checkSpan("s", s.length, sOff, count);
    SPATIAL.activation(count, z, zOff, s, sOff, g);
  }

  /** {@code grad = grad ⊙ g'(a)} in place, {@code g'} from the output {@code a} (no bias gradient). */
  public void activationBackward(int count, float[] a, int aOff, float[] grad, int gradOff, Activation g) {
    checkSpan("a", a.length, aOff, count);
    checkSpan("grad", grad.length, gradOff, count);
    SPATIAL.activationBackward(count, a, aOff, grad, gradOff, g);
  }

  // ---- double: the same operations on the calling thread, for gradient checks -------------------

  /** Double-precision {@link #conv2d(ConvShape, int, float[], int, float[], int, float[], int)}. */
  public void conv2d(ConvShape shape, int batch, double[] x, int xOff, double[] w, int wOff, double[] y, int yOff) {
    checkConv(shape, batch, x.length, xOff, w.length, wOff, y.length, yOff);
    DoubleSpatial.conv2d(shape, batch, x, xOff, w, wOff, y, yOff);
  }

  /** Double-precision input gradient; {@code scratch} is checked like the float one's, and unused. */
  public void conv2dBackwardInput(ConvShape shape, int batch, double[] dy, int dyOff, double[] w, int wOff,
      double[] dx, int dxOff, InputGradient write, double[] scratch, int scratchOff) {
    if (write == InputGradient.SKIP) {
      return;
    }
    boolean accumulate = write == InputGradient.ACCUMULATE;
    checkConv(shape, batch, dx.length, dxOff, w.length, wOff, dy.length, dyOff);
    checkSpan("scratch", scratch.length, scratchOff, shape.backwardInputScratchSize());
    DoubleSpatial.conv2dBackwardInput(shape, batch, dy, dyOff, w, wOff, dx, dxOff, accumulate);
  }

  /** Double-precision weight gradient ({@code dw +=}). */
  public void conv2dBackwardWeights(ConvShape shape, int batch, double[] x, int xOff, double[] dy, int dyOff,
      double[] dw, int dwOff) {
    checkConv(shape, batch, x.length, xOff, dw.length, dwOff, dy.length, dyOff);
    DoubleSpatial.conv2dBackwardWeights(shape, batch, x, xOff, dy, dyOff, dw, dwOff);
  }

  /** Double-precision {@link #batchNormTrainingStatistics(int, int, float[], int, float[], int, int, float[], int)}. */
  public void batchNormTrainingStatistics(int rows, int channels, double[] x, int xOff, double[] running,
      int runningMeanOff, int runningVarOff, double[] saved, int savedOff) {
    checkTrainingRows(rows, channels);
    checkSpan("x", x.length, xOff, (long) rows * channels);
    checkSpan("running mean", running.length, runningMeanOff, channels);
    checkSpan("running variance", running.length, runningVarOff, channels);
    checkSpan("saved", saved.length, savedOff, batchNormScratchSize(channels));
    DoubleSpatial.batchNormMoments(rows, channels, x, xOff, saved, savedOff);
    double unbiased = (double) rows / (rows - 1);
    for (int c = 0; c < channels; c++) {
      double variance = saved[savedOff + channels + c];
      running[runningMeanOff + c] =
          (1 - BATCH_NORM_MOMENTUM) * running[runningMeanOff + c] + BATCH_NORM_MOMENTUM * saved[savedOff + c];
      running[runningVarOff + c] =
          (1 - BATCH_NORM_MOMENTUM) * running[runningVarOff + c] + BATCH_NORM_MOMENTUM * variance * unbiased;
      saved[savedOff + channels + c] = 1 / Math.sqrt(variance + BATCH_NORM_EPSILON);
    }
  }

  /** Double-precision {@link #batchNormEvaluationStatistics(int, float[], int, int, float[], int)}. */
  public void batchNormEvaluationStatistics(int channels, double[] running, int runningMeanOff, int runningVarOff,
      double[] saved, int savedOff) {
    checkSpan("running mean", running.length, runningMeanOff, channels);
    checkSpan("running variance", running.length, runningVarOff, channels);
    checkSpan("saved", saved.length, savedOff, batchNormScratchSize(channels));
    for (int c = 0; c < channels; c++) {
      saved[savedOff + c] = running[runningMeanOff + c];
      saved[savedOff + channels + c] = 1 / Math.sqrt(running[runningVarOff + c] + BATCH_NORM_EPSILON);
    }
  }

  /** Double-precision {@link #batchNormActivation(int, int, float[], int, float[], int, float[], int, int, float[], int, Activation)}. */
  public void batchNormActivation(int rows, int channels, double[] x, int xOff, double[] saved, int savedOff,
      double[] params, int gammaOff, int betaOff, double[] out, int outOff, Activation g) {
    normalize(rows, channels, x, xOff, saved, savedOff, params, gammaOff, betaOff, null, 0, null, out, outOff, g);
  }

  /** Double-precision {@code out = g(BN(x) + s)}. */
  public void batchNormShortcutActivation(int rows, int channels, double[] x, int xOff, double[] saved,
      int savedOff, double[] params, int gammaOff, int betaOff, double[] s, int sOff, double[] out, int outOff,
      Activation g) {
    checkSpan("shortcut", s.length, sOff, (long) rows * channels);
    normalize(rows, channels, x, xOff, saved, savedOff, params, gammaOff, betaOff, s, sOff, null, out, outOff, g);
  }

  /** Double-precision {@code out = g(BN(x) + s)}, {@code s} the option-A view of {@code in}. */
  public void batchNormZeroPadShortcutActivation(ZeroPadShortcut pad, int batch, double[] x, int xOff,
      double[] saved, int savedOff, double[] params, int gammaOff, int betaOff, double[] in, int inOff,
      double[] out, int outOff, Activation g) {
    checkBatch(batch);
    checkSpan("shortcut input", in.length, inOff,
        (long) batch * pad.inHeight() * pad.inWidth() * pad.inChannels());
    int rows = batch * pad.outHeight() * pad.outWidth();
    normalize(rows, pad.outChannels(), x, xOff, saved, savedOff, params, gammaOff, betaOff, in, inOff, pad, out,
        outOff, g);
  }

  private void normalize(int rows, int channels, double[] x, int xOff, double[] saved, int savedOff,
      double[] params, int gammaOff, int betaOff, double[] s, int sOff, ZeroPadShortcut pad, double[] out,
      int outOff, Activation g) {
    checkRows(rows, channels);
    checkSpan("x", x.length, xOff, (long) rows * channels);
    checkSpan("saved", saved.length, savedOff, batchNormScratchSize(channels));
    checkSpan("γ", params.length, gammaOff, channels);
    checkSpan("β", params.length, betaOff, channels);
    checkSpan("out", out.length, outOff, (long) rows * channels);
    DoubleSpatial.batchNormForward(rows, channels, x, xOff, saved, savedOff, params, gammaOff, betaOff, s, sOff,
        pad, out, outOff, g);
  }

  /** Double-precision {@link #batchNormBackward(int, int, float[], int, float[], int, float[], int, float[], int, float[], int, Activation, float[], int, int, float[], int, boolean)}. */
  public void batchNormBackward(int rows, int channels, double[] x, int xOff, double[] saved, int savedOff,
      double[] params, int gammaOff, double[] out, int outOff, double[] grad, int gradOff, Activation g,
      double[] gradients, int dGammaOff, int dBetaOff, double[] dx, int dxOff, InputGradient write) {
    if (write == InputGradient.SKIP) {
      return;
    }
    boolean accumulate = write == InputGradient.ACCUMULATE;
    checkRows(rows, channels);
    long size = (long) rows * channels;
    checkSpan("x", x.length, xOff, size);
    checkSpan("saved", saved.length, savedOff, batchNormScratchSize(channels));
    checkSpan("γ", params.length, gammaOff, channels);
    checkSpan("out", out.length, outOff, size);
    checkSpan("grad", grad.length, gradOff, size);
    checkSpan("dγ", gradients.length, dGammaOff, channels);
    checkSpan("dβ", gradients.length, dBetaOff, channels);
    checkSpan("dx", dx.length, dxOff, size);
    DoubleSpatial.batchNormBackwardSums(rows, channels, x, xOff, saved, savedOff, out, outOff, grad, gradOff, g);
    for (int c = 0; c < channels; c++) {
      double istd = saved[savedOff + channels + c];
      double sum = saved[savedOff + 2 * channels + c];
      double dGamma = saved[savedOff + 3 * channels + c] * istd;
      gradients[dGammaOff + c] += dGamma;
      gradients[dBetaOff + c] += sum;
      saved[savedOff + 2 * channels + c] = sum / rows;
      saved[savedOff + 3 * channels + c] = dGamma * istd / rows;
    }
    DoubleSpatial.batchNormBackwardInput(rows, channels, x, xOff, saved, savedOff, params, gammaOff, grad, gradOff,
        dx, dxOff, accumulate);
  }

  /** Double-precision {@link #zeroPadShortcutBackward(ZeroPadShortcut, int, float[], int, float[], int, boolean)}. */
  public void zeroPadShortcutBackward(ZeroPadShortcut pad, int batch, double[] dz, int dzOff, double[] dIn,
      int dInOff, InputGradient write) {
    if (write == InputGradient.SKIP) {
      return;
    }
    boolean accumulate = write == InputGradient.ACCUMULATE;
    checkBatch(batch);
    checkSpan("dz", dz.length, dzOff, (long) batch * pad.outHeight() * pad.outWidth() * pad.outChannels());
    checkSpan("dIn", dIn.length, dInOff, (long) batch * pad.inHeight() * pad.inWidth() * pad.inChannels());
    DoubleSpatial.zeroPadShortcutBackward(pad, batch, dz, dzOff, dIn, dInOff, accumulate);
  }

  /** Double-precision max pooling. */
  public void maxPool(PoolShape shape, int batch, double[] x, int xOff, double[] y, int yOff) {
    checkBatch(batch);
    checkSpan("x", x.length, xOff, (long) batch * shape.inputSize());
    checkSpan("y", y.length, yOff, (long) batch * shape.outputSize());
    DoubleSpatial.maxPool(shape, batch, x, xOff, y, yOff);
  }

  /** Double-precision max pooling backward. */
  public void maxPoolBackward(PoolShape shape, int batch, double[] x, int xOff, double[] y, int yOff, double[] dy,
      int dyOff, double[] dx, int dxOff, InputGradient write) {
    if (write == InputGradient.SKIP) {
      return;
    }
    boolean accumulate = write == InputGradient.ACCUMULATE;
    checkBatch(batch);
    checkSpan("x", x.length, xOff, (long) batch * shape.inputSize());
    checkSpan("y", y.length, yOff, (long) batch * shape.outputSize());
    checkSpan("dy", dy.length, dyOff, (long) batch * shape.outputSize());
    checkSpan("dx", dx.length, dxOff, (long) batch * shape.inputSize());
    DoubleSpatial.maxPoolBackward(shape, batch, x, xOff, y, yOff, dy, dyOff, dx, dxOff, accumulate);
  }

  /** Double-precision average pooling. */
  public void averagePool(PoolShape shape, int batch, double[] x, int xOff, double[] y, int yOff) {
    checkBatch(batch);
    checkSpan("x", x.length, xOff, (long) batch * shape.inputSize());
    checkSpan("y", y.length, yOff, (long) batch * shape.outputSize());
    DoubleSpatial.averagePool(shape, batch, x, xOff, y, yOff);
  }

  /** Double-precision average pooling backward. */
  public void averagePoolBackward(PoolShape shape, int batch, double[] dy, int dyOff, double[] dx, int dxOff,
      InputGradient write) {
    if (write == InputGradient.SKIP) {
      return;
    }
    boolean accumulate = write == InputGradient.ACCUMULATE;
    checkBatch(batch);
    checkSpan("dy", dy.length, dyOff, (long) batch * shape.outputSize());
    checkSpan("dx", dx.length, dxOff, (long) batch * shape.inputSize());
    DoubleSpatial.averagePoolBackward(shape, batch, dy, dyOff, dx, dxOff, accumulate);
  }

  /** Double-precision global average pooling. */
  public void globalAveragePool(int batch, int pixels, int channels, double[] x, int xOff, double[] y, int yOff) {
    checkGlobalPool(batch, pixels, channels, x.length, xOff, y.length, yOff);
    DoubleSpatial.globalAveragePool(batch, pixels, channels, x, xOff, y, yOff);
  }

  /** Double-precision global average pooling backward. */
  public void globalAveragePoolBackward(int batch, int pixels, int channels, double[] dy, int dyOff, double[] dx,
      int dxOff, InputGradient write) {
    if (write == InputGradient.SKIP) {
      return;
    }
    boolean accumulate = write == InputGradient.ACCUMULATE;
    checkGlobalPool(batch, pixels, channels, dx.length, dxOff, dy.length, dyOff);
    DoubleSpatial.globalAveragePoolBackward(batch, pixels, channels, dy, dyOff, dx, dxOff, accumulate);
  }

  /** Double-precision {@code z = g(z)}. */
  public void activation(int count, double[] z, int zOff, Activation g) {
    checkSpan("z", z.length, zOff, count);
    DoubleSpatial.activation(count, z, zOff, null, 0, g);
  }

  /** Double-precision {@code z = g(z + s)}. */
  public void shortcutActivation(int count, double[] z, int zOff, double[] s, int sOff, Activation g) {
    checkSpan("z", z.length, zOff, count);
    checkSpan("s", s.length, sOff, count);
    DoubleSpatial.activation(count, z, zOff, s, sOff, g);
  }

  /** Double-precision {@code grad = grad ⊙ g'(a)}. */
  public void activationBackward(int count, double[] a, int aOff, double[] grad, int gradOff, Activation g) {
    checkSpan("a", a.length, aOff, count);
    checkSpan("grad", grad.length, gradOff, count);
    DoubleSpatial.activationBackward(count, a, aOff, grad, gradOff, g);
  }

  // ---- argument checks --------------------------------------------------------------------------

  private static void checkBatch(int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1, got " + batch);
    }
  }

  private static void checkRows(int rows, int channels) {
    if (rows < 1 || channels < 1) {
      throw new IllegalArgumentException("batch normalization needs rows and channels of at least 1, got rows "
          + rows + ", channels " + channels);
    }
  }

  private static void checkTrainingRows(int rows, int channels) {
    checkRows(rows, channels);
    if (rows < 2) {
      throw new IllegalArgumentException("batch normalization in training mode needs more than 1 value per "
          + "channel (rows = batch·height·width = " + rows + "); use a larger batch or evaluation mode");
    }
  }

  /** {@code [off, off + count)} must lie inside an array of {@code length}. */
  private static void checkSpan(String name, int length, int off, long count) {
    if (!fits(length, off, count)) {
      throw new IllegalArgumentException(name + ": needs " + count + " elements from offset " + off
          + ", but the array holds " + length);
    }
  }

  private static void checkConv(ConvShape shape, int batch, int xLength, int xOff, int wLength, int wOff,
      int yLength, int yOff) {
    checkBatch(batch);
    if (!fits(xLength, xOff, (long) batch * shape.inputSize()) || !fits(wLength, wOff, shape.weightCount())
        || !fits(yLength, yOff, (long) batch * shape.outputSize())) {
      // Built only on failure: a message per call would allocate.
      checkSpan("input of " + shape, xLength, xOff, (long) batch * shape.inputSize());
      checkSpan("weights of " + shape, wLength, wOff, shape.weightCount());
      checkSpan("output of " + shape, yLength, yOff, (long) batch * shape.outputSize());
    }
  }

  private static boolean fits(int length, int off, long count) {
    return off >= 0 && count >= 0 && off + count <= length;
  }

  private static void checkGlobalPool(int batch, int pixels, int channels, int xLength, int xOff, int yLength,
      int yOff) {
    checkBatch(batch);
    if (pixels < 1 || channels < 1) {
      throw new IllegalArgumentException("global average pooling needs pixels and channels of at least 1, got "
          + pixels + " and " + channels);
    }
    checkSpan("pooled input", xLength, xOff, (long) batch * pixels * channels);
    checkSpan("pooled output", yLength, yOff, (long) batch * channels);
  }
}
