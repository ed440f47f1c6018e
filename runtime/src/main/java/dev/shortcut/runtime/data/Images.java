package dev.shortcut.runtime.data;

import java.util.Objects;

/**
 * Whole-dataset transforms of images (rows stored channels last, HWC). The per-batch random
 * transforms of training are in {@link ImageAugmentation}; per-channel standardization is
 * {@link ChannelStandardization}.
 */
public final class Images {
  private Images() {}

  /**
   * A copy of {@code images} with a border of zeros: {@code top} and {@code bottom} rows,
   * {@code left} and {@code right} columns, in every channel. Fashion-MNIST padded by 2 on each
   * side becomes 1×32×32, the input size of the paper's CIFAR networks (feature maps of 32, 16 and
   * 8). Pad before standardizing if the border should read as black, after if it should read as
   * the mean.
   *
   * @throws IllegalArgumentException when {@code images} has no {@link Dataset#imageShape()} or a
   *     padding is negative
   */
  public static Dataset pad(Dataset images, int top, int bottom, int left, int right) {
    ImageShape from = shapeOf(images, "padded");
    ImageShape to = from.padded(top, bottom, left, right);
    int channels = from.channels();
    int inRow = from.width() * channels;
    int outRow = to.width() * channels;
    float[] in = images.features();
    float[] out = new float[Math.multiplyExact(images.size(), to.size())];
    for (int i = 0; i < images.size(); i++) {
      for (int y = 0; y < from.height(); y++) {
        System.arraycopy(in, i * from.size() + y * inRow,
            out, i * to.size() + (y + top) * outRow + left * channels, inRow);
      }
    }
    Dataset padded = images.isClassification()
        ? Dataset.classification(images.name(), out, to.size(), images.labels(), images.classes())
        : Dataset.regression(images.name(), out, to.size(), images.targets(), images.targetWidth());
    return padded.withImageShape(to);
  }

  /** The image shape of {@code data}, or a message saying it has none. */
  static ImageShape shapeOf(Dataset data, String purpose) {
    Objects.requireNonNull(data, "data");
    return data.imageShape().orElseThrow(() -> new IllegalArgumentException(data.name()
        + " is not a set of images, so it cannot be " + purpose
        + "; give its rows a shape with Dataset.withImageShape(ImageShape.of(channels, height, width))"));
  }
}
