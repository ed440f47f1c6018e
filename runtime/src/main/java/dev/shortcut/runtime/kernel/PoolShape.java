package dev.shortcut.runtime.kernel;

/**
 * The geometry of one max or average pooling layer, fixed when the network is compiled: channels,
 * input size, window, stride and padding per side. Activations are NHWC. The output size is
 * {@code (in + padBefore + padAfter - kernel) / stride + 1} along each axis (PyTorch's default,
 * {@code ceil_mode=False}). Padding never wins a max; an average divides by the whole window,
 * padding included (PyTorch's default, {@code count_include_pad=True}).
 */
public final class PoolShape {
  private final int channels;
  private final int inHeight;
  private final int inWidth;
  private final int kernelHeight;
  private final int kernelWidth;
  private final int stride;
  private final int padTop;
  private final int padLeft;
  private final int padBottom;
  private final int padRight;
  private final int outHeight;
  private final int outWidth;

  private PoolShape(int channels, int inHeight, int inWidth, int kernelHeight, int kernelWidth, int stride,
      int padTop, int padLeft, int padBottom, int padRight) {
    this.channels = channels;
    this.inHeight = inHeight;
    this.inWidth = inWidth;
    this.kernelHeight = kernelHeight;
    this.kernelWidth = kernelWidth;
    this.stride = stride;
    this.padTop = padTop;
    this.padLeft = padLeft;
    this.padBottom = padBottom;
    this.padRight = padRight;
    this.outHeight = (inHeight + padTop + padBottom - kernelHeight) / stride + 1;
    this.outWidth = (inWidth + padLeft + padRight - kernelWidth) / stride + 1;
  }

  /** A square window with the same padding on every side, e.g. torchvision's stem {@code of(64, 112, 112, 3, 2, 1)}. */
  public static PoolShape of(int channels, int height, int width, int kernel, int stride, int padding) {
    return of(channels, height, width, kernel, kernel, stride, padding, padding, padding, padding);
  }

  /**
   * Any window, stride and padding per side.
   *
   * @throws IllegalArgumentException if a size is not positive, a padding is negative or not
   *     smaller than the window (a window would see padding only), or the window is larger than the
   *     padded input
   */
  public static PoolShape of(int channels, int height, int width, int kernelHeight, int kernelWidth,
      int stride, int padTop, int padLeft, int padBottom, int padRight) {
    positive("channels", channels);
    positive("height", height);
    positive("width", width);
    positive("kernelHeight", kernelHeight);
    positive("kernelWidth", kernelWidth);
    positive("stride", stride);
    if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
      throw new IllegalArgumentException("pooling padding must not be negative, got top " + padTop + " left "
          + padLeft + " bottom " + padBottom + " right " + padRight);
    }
    if (Math.max(padTop, padBottom) >= kernelHeight || Math.max(padLeft, padRight) >= kernelWidth) {
      throw new IllegalArgumentException("pooling padding (top " + padTop + " left " + padLeft + " bottom "
          + padBottom + " right " + padRight + ") must be smaller than the window " + kernelHeight + "×"
          + kernelWidth + ", or a window would see padding only");
    }
    if (kernelHeight > (long) height + padTop + padBottom || kernelWidth > (long) width + padLeft + padRight) {
      throw new IllegalArgumentException("pooling window " + kernelHeight + "×" + kernelWidth
          + " is larger than the padded input " + ((long) height + padTop + padBottom) + "×"
          + ((long) width + padLeft + padRight));
    }
    try {
      Math.multiplyExact(Math.multiplyExact(height, width), channels);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("pooling input " + channels + "×" + height + "×" + width
          + " would exceed 2³¹ − 1 elements per sample");
    }
    return new PoolShape(channels, height, width, kernelHeight, kernelWidth, stride, padTop, padLeft, padBottom,
        padRight);
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
  }

  public int channels() {
    return channels;
  }

  public int inHeight() {
    return inHeight;
  }

  public int inWidth() {
    return inWidth;
  }

  public int kernelHeight() {
    return kernelHeight;
  }

  public int kernelWidth() {
    return kernelWidth;
  }

  public int stride() {
    return stride;
  }

  public int padTop() {
    return padTop;
  }

  public int padLeft() {
    return padLeft;
  }

  public int padBottom() {
    return padBottom;
  }

  public int padRight() {
    return padRight;
  }

  public int outHeight() {
    return outHeight;
  }

  public int outWidth() {
    return outWidth;
  }

  /** Floats of one input sample. */
  public int inputSize() {
    return inHeight * inWidth * channels;
  }

  /** Floats of one output sample. */
  public int outputSize() {
    return outHeight * outWidth * channels;
  }

  @Override
  public String toString() {
    return "pool " + channels + "×" + inHeight + "×" + inWidth + " → " + channels + "×" + outHeight + "×"
        + outWidth + ", window " + kernelHeight + "×" + kernelWidth + ", stride " + stride + ", padding "
        + padTop + "/" + padLeft + "/" + padBottom + "/" + padRight;
  }
}
