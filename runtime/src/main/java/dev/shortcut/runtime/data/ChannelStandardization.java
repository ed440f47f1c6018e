package dev.shortcut.runtime.data;

/**
 * Per-channel standardization of images, {@code (x − mean[c]) / std[c]} for every pixel of channel
 * {@code c}, with the statistics of a training set applied to any set (training, validation, test)
 * alike. This is the normalization of the usual torchvision CIFAR recipes; the paper subtracts the
 * per-pixel mean instead, which {@link Dataset#standardization()} gives per feature.
 *
 * <pre>{@code
 * ChannelStandardization norm = ChannelStandardization.of(splits.train());
 * Dataset train = norm.apply(splits.train());
 * Dataset test = norm.apply(splits.test());
 * }</pre>
 *
 * <p>Zero padding applied after standardization (as {@link ImageAugmentation} does on a batch)
 * then fills with the channel mean, as the paper pads its mean-subtracted images.
 *
 * @param mean per channel
 * @param std per channel (population standard deviation; 1 for a constant channel, which then maps
 *     to 0 instead of dividing by zero)
 */
public record ChannelStandardization(float[] mean, float[] std) {
  /** Checks that there is one mean and one standard deviation per channel. */
  public ChannelStandardization {
    if (mean.length == 0 || mean.length != std.length) {
      throw new IllegalArgumentException("need one mean and one standard deviation per channel, got "
          + mean.length + " and " + std.length);
    }
  }

  /** The statistics of {@code train}, over every pixel of every image, per channel. */
  public static ChannelStandardization of(Dataset train) {
    ImageShape shape = Images.shapeOf(train, "standardized per channel");
    if (train.size() == 0) {
      throw new IllegalArgumentException(train.name() + " has no images to take statistics from");
    }
    int channels = shape.channels();
    float[] f = train.features();
    long count = (long) train.size() * shape.height() * shape.width();
    // Two passes in double: accurate for tens of millions of values per channel.
    double[] sum = new double[channels];
    for (int i = 0; i < f.length; i++) {
      sum[i % channels] += f[i];
    }
    double[] mean = new double[channels];
    for (int c = 0; c < channels; c++) {
      mean[c] = sum[c] / count;
    }
    double[] squares = new double[channels];
    for (int i = 0; i < f.length; i++) {
      double d = f[i] - mean[i % channels];
      squares[i % channels] += d * d;
    }
    float[] m = new float[channels];
    float[] s = new float[channels];
    for (int c = 0; c < channels; c++) {
      m[c] = (float) mean[c];
      double variance = squares[c] / count;
      s[c] = variance > 1e-12 ? (float) Math.sqrt(variance) : 1f;
    }
    return new ChannelStandardization(m, s);
  }

  /**
   * A standardized copy of {@code images}, which must have as many channels as the statistics.
   *
   * @throws IllegalArgumentException when {@code images} is not a set of images or its channel
   *     count differs
   */
  public Dataset apply(Dataset images) {
    ImageShape shape = Images.shapeOf(images, "standardized per channel");
    if (shape.channels() != mean.length) {
      throw new IllegalArgumentException(images.name() + " has " + shape.channels()
          + " channels, the statistics " + mean.length);
    }
    return perFeature(shape).apply(images);
  }

  /**
   * The same statistics spread over every feature of an image of {@code shape} (stored HWC: the
   * channel is the fastest index), as one per-feature standardization: what {@link #apply} does,
   * and what a {@link Preprocessing} keeps for prediction.
   */
  public Dataset.Standardization perFeature(ImageShape shape) {
    if (shape.channels() != mean.length) {
      throw new IllegalArgumentException("images of " + shape + " have " + shape.channels()
          + " channels, the statistics " + mean.length);
    }
    float[] featureMean = new float[shape.size()];
    float[] featureStd = new float[shape.size()];
    for (int j = 0; j < featureMean.length; j++) {
      featureMean[j] = mean[j % mean.length];
      featureStd[j] = std[j % std.length];
    }
    return new Dataset.Standardization(featureMean, featureStd);
  }
}
