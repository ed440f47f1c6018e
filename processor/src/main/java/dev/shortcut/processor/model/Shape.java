package dev.shortcut.processor.model;

/**
 * The shape of one sample's activation: channels, height and width, stored channels last. A dense
 * layer's activation is the flat case, {@code units × 1 × 1}. Written as PyTorch writes shapes:
 * {@code 16×32×32}, or {@code 64} when flat. Sizes are exact ({@code long}).
 */
public record Shape(int channels, int height, int width) {

  /** {@code channels × height × width}. */
  public static Shape of(int channels, int height, int width) {
    return new Shape(channels, height, width);
  }

  /** A vector of {@code units} values. */
  public static Shape flat(int units) {
    return new Shape(units, 1, 1);
  }

  /** Values per sample, exact. */
  public long size() {
    return (long) channels * height * width;
  }

  /** Pixels per channel. */
  public long pixels() {
    return (long) height * width;
  }

  /** Whether height and width are 1: a vector. */
  public boolean isFlat() {
    return height == 1 && width == 1;
  }

  /** The same size and channels, flattened into a vector (what a dense layer reads). */
  public Shape flattened() {
    return flat(Math.toIntExact(size()));
  }

  /** {@code 16×32×32}, or {@code 64} for a flat shape. */
  @Override
  public String toString() {
    return isFlat() ? Integer.toString(channels) : channels + "×" + height + "×" + width;
  }
}
