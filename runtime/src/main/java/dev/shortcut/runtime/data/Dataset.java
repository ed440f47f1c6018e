package dev.shortcut.runtime.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Samples in memory: features as one row-major float array, and either class labels (for
 * classification) or target rows (for regression). Batches are copied into a network's input
 * buffer by index, so training allocates nothing per batch. Every value is finite: a NaN or an
 * infinity is refused when the set is made.
 *
 * <p>A set of images also carries its {@link ImageShape} ({@link #imageShape()}): each row is one
 * image stored channels last (HWC). Transforms that keep the rows' meaning ({@link #scaled},
 * {@link #head}, standardization) keep the shape.
 */
public final class Dataset {
  private final String name;
  private final float[] features;
  private final int width;
  private final int size;
  private final int[] labels;
  private final int classes;
  private final float[] targets;
  private final int targetWidth;
  private final ImageShape imageShape;

  private Dataset(String name, float[] features, int width, int[] labels, int classes, float[] targets, int targetWidth) {
    this.name = Objects.requireNonNull(name, "name");
    if (width <= 0 || features.length % width != 0) {
      throw new IllegalArgumentException(name + ": " + features.length + " values do not make rows of width " + width);
    }
    this.features = features;
    this.width = width;
    this.size = features.length / width;
    this.labels = labels;
    this.classes = classes;
    this.targets = targets;
    this.targetWidth = targetWidth;
    this.imageShape = null;
    if (labels != null) {
      if (labels.length != size) {
        throw new IllegalArgumentException(name + ": " + size + " samples but " + labels.length + " labels");
      }
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] < 0 || labels[i] >= classes) {
          throw new IllegalArgumentException(
              name + ": label " + labels[i] + " of sample " + i + " is outside [0, " + classes + ")");
        }
      }
    }
    if (targets != null && targets.length != size * targetWidth) {
      throw new IllegalArgumentException(name + ": " + size + " samples but " + targets.length / targetWidth + " targets");
    }
    requireFinite(name, "feature", features, width);
    if (targets != null) {
      requireFinite(name, "target", targets, targetWidth);
    }
  }

  /** A network cannot learn from NaN or infinity: name the first one. */
  private static void requireFinite(String name, String what, float[] values, int width) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException(name + ": " + what + " " + i % width + " of sample " + i / width + " is "
            + values[i] + "; clean or impute the data first");
      }
    }
  }

  /** The rows of {@code rows} (shared, already checked) seen as images of {@code imageShape}. */
  private Dataset(Dataset rows, ImageShape imageShape) {
    this.name = rows.name;
    this.features = rows.features;
    this.width = rows.width;
    this.size = rows.size;
    this.labels = rows.labels;
    this.classes = rows.classes;
    this.targets = rows.targets;
    this.targetWidth = rows.targetWidth;
    this.imageShape = imageShape;
  }

  /** A classification set: {@code labels[i]} in {@code [0, classes)} for row {@code i}. */
  public static Dataset classification(String name, float[] features, int width, int[] labels, int classes) {
    return new Dataset(name, features, width, labels, classes, null, 0);
  }

  /** A regression set: one target row of {@code targetWidth} per sample. */
  public static Dataset regression(String name, float[] features, int width, float[] targets, int targetWidth) {
    return new Dataset(name, features, width, null, 0, targets, targetWidth);
  }

  /**
   * The same samples, each row read as one image of {@code shape} stored channels last (HWC). The
   * arrays are shared, not copied.
   *
   * @throws IllegalArgumentException when a row does not hold exactly {@code shape.size()} values
   */
  public Dataset withImageShape(ImageShape shape) {
    Objects.requireNonNull(shape, "shape");
    if (shape.size() != width) {
      throw new IllegalArgumentException(name + ": images of " + shape + " (C×H×W) hold " + shape.size()
          + " values, but the rows have " + width);
    }
    return new Dataset(this, shape);
  }

  /** The shape of each row as an image (stored HWC), or empty when the rows are not images. */
  public Optional<ImageShape> imageShape() {
    return Optional.ofNullable(imageShape);
  }

  /** These rows with {@code source}'s image shape, if it has one (the widths are equal). */
  private Dataset withShapeOf(Dataset source) {
    return source.imageShape == null ? this : new Dataset(this, source.imageShape);
  }

  /** Where the data came from, for messages. */
  public String name() {
    return name;
  }

  /** Number of samples. */
  public int size() {
    return size;
  }

  /** Features per sample. */
  public int width() {
    return width;
  }

  /** Number of classes, 0 for regression. */
  public int classes() {
    return classes;
  }

  /** Whether samples carry class labels. */
  public boolean isClassification() {
    return labels != null;
  }

  /** The labels (shared, do not modify), or null. */
  public int[] labels() {
    return labels;
  }

  /** The targets (shared), or null. */
  public float[] targets() {
    return targets;
  }

  /** Target width, 0 for classification. */
  public int targetWidth() {
    return targetWidth;
  }

  /** The feature array (shared, row-major). */
  public float[] features() {
    return features;
  }

  /** Copies rows {@code order[start .. start+count)} into {@code into} (row-major). */
  public void copyRows(int[] order, int start, int count, float[] into) {
    for (int r = 0; r < count; r++) {
      System.arraycopy(features, order[start + r] * width, into, r * width, width);
    }
  }

  /** Copies rows into a double buffer. */
  public void copyRows(int[] order, int start, int count, double[] into) {
    for (int r = 0; r < count; r++) {
      int src = order[start + r] * width;
      for (int j = 0; j < width; j++) {
        into[r * width + j] = features[src + j];
      }
    }
  }

  /** Copies the labels of rows {@code order[start .. start+count)} into {@code into[0..count)}. */
  public void copyLabels(int[] order, int start, int count, int[] into) {
    for (int r = 0; r < count; r++) {
      into[r] = labels[order[start + r]];
    }
  }

  /** Copies target rows into {@code into}. */
  public void copyTargets(int[] order, int start, int count, float[] into) {
    for (int r = 0; r < count; r++) {
      System.arraycopy(targets, order[start + r] * targetWidth, into, r * targetWidth, targetWidth);
    }
  }

  /** A copy with every feature divided by {@code max} (255 for bytes): values in [0, 1]. */
  public Dataset scaled(float max) {
    if (!(max != 0) || !Float.isFinite(max)) {
      throw new IllegalArgumentException(name + ": cannot scale by 1/" + max);
    }
    float[] f = features.clone();
    for (int i = 0; i < f.length; i++) {
      f[i] /= max;
    }
    return new Dataset(name, f, width, labels, classes, targets, targetWidth).withShapeOf(this);
  }

  /** Per-feature mean and standard deviation, to standardize this set and others alike. */
  public Standardization standardization() {
    return Standardization.of(this);
  }

  /** A copy with features replaced (same labels and targets). */
  Dataset withFeatures(float[] f) {
    return new Dataset(name, f, width, labels, classes, targets, targetWidth).withShapeOf(this);
  }

  /** The first {@code count} samples, for quick runs. */
  public Dataset head(int count) {
    if (count < 0) {
      throw new IllegalArgumentException(name + ": the first " + count + " samples? A count is ≥ 0");
    }
    int n = Math.min(count, size);
    return new Dataset(name, Arrays.copyOf(features, n * width), width,
        labels == null ? null : Arrays.copyOf(labels, n), classes,
        targets == null ? null : Arrays.copyOf(targets, n * targetWidth), targetWidth).withShapeOf(this);
  }

  /** Per-feature statistics of a training set, applied to any set of the same width. */
  public record Standardization(float[] mean, float[] std) {
    static Standardization of(Dataset d) {
      double[] sum = new double[d.width];
      double[] sq = new double[d.width];
      for (int i = 0; i < d.features.length; i++) {
        sum[i % d.width] += d.features[i];
        sq[i % d.width] += (double) d.features[i] * d.features[i];
      }
      float[] mean = new float[d.width];
      float[] std = new float[d.width];
      for (int j = 0; j < d.width; j++) {
        double m = sum[j] / d.size;
        mean[j] = (float) m;
        // A constant feature keeps std 1, so it maps to 0 instead of dividing by zero.
        double var = Math.max(sq[j] / d.size - m * m, 0);
        std[j] = var > 1e-12 ? (float) Math.sqrt(var) : 1f;
      }
      return new Standardization(mean, std);
    }

    /** {@code (x − mean) / std} per feature, as a new dataset. */
    public Dataset apply(Dataset d) {
      if (d.width != mean.length) {
        throw new IllegalArgumentException(
            d.name + " has " + d.width + " features, the statistics " + mean.length);
      }
      float[] f = d.features.clone();
      for (int i = 0; i < f.length; i++) {
        int j = i % d.width;
        f[i] = (f[i] - mean[j]) / std[j];
      }
      return d.withFeatures(f);
    }
  }
}
