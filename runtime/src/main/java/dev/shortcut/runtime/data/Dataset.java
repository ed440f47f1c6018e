package dev.shortcut.runtime.data;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Samples in memory: features as one row-major float array, and either class labels (for
 * classification) or target rows (for regression). Batches are copied into a network's input
 * buffer by index, so training allocates nothing per batch. Every value is finite: a NaN or an
 * infinity is refused when the set is made.
 *
 * <p>A set of images also carries its {@link ImageShape} ({@link #imageShape()}): each row is one
 * image stored channels last (HWC). Transforms that keep the rows' meaning ({@link #scaled},
 * {@link #head}, standardization) keep the shape, and the class names ({@link #classNames()}).
 *
 * <p>A data pipeline in a few calls, each returning a new set: {@link #split} (seeded, by
 * fraction), {@link #shuffled}, {@link #slice}, {@link #batches}; {@link #standardization()} and
 * {@link #targetStandardization()} give statistics to apply alike to every set, and {@link
 * Preprocessing} keeps them, with the class names, in a checkpoint for prediction.
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
  private final List<String> classNames;

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
    this.classNames = List.of();
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

  /** The rows of {@code rows} (shared, already checked) seen as images of {@code imageShape}, with {@code classNames}. */
  private Dataset(Dataset rows, ImageShape imageShape, List<String> classNames) {
    this.name = rows.name;
    this.features = rows.features;
    this.width = rows.width;
    this.size = rows.size;
    this.labels = rows.labels;
    this.classes = rows.classes;
    this.targets = rows.targets;
    this.targetWidth = rows.targetWidth;
    this.imageShape = imageShape;
    this.classNames = classNames;
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
    return new Dataset(this, shape, classNames);
  }

  /** The shape of each row as an image (stored HWC), or empty when the rows are not images. */
  public Optional<ImageShape> imageShape() {
    return Optional.ofNullable(imageShape);
  }

  /**
   * The same samples with a name for each class, {@code classNames.get(label)}: what a CSV file's
   * string labels were ({@link CsvReader}), kept through every transform and into the checkpoint by
   * {@link Preprocessing}, so a prediction can be named. The arrays are shared, not copied.
   *
   * @throws IllegalArgumentException when this is not a classification set, or the names are not
   *     one distinct, non-blank name per class
   */
  public Dataset withClassNames(List<String> classNames) {
    if (!isClassification()) {
      throw new IllegalArgumentException(name + " is a regression set: it has no classes to name");
    }
    List<String> names = List.copyOf(classNames);
    if (names.size() != classes) {
      throw new IllegalArgumentException(name + " has " + classes + " classes, but " + names.size() + " names were given: "
          + names);
    }
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      if (n.isBlank() || !seen.add(n)) {
        throw new IllegalArgumentException(name + ": class names must be distinct and not blank, got " + names);
      }
    }
    return new Dataset(this, imageShape, names);
  }

  /** The name of each class ({@code classNames().get(label)}), or empty when the classes have none. */
  public List<String> classNames() {
    return classNames;
  }

  /** These rows with {@code source}'s image shape and class names, if it has them (same width and classes). */
  private Dataset withShapeOf(Dataset source) {
    return source.imageShape == null && source.classNames.isEmpty() ? this
        : new Dataset(this, source.imageShape, source.classNames);
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

  /** The first {@code count} samples (all of them when there are fewer), for quick runs: {@code slice(0, count)}. */
  public Dataset head(int count) {
    if (count < 0) {
      throw new IllegalArgumentException(name + ": the first " + count + " samples? A count is ≥ 0");
    }
    return slice(0, Math.min(count, size));
  }

  /**
   * Samples {@code [from, to)}, in order, as a new set (image shape and class names kept).
   *
   * @throws IllegalArgumentException unless {@code 0 ≤ from ≤ to ≤ size()}
   */
  public Dataset slice(int from, int to) {
    if (from < 0 || to < from || to > size) {
      throw new IllegalArgumentException(name + ": samples [" + from + ", " + to + ") are not within its " + size
          + " samples");
    }
    int[] rows = new int[to - from];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = from + i;
    }
    return rows(rows, name);
  }

  /**
   * The same samples in an order drawn from {@code seed} (a Fisher–Yates shuffle): the same seed
   * always gives the same order.
   */
  public Dataset shuffled(long seed) {
    return rows(permutation(size, seed), name);
  }

  /**
   * A seeded split into a training and a validation set, as scikit-learn's {@code
   * train_test_split}: the samples are shuffled with {@code seed}, and the last {@code
   * round(validationFraction · size)} of them validate. Class labels, image shape and class names go
   * with both.
   *
   * @throws IllegalArgumentException unless {@code 0 < validationFraction < 1} and both sets get
   *     at least one sample
   */
  public Split split(double validationFraction, long seed) {
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(name + ": a validation fraction lies in (0, 1), got " + validationFraction);
    }
    int validation = (int) Math.round(validationFraction * size);
    if (validation < 1 || validation >= size) {
      throw new IllegalArgumentException(name + ": " + validationFraction + " of " + size + " samples leaves "
          + (validation < 1 ? "no validation sample" : "no training sample"));
    }
    int[] order = permutation(size, seed);
    int trainSize = size - validation;
    return new Split(rows(Arrays.copyOfRange(order, 0, trainSize), name + " (training split)"),
        rows(Arrays.copyOfRange(order, trainSize, size), name + " (validation split)"));
  }

  /** A training set and a validation set drawn from one dataset by {@link #split}. */
  public record Split(Dataset train, Dataset validation) {}

  /**
   * The samples in consecutive batches of {@code batchSize} (the last one may be smaller), for any
   * use outside {@link dev.shortcut.runtime.train.Trainer}, which batches on its own. Each batch is
   * copied into arrays that the iteration reuses, so walking the batches allocates nothing per
   * batch: copy what you keep. {@code shuffled(seed).batches(n)} gives shuffled batches.
   */
  public Iterable<Batch> batches(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException(name + ": a batch holds ≥ 1 sample, got " + batchSize);
    }
    return () -> new Iterator<>() {
      private final Batch batch = new Batch(Dataset.this, Math.min(batchSize, Math.max(size, 1)));
      private int next;

      @Override
      public boolean hasNext() {
        return next < size;
      }

      @Override
      public Batch next() {
        if (next >= size) {
          throw new NoSuchElementException(name + " has no batch after sample " + size);
        }
        batch.fill(next, Math.min(batchSize, size - next));
        next += batch.size();
        return batch;
      }
    };
  }

  /**
   * One batch of {@link #batches}: rows {@code [start, start + size)} of the dataset, copied. The
   * arrays are sized for a whole batch; only the first {@code size} rows are this batch's.
   */
  public static final class Batch {
    private final Dataset data;
    private final float[] features;
    private final int[] labels;
    private final float[] targets;
    private final int[] order;
    private int start;
    private int size;

    private Batch(Dataset data, int capacity) {
      this.data = data;
      this.features = new float[capacity * data.width];
      this.labels = data.labels == null ? null : new int[capacity];
      this.targets = data.targets == null ? null : new float[capacity * data.targetWidth];
      this.order = new int[capacity];
    }

    private void fill(int start, int size) {
      this.start = start;
      this.size = size;
      for (int i = 0; i < size; i++) {
        order[i] = start + i;
      }
      data.copyRows(order, 0, size, features);
      if (labels != null) {
        data.copyLabels(order, 0, size, labels);
      } else {
        data.copyTargets(order, 0, size, targets);
      }
    }

    /** Index, in the dataset, of the batch's first sample. */
    public int start() {
      return start;
    }

    /** Samples in this batch. */
    public int size() {
      return size;
    }

    /** Feature rows, row-major: {@code size() × width}. */
    public float[] features() {
      return features;
    }

    /** Class labels (classification), or null. */
    public int[] labels() {
      return labels;
    }

    /** Target rows (regression), or null. */
    public float[] targets() {
      return targets;
    }
  }

  /** The samples at {@code rows}, in that order, as a new set called {@code newName}. */
  private Dataset rows(int[] rows, String newName) {
    float[] f = new float[rows.length * width];
    copyRows(rows, 0, rows.length, f);
    int[] l = null;
    float[] t = null;
    if (labels != null) {
      l = new int[rows.length];
      copyLabels(rows, 0, rows.length, l);
    } else {
      t = new float[rows.length * targetWidth];
      copyTargets(rows, 0, rows.length, t);
    }
    return new Dataset(newName, f, width, l, classes, t, targetWidth).withShapeOf(this);
  }

  /** {@code 0 .. n-1} shuffled by {@code seed}: the one shuffle that splits and {@link #shuffled} use. */
  private static int[] permutation(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /**
   * Per-target mean and standard deviation of a regression set, to standardize its targets (and
   * map predictions back, {@link Standardization#invert}).
   *
   * @throws IllegalArgumentException for a classification set
   */
  public Standardization targetStandardization() {
    if (targets == null) {
      throw new IllegalArgumentException(name + " is a classification set: its labels are not standardized");
    }
    return Standardization.of(targets, targetWidth, size);
  }

  /** A copy with targets replaced (same features). */
  Dataset withTargets(float[] t) {
    return new Dataset(name, features, width, labels, classes, t, targetWidth).withShapeOf(this);
  }

  /**
   * Per-column statistics of a training set (its features, or a regression set's targets), applied
   * to any set of the same width: {@code (x − mean) / std}, and back with {@link #invert}.
   *
   * @param mean per column
   * @param std per column (population standard deviation; 1 for a constant column, which then
   *     maps to 0 instead of dividing by zero)
   */
  public record Standardization(float[] mean, float[] std) {
    /** Checks that there is one finite mean and one finite, positive standard deviation per column. */
    public Standardization {
      if (mean.length == 0 || mean.length != std.length) {
        throw new IllegalArgumentException("need one mean and one standard deviation per column, got "
            + mean.length + " and " + std.length);
      }
      for (int j = 0; j < mean.length; j++) {
        if (!Float.isFinite(mean[j]) || !Float.isFinite(std[j]) || !(std[j] > 0)) {
          throw new IllegalArgumentException("column " + j + " has mean " + mean[j] + " and standard deviation "
              + std[j] + "; both must be finite and the deviation > 0");
        }
      }
    }

    static Standardization of(Dataset d) {
      return of(d.features, d.width, d.size);
    }

    static Standardization of(float[] values, int width, int rows) {
      double[] sum = new double[width];
      double[] sq = new double[width];
      for (int i = 0; i < values.length; i++) {
        sum[i % width] += values[i];
        sq[i % width] += (double) values[i] * values[i];
      }
      float[] mean = new float[width];
      float[] std = new float[width];
      for (int j = 0; j < width; j++) {
        double m = sum[j] / rows;
        mean[j] = (float) m;
        // A constant column keeps std 1, so it maps to 0 instead of dividing by zero.
        double var = Math.max(sq[j] / rows - m * m, 0);
        std[j] = var > 1e-12 ? (float) Math.sqrt(var) : 1f;
      }
      return new Standardization(mean, std);
    }

    /** Number of columns. */
    public int width() {
      return mean.length;
    }

    /** {@code (x − mean) / std} per feature, as a new dataset. */
    public Dataset apply(Dataset d) {
      if (d.width != mean.length) {
        throw new IllegalArgumentException(
            d.name + " has " + d.width + " features, the statistics " + mean.length);
      }
      float[] f = d.features.clone();
      standardize(f, 0, d.size);
      return d.withFeatures(f);
    }

    /** {@code (y − mean) / std} per target of a regression set, as a new dataset. */
    public Dataset applyToTargets(Dataset d) {
      if (d.targets == null) {
        throw new IllegalArgumentException(d.name + " is a classification set: it has no targets to standardize");
      }
      if (d.targetWidth != mean.length) {
        throw new IllegalArgumentException(d.name + " has " + d.targetWidth + " targets, the statistics "
            + mean.length);
      }
      float[] t = d.targets.clone();
      standardize(t, 0, d.size);
      return d.withTargets(t);
    }

    /** Standardizes {@code rows} rows of {@code width()} values at {@code values[offset ..]} in place. */
    public void standardize(float[] values, int offset, int rows) {
      int n = rows * mean.length;
      for (int i = 0; i < n; i++) {
        int j = i % mean.length;
        values[offset + i] = (values[offset + i] - mean[j]) / std[j];
      }
    }

    /** The inverse, {@code x · std + mean}, in place: standardized predictions back in the data's units. */
    public void invert(float[] values, int offset, int rows) {
      int n = rows * mean.length;
      for (int i = 0; i < n; i++) {
        int j = i % mean.length;
        values[offset + i] = values[offset + i] * std[j] + mean[j];
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Standardization s && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
      return "Standardization[" + mean.length + " columns]";
    }
  }
}
