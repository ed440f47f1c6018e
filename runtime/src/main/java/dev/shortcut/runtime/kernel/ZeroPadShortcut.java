package dev.shortcut.runtime.kernel;

/**
 * The paper's option-A shortcut across a change of shape, as a view: the block input subsampled by
 * the stride, between zero channels, {@code s[n,h,w,c] = in[n, h·stride, w·stride, c − first]} for
 * {@code first ≤ c < first + inChannels} and 0 elsewhere, with {@code first = (outChannels −
 * inChannels) / 2} ({@link #firstChannel()}), read by index arithmetic, never copied. The input sits
 * in the middle as in PyTorch's CIFAR ResNets ({@code F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, planes //
 * 4, planes // 4))}, akamaster's {@code resnet.py}), so a network's checkpoint computes the same
 * there. Its output size is {@code ceil(in / stride)} along each axis, which is what a 3×3
 * convolution with stride {@code stride} and padding 1 produces (and PyTorch's {@code x[:, :, ::2,
 * ::2]}). Activations are NHWC.
 */
public final class ZeroPadShortcut {
  private final int inChannels;
  private final int inHeight;
  private final int inWidth;
  private final int stride;
  private final int outChannels;

  private ZeroPadShortcut(int inChannels, int inHeight, int inWidth, int stride, int outChannels) {
    this.inChannels = inChannels;
    this.inHeight = inHeight;
    this.inWidth = inWidth;
    this.stride = stride;
    this.outChannels = outChannels;
  }

  /**
   * @throws IllegalArgumentException if a size is not positive, or {@code outChannels} is smaller
   *     than {@code inChannels} (zero padding cannot drop channels: use a projection shortcut)
   */
  public static ZeroPadShortcut of(int inChannels, int inHeight, int inWidth, int stride, int outChannels) {
    if (inChannels < 1 || inHeight < 1 || inWidth < 1 || stride < 1 || outChannels < 1) {
      throw new IllegalArgumentException("zero-padding shortcut sizes must be at least 1, got inChannels "
          + inChannels + ", inHeight " + inHeight + ", inWidth " + inWidth + ", stride " + stride
          + ", outChannels " + outChannels);
    }
    if (outChannels < inChannels) {
      throw new IllegalArgumentException("a zero-padding shortcut cannot reduce " + inChannels + " channels to "
          + outChannels + "; use a projection shortcut");
    }
    try {
      Math.multiplyExact(Math.multiplyExact(inHeight, inWidth), outChannels);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("zero-padding shortcut " + inChannels + "×" + inHeight + "×" + inWidth
          + " → " + outChannels + " channels would exceed 2³¹ − 1 elements per sample");
    }
    return new ZeroPadShortcut(inChannels, inHeight, inWidth, stride, outChannels);
  }

  public int inChannels() {
    return inChannels;
  }

  public int inHeight() {
    return inHeight;
  }

  public int inWidth() {
    return inWidth;
  }

  public int stride() {
    return stride;
  }

  public int outChannels() {
    return outChannels;
  }

  /**
   * The output channel that input channel 0 lands on: {@code (outChannels − inChannels) / 2} zero
   * channels come before the input, the rest after it (PyTorch's {@code planes // 4} on each side
   * when the channels double).
   */
  public int firstChannel() {
    return (outChannels - inChannels) / 2;
  }

  /** {@code ceil(inHeight / stride)}. */
  public int outHeight() {
    return (inHeight + stride - 1) / stride;
  }

  /** {@code ceil(inWidth / stride)}. */
  public int outWidth() {
    return (inWidth + stride - 1) / stride;
  }

  @Override
  public String toString() {
    return "zero-padding shortcut " + inChannels + "×" + inHeight + "×" + inWidth + " → " + outChannels + "×"
        + outHeight() + "×" + outWidth() + ", stride " + stride;
  }
}
