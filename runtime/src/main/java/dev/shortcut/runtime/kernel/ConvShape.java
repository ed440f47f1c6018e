package dev.shortcut.runtime.kernel;

/**
 * The geometry of one 2-D convolution, fixed when the network is compiled: input channels and
 * size, output channels, kernel size, stride, and padding per side. A generated network creates
 * one per layer as a {@code static final} constant and passes it to every call of
 * {@link Kernels#conv2d}, {@link Kernels#conv2dBackwardInput} and
 * {@link Kernels#conv2dBackwardWeights}; the batch size is given per call.
 *
 * <p>Layouts: activations are NHWC ({@code [batch][height][width][channels]}, row-major); weights
 * are HWIO ({@code [kernelHeight][kernelWidth][inChannels][outChannels]}; PyTorch stores
 * {@code [out][in][kh][kw]}, and checkpoints convert). The output size is
 * {@code (in + padBefore + padAfter - kernel) / stride + 1} along each axis, as in PyTorch (rows or
 * columns the last window does not reach are ignored).
 *
 * <p>The shape precomputes how the fast kernels tile the work (which output pixels share which
 * taps), so calls do no planning and allocate nothing.
 */
public final class ConvShape {
  private final int inChannels;
  private final int inHeight;
  private final int inWidth;
  private final int outChannels;
  private final int kernelHeight;
  private final int kernelWidth;
  private final int stride;
  private final int padTop;
  private final int padLeft;
  private final int padBottom;
  private final int padRight;
  private final int outHeight;
  private final int outWidth;

  /** The forward pass: {@code y} gathered from {@code x} through {@code w}. */
  final GatherPlan forward;
  /** The input gradient: {@code dx} gathered from {@code dy} through the transposed weights. */
  final GatherPlan backwardInput;
  /** Weight slot of each kernel column in the transposed weights of {@link #backwardInput}. */
  final int[] transposedSlot;
  /**
   * Per tap {@code kh · kernelWidth + kw}: the output pixels whose window keeps it, in row-major
   * order, as offsets in one sample (floats) of the input pixel the tap reads and of the output
   * pixel; the weight gradient sums over them.
   */
  final int[][] tapInputOffsets;
  final int[][] tapOutputOffsets;

  private ConvShape(int inChannels, int inHeight, int inWidth, int outChannels, int kernelHeight,
      int kernelWidth, int stride, int padTop, int padLeft, int padBottom, int padRight) {
    this.inChannels = inChannels;
    this.inHeight = inHeight;
    this.inWidth = inWidth;
    this.outChannels = outChannels;
    this.kernelHeight = kernelHeight;
    this.kernelWidth = kernelWidth;
    this.stride = stride;
    this.padTop = padTop;
    this.padLeft = padLeft;
    this.padBottom = padBottom;
    this.padRight = padRight;
    this.outHeight = (inHeight + padTop + padBottom - kernelHeight) / stride + 1;
    this.outWidth = (inWidth + padLeft + padRight - kernelWidth) / stride + 1;

    int[] identityH = identity(kernelHeight);
    int[] identityW = identity(kernelWidth);
    this.forward = new GatherPlan(inHeight, inWidth, inChannels, outHeight, outWidth, outChannels,
        kernelWidth, identityH, identityW,
        (oh, kh) -> inside(oh * stride - padTop + kh, inHeight),
        (ow, kw) -> inside(ow * stride - padLeft + kw, inWidth));
    int[] phaseH = phaseOrder(kernelHeight, stride);
    int[] phaseW = phaseOrder(kernelWidth, stride);
    this.backwardInput = new GatherPlan(outHeight, outWidth, outChannels, inHeight, inWidth, inChannels,
        kernelWidth, phaseH, phaseW,
        (ih, kh) -> reaches(ih + padTop - kh, stride, outHeight),
        (iw, kw) -> reaches(iw + padLeft - kw, stride, outWidth));
    this.transposedSlot = new int[kernelWidth];
    for (int slot = 0; slot < kernelWidth; slot++) {
      transposedSlot[phaseW[slot]] = slot;
    }
    this.tapInputOffsets = new int[kernelHeight * kernelWidth][];
    this.tapOutputOffsets = new int[kernelHeight * kernelWidth][];
    for (int kh = 0; kh < kernelHeight; kh++) {
      for (int kw = 0; kw < kernelWidth; kw++) {
        int[] in = new int[outHeight * outWidth];
        int[] out = new int[outHeight * outWidth];
        int count = 0;
        for (int oh = 0; oh < outHeight; oh++) {
          for (int ow = 0; ow < outWidth; ow++) {
            int ih = oh * stride - padTop + kh;
            int iw = ow * stride - padLeft + kw;
            if (ih >= 0 && ih < inHeight && iw >= 0 && iw < inWidth) {
              in[count] = (ih * inWidth + iw) * inChannels;
              out[count] = (oh * outWidth + ow) * outChannels;
              count++;
            }
          }
        }
        tapInputOffsets[kh * kernelWidth + kw] = java.util.Arrays.copyOf(in, count);
        tapOutputOffsets[kh * kernelWidth + kw] = java.util.Arrays.copyOf(out, count);
      }
    }
  }

  /**
   * A square kernel with the same padding on every side: e.g. {@code of(16, 32, 32, 32, 3, 2, 1)}
   * for the 3×3 stride-2 convolution that opens the paper's second CIFAR stage.
   *
   * @throws IllegalArgumentException if a size is not positive, a padding is negative, or the
   *     kernel is larger than the padded input
   */
  public static ConvShape of(int inChannels, int height, int width, int outChannels, int kernel,
      int stride, int padding) {
    return of(inChannels, height, width, outChannels, kernel, kernel, stride, padding, padding, padding,
        padding);
  }

