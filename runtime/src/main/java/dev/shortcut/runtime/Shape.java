package dev.shortcut.runtime;

import dev.shortcut.runtime.data.ImageShape;

/**
 * The shape of one sample's activation: channels, height and width, stored channels last (NHWC
 * for a batch, so element {@code (y, x, c)} of a sample sits at {@code (y · width + x) · channels
 * + c}). A dense layer's activation is the flat case, {@code units × 1 × 1}, the same thing with
 * height = width = 1. Written as PyTorch writes shapes: {@code 16×32×32}, or {@code 64} when flat.
 *
 * @param channels channels (units, when flat)
 * @param height rows
 * @param width columns
 */
public record Shape(int channels, int height, int width) {
  public Shape {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException("a shape needs positive channels, height and width, got " + channels + "×"
          + height + "×" + width);
    }
    if ((long) channels * height * width > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "a sample of " + channels + "×" + height + "×" + width + " holds more values than one Java array can");
    }
  }

  /** {@code channels × height × width}. */
  public static Shape of(int channels, int height, int width) {
    return new Shape(channels, height, width);
  }

  /** A flat vector of {@code units} values: a dense layer's activation. */
  public static Shape flat(int units) {
    return new Shape(units, 1, 1);
  }

  /** The shape of an image of {@code shape}. */
  public static Shape of(ImageShape shape) {
    return new Shape(shape.channels(), shape.height(), shape.width());
  }

  /** Values per sample. */
  public int size() {
    return channels * height * width;
  }

  /** Whether height and width are 1, as for a dense activation. */
  public boolean isFlat() {
    return height == 1 && width == 1;
  }

  /** The same as an image shape, for comparison with a dataset's. */
  public ImageShape toImageShape() {
    return ImageShape.of(channels, height, width);
  }

  /** {@code 16×32×32}, or {@code 64} for a flat shape. */
  @Override
  public String toString() {
    return isFlat() ? Integer.toString(channels) : channels + "×" + height + "×" + width;
  }
}
