package dev.shortcut.runtime.data;

/**
 * The shape of one image: channels, height and width. Written C×H×W, as PyTorch writes shapes
 * ({@code 1×28×28}, {@code 3×32×32}), but stored channels last: a sample's feature row is
 * {@code [height][width][channels]} row-major (HWC, the NHWC activation layout of Shortcut's
 * convolutional networks), so the value of channel {@code c} at row {@code y}, column {@code x} is
 * at {@link #index(int, int, int) index(y, x, c)} {@code = (y · width + x) · channels + c}.
 * Immutable.
 */
public final class ImageShape {
  private final int channels;
  private final int height;
  private final int width;

  private ImageShape(int channels, int height, int width) {
    this.channels = channels;
    this.height = height;
    this.width = width;
  }

  /**
   * The shape {@code channels × height × width}.
   *
   * @throws IllegalArgumentException when a dimension is not positive or the image holds more
   *     values than a Java array can
   */
  public static ImageShape of(int channels, int height, int width) {
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException("an image needs positive channels, height and width, got "
          + channels + "×" + height + "×" + width + " (C×H×W)");
    }
    if ((long) channels * height * width > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("an image of " + channels + "×" + height + "×" + width
          + " holds more values than a Java array can");
    }
    return new ImageShape(channels, height, width);
  }

  /** Channels per pixel (1 for grey, 3 for RGB). */
  public int channels() {
    return channels;
  }

  /** Rows of pixels. */
  public int height() {
    return height;
  }

  /** Pixels per row. */
  public int width() {
    return width;
  }

  /** Values per image: {@code channels · height · width}, a dataset's row width. */
  public int size() {
    return channels * height * width;
  }

  /** Where channel {@code c} of the pixel at row {@code y}, column {@code x} lies in a row (HWC). */
  public int index(int y, int x, int c) {
    return (y * width + x) * channels + c;
  }

  /** The shape after adding {@code top}, {@code bottom}, {@code left}, {@code right} pixels of border. */
  public ImageShape padded(int top, int bottom, int left, int right) {
    if (top < 0 || bottom < 0 || left < 0 || right < 0) {
      throw new IllegalArgumentException("padding must be ≥ 0, got top " + top + ", bottom " + bottom
          + ", left " + left + ", right " + right);
    }
    return of(channels, Math.addExact(height, Math.addExact(top, bottom)),
        Math.addExact(width, Math.addExact(left, right)));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageShape s && s.channels == channels && s.height == height && s.width == width;
  }

  @Override
  public int hashCode() {
    return (channels * 31 + height) * 31 + width;
  }

  /** C×H×W, e.g. {@code 3×32×32} (the storage is HWC all the same). */
  @Override
  public String toString() {
    return channels + "×" + height + "×" + width;
  }
}