  /**
   * Any kernel, stride and padding per side ({@code same} and {@code valid} are the caller's
   * business: it passes the paddings they mean).
   *
   * @throws IllegalArgumentException if a size is not positive, a padding is negative, the kernel
   *     is larger than the padded input, or a tensor would have more than 2³¹ − 1 elements
   */
  public static ConvShape of(int inChannels, int height, int width, int outChannels, int kernelHeight,
      int kernelWidth, int stride, int padTop, int padLeft, int padBottom, int padRight) {
    positive("inChannels", inChannels);
    positive("height", height);
    positive("width", width);
    positive("outChannels", outChannels);
    positive("kernelHeight", kernelHeight);
    positive("kernelWidth", kernelWidth);
    positive("stride", stride);
    notNegative("padTop", padTop);
    notNegative("padLeft", padLeft);
    notNegative("padBottom", padBottom);
    notNegative("padRight", padRight);
    long paddedHeight = (long) height + padTop + padBottom;
    long paddedWidth = (long) width + padLeft + padRight;
    if (kernelHeight > paddedHeight || kernelWidth > paddedWidth) {
      throw new IllegalArgumentException("kernel " + kernelHeight + "×" + kernelWidth
          + " is larger than the padded input " + paddedHeight + "×" + paddedWidth + " (input " + height
          + "×" + width + ", padding top " + padTop + " left " + padLeft + " bottom " + padBottom
          + " right " + padRight + "); use a smaller kernel or more padding");
    }
    try {
      Math.multiplyExact(Math.multiplyExact(height, width), inChannels);
      Math.multiplyExact(Math.multiplyExact(Math.multiplyExact(kernelHeight, kernelWidth), inChannels),
          outChannels);
      long outH = (paddedHeight - kernelHeight) / stride + 1;
      long outW = (paddedWidth - kernelWidth) / stride + 1;
      Math.multiplyExact(Math.multiplyExact(Math.toIntExact(outH), Math.toIntExact(outW)), outChannels);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("convolution " + inChannels + "×" + height + "×" + width + " → "
          + outChannels + " channels, kernel " + kernelHeight + "×" + kernelWidth
          + ": a tensor of one sample would exceed 2³¹ − 1 elements");
    }
    return new ConvShape(inChannels, height, width, outChannels, kernelHeight, kernelWidth, stride, padTop,
        padLeft, padBottom, padRight);
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
  }

  private static void notNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative, got " + value);
    }
  }

  private static int inside(int coordinate, int size) {
    return coordinate >= 0 && coordinate < size ? coordinate : -1;
  }

  /** The output coordinate {@code t / stride} when {@code t} lands on one, else -1. */
  private static int reaches(int t, int stride, int outSize) {
    return t >= 0 && t % stride == 0 && t / stride < outSize ? t / stride : -1;
  }

  private static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }

  /**
   * Kernel positions grouped by {@code position mod stride}, each group descending. The input
   * gradient at one pixel uses the taps of one group, and along that order they read consecutive
   * output-gradient pixels: so they form one contiguous run, as the forward taps do.
   */
  private static int[] phaseOrder(int kernel, int stride) {
    int[] order = new int[kernel];
    int i = 0;
    for (int phase = 0; phase < Math.min(stride, kernel); phase++) {
      int top = phase + (kernel - 1 - phase) / stride * stride;
      for (int k = top; k >= phase; k -= stride) {
        order[i++] = k;
      }
    }
    return order;
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

  public int outChannels() {
    return outChannels;
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

  /** Floats of one input sample: {@code inHeight · inWidth · inChannels}. */
  public int inputSize() {
    return inHeight * inWidth * inChannels;
  }

  /** Floats of one output sample: {@code outHeight · outWidth · outChannels}. */
  public int outputSize() {
    return outHeight * outWidth * outChannels;
  }

  /** Weights: {@code kernelHeight · kernelWidth · inChannels · outChannels}. */
  public int weightCount() {
    return kernelHeight * kernelWidth * inChannels * outChannels;
  }

  /**
   * Floats of scratch {@link Kernels#conv2dBackwardInput} needs: the weights, transposed. One
   * buffer of the largest size serves every layer of a network, since layers run one at a time.
   */
  public int backwardInputScratchSize() {
    return weightCount();
  }

  /** The largest {@link #backwardInputScratchSize()} of {@code shapes}: one buffer serves them all. */
  public static int backwardInputScratchSize(ConvShape... shapes) {
    int size = 0;
    for (ConvShape s : shapes) {
      size = Math.max(size, s.backwardInputScratchSize());
    }
    return size;
  }

  /**
   * Multiply-adds of one sample's forward pass, counting only taps inside the input (the same
   * count holds for each backward pass). Two floating-point operations each.
   */
  public long multiplyAdds() {
    long taps = 0;
    for (int[] pixels : tapInputOffsets) {
      taps += pixels.length;
    }
    return taps * inChannels * outChannels;
  }

  @Override
  public String toString() {
    return "conv " + inChannels + "×" + inHeight + "×" + inWidth + " → " + outChannels + "×" + outHeight + "×"
        + outWidth + ", kernel " + kernelHeight + "×" + kernelWidth + ", stride " + stride + ", padding "
        + padTop + "/" + padLeft + "/" + padBottom + "/" + padRight;
  }
}
