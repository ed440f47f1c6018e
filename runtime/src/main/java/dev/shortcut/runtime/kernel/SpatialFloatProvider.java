package dev.shortcut.runtime.kernel;

import dev.shortcut.annotations.Activation;

/**
 * One implementation of the float kernels of convolutional networks: the scalar reference
 * ({@link ScalarSpatialProvider}) or the Vector API one ({@link VectorSpatialProvider}). Arguments
 * mean what they mean on the {@link Kernels} methods of the same name, which validate them.
 *
 * <p>Methods that take {@code part} and {@code parts} do the share {@code part} of
 * {@code [0, parts)} of the work, so that {@link Kernels} can run the shares on several threads;
 * an implementation splits so that every output element is computed by one share, in an order that
 * does not depend on {@code parts}: results are bit-identical for any thread count.
 */
interface SpatialFloatProvider {
  /** Name for logs. */
  String name();

  /** Floats per vector (1 for the scalar reference): per-channel sums split by whole vectors. */
  int vectorLength();

  /** {@code y = x ⊛ w}. */
  void conv2d(ConvShape c, int batch, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff, int part,
      int parts);

  /** Prepares {@code scratch} for {@link #conv2dBackwardInput} from the weights (on one thread). */
  void prepareBackwardInput(ConvShape c, float[] w, int wOff, float[] scratch, int scratchOff);

  /** {@code dx (+)= ∂L/∂x}, with {@code scratch} as {@link #prepareBackwardInput} left it. */
  void conv2dBackwardInput(ConvShape c, int batch, float[] dy, int dyOff, float[] w, int wOff, float[] scratch,
      int scratchOff, float[] dx, int dxOff, boolean accumulate, int part, int parts);

  /** {@code dw += ∂L/∂w}. */
  void conv2dBackwardWeights(ConvShape c, int batch, float[] x, int xOff, float[] dy, int dyOff, float[] dw,
      int dwOff, int part, int parts);

  /**
   * Per channel over {@code rows}: the mean into {@code saved[savedOff + c]} and the biased
   * variance into {@code saved[savedOff + channels + c]}; a share is a range of channels.
   */
  void batchNormMoments(int rows, int channels, float[] x, int xOff, float[] saved, int savedOff, int part,
      int parts);

  /**
   * {@code out = g(γ·(x − mean)·istd + β + s)}, with mean and istd at {@code saved[savedOff]} and
   * {@code saved[savedOff + channels]}; {@code s} is absent ({@code shortcut == null}), the
   * same-shape tensor at {@code shortcut[shortcutOff]}, or, when {@code pad != null}, the option-A
   * view of the block input at {@code shortcut[shortcutOff]}. A share is a range of rows.
   */
  void batchNormForward(int rows, int channels, float[] x, int xOff, float[] saved, int savedOff, float[] params,
      int gammaOff, int betaOff, float[] shortcut, int shortcutOff, ZeroPadShortcut pad, float[] out, int outOff,
      Activation g, int part, int parts);

  /**
   * {@code grad ← grad ⊙ g'(out)} in place, and per channel {@code Σ grad} into
   * {@code saved[savedOff + 2·channels + c]} and {@code Σ grad · (x − mean)} into
   * {@code saved[savedOff + 3·channels + c]}; a share is a range of channels.
   */
  void batchNormBackwardSums(int rows, int channels, float[] x, int xOff, float[] saved, int savedOff,
      float[] out, int outOff, float[] grad, int gradOff, Activation g, int part, int parts);

  /**
   * {@code dx (+)= k·(dz − a − (x − mean)·b)} per channel, with {@code k = γ·istd} and {@code a},
   * {@code b} at {@code saved[savedOff + 2·channels + c]}, {@code saved[savedOff + 3·channels + c]};
   * a share is a range of rows.
   */
  void batchNormBackwardInput(int rows, int channels, float[] x, int xOff, float[] saved, int savedOff,
      float[] params, int gammaOff, float[] dz, int dzOff, float[] dx, int dxOff, boolean accumulate, int part,
      int parts);

  /** {@code dIn (+)= } the option-A shortcut's gradient, a share being a range of samples. */
  void zeroPadShortcutBackward(ZeroPadShortcut pad, int batch, float[] dz, int dzOff, float[] dIn, int dInOff,
      boolean accumulate, int part, int parts);

  /** Max pooling; a share is a range of samples. */
  void maxPool(PoolShape p, int batch, float[] x, int xOff, float[] y, int yOff, int part, int parts);

  /** Routes {@code dy} to the first position of each window that holds its maximum. */
  void maxPoolBackward(PoolShape p, int batch, float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff,
      float[] dx, int dxOff, boolean accumulate, int part, int parts);

  /** Average pooling (the window's area as divisor). */
  void averagePool(PoolShape p, int batch, float[] x, int xOff, float[] y, int yOff, int part, int parts);

  /** Spreads {@code dy / area} over each window. */
  void averagePoolBackward(PoolShape p, int batch, float[] dy, int dyOff, float[] dx, int dxOff,
      boolean accumulate, int part, int parts);

  /** {@code y[n][c] = mean over pixels of x[n][pixel][c]}. */
  void globalAveragePool(int batch, int pixels, int channels, float[] x, int xOff, float[] y, int yOff);

  /** {@code dx[n][pixel][c] (+)= dy[n][c] / pixels}. */
  void globalAveragePoolBackward(int batch, int pixels, int channels, float[] dy, int dyOff, float[] dx,
      int dxOff, boolean accumulate);

  /** {@code z = g(z [+ s])} element-wise; {@code s} may be null. */
  void activation(int count, float[] z, int zOff, float[] s, int sOff, Activation g);

  /** {@code grad ← grad ⊙ g'(a)} element-wise. */
  void activationBackward(int count, float[] a, int aOff, float[] grad, int gradOff, Activation g);
}
