package dev.shortcut.runtime.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a classifier does on a labelled set, as scikit-learn's {@code classification_report} and
 * {@code confusion_matrix} and Keras's top-k accuracy say it: the confusion matrix, each class's
 * precision, recall, F1 and accuracy, overall and top-k accuracy. Every figure is available as
 * data; {@link #toString()} prints them as a table.
 *
 * <p>Definitions, for class {@code c} with TP, FP, FN and TN counted one-versus-rest: precision
 * {@code TP / (TP + FP)}, recall {@code TP / (TP + FN)}, F1 their harmonic mean, accuracy {@code
 * (TP + TN) / samples}. A ratio whose denominator is zero (a class never predicted, or absent) is
 * NaN, printed {@code n/a}, rather than a made-up 0.
 */
public final class ClassificationReport {
  private final List<String> names;
  private final long[][] confusion;
  private final long samples;
  private final int k;
  private final long topKCorrect;

  private ClassificationReport(List<String> names, long[][] confusion, long samples, int k, long topKCorrect) {
    this.names = names;
    this.confusion = confusion;
    this.samples = samples;
    this.k = k;
    this.topKCorrect = topKCorrect;
  }

  /**
   * The report of scores ({@code logits} or probabilities, row-major, {@code classes} per row)
   * against the true {@code labels}: predicted class = the highest score (the first of equal ones).
   *
   * @param classNames a name per class, or empty for {@code 0, 1, ...}
   * @param k for top-k accuracy: a sample counts when its label is among its k highest scores
   */
  public static ClassificationReport of(float[] scores, int[] labels, int classes, List<String> classNames, int k) {
    if (classes < 1 || k < 1 || k > classes) {
      throw new IllegalArgumentException("k must lie in [1, " + classes + "] (the classes), got " + k);
    }
    if ((long) labels.length * classes != scores.length) {
      throw new IllegalArgumentException(labels.length + " labels need " + (long) labels.length * classes
          + " scores, got " + scores.length);
    }
    if (!classNames.isEmpty() && classNames.size() != classes) {
      throw new IllegalArgumentException(classes + " classes, but " + classNames.size() + " names");
    }
    List<String> names = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      names.add(classNames.isEmpty() ? Integer.toString(c) : classNames.get(c));
    }
    long[][] confusion = new long[classes][classes];
    long topK = 0;
    for (int i = 0; i < labels.length; i++) {
      int label = labels[i];
      if (label < 0 || label >= classes) {
        throw new IllegalArgumentException("label " + label + " of sample " + i + " is outside [0, " + classes + ")");
      }
      int row = i * classes;
      int best = 0;
      int above = 0; // scores that beat the label's: it is in the top k when fewer than k do
      for (int j = 0; j < classes; j++) {
        float s = scores[row + j];
        if (s > scores[row + best]) {
          best = j;
        }
        if (s > scores[row + label] || s == scores[row + label] && j < label) {
          above++;
        }
      }
      confusion[label][best]++;
      topK += above < k ? 1 : 0;
    }
    return new ClassificationReport(List.copyOf(names), confusion, labels.length, k, topK);
  }

  /** Number of classes. */
  public int classes() {
    return names.size();
  }

  /** The classes' names ({@code "0", "1", ...} when they have none). */
  public List<String> classNames() {
    return names;
  }

  /** Samples evaluated. */
  public long samples() {
    return samples;
  }

  /** {@code confusion()[t][p]}: samples of true class {@code t} predicted as {@code p} (a copy). */
  public long[][] confusion() {
    long[][] copy = new long[confusion.length][];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = confusion[i].clone();
    }
    return copy;
  }

  /** Fraction of samples whose predicted class is their label. */
  public double accuracy() {
    long right = 0;
    for (int c = 0; c < confusion.length; c++) {
      right += confusion[c][c];
    }
    return ratio(right, samples);
  }

  /** The k of {@link #topKAccuracy()}. */
  public int k() {
    return k;
  }

  /** Fraction of samples whose label is among their k highest scores. */
  public double topKAccuracy() {
    return ratio(topKCorrect, samples);
  }

  /** Samples whose label is {@code c}. */
  public long support(int c) {
    long n = 0;
    for (long v : confusion[c]) {
      n += v;
    }
    return n;
  }

  /** Samples predicted as {@code c}. */
  public long predicted(int c) {
    long n = 0;
    for (long[] row : confusion) {
      n += row[c];
    }
    return n;
  }

  /** {@code TP / (TP + FP)} of class {@code c}; NaN when it is never predicted. */
  public double precision(int c) {
    return ratio(confusion[c][c], predicted(c));
  }

  /** {@code TP / (TP + FN)} of class {@code c}; NaN when no sample has it. */
  public double recall(int c) {
    return ratio(confusion[c][c], support(c));
  }

  /** Harmonic mean of precision and recall of class {@code c}. */
  public double f1(int c) {
    double p = precision(c);
    double r = recall(c);
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  /** One-versus-rest accuracy of class {@code c}: {@code (TP + TN) / samples}. */
  public double accuracy(int c) {
    long wrong = support(c) + predicted(c) - 2 * confusion[c][c]; // FN + FP
    return ratio(samples - wrong, samples);
  }

  /** The unweighted mean of the classes' precision (NaN ones left out). */
  public double macroPrecision() {
    return macro(0);
  }

  /** The unweighted mean of the classes' recall (NaN ones left out). */
  public double macroRecall() {
    return macro(1);
  }

  /** The unweighted mean of the classes' F1 (NaN ones left out). */
  public double macroF1() {
    return macro(2);
  }

  private double macro(int which) {
    double sum = 0;
    int n = 0;
    for (int c = 0; c < classes(); c++) {
      double v = which == 0 ? precision(c) : which == 1 ? recall(c) : f1(c);
      if (!Double.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private static double ratio(long a, long b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }

  /** The per-class table, the overall figures, then the confusion matrix. */
  @Override
  public String toString() {
    int nameWidth = Math.max(9, names.stream().mapToInt(String::length).max().orElse(0));
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-" + nameWidth + "s %9s %9s %9s %9s %9s%n", "class", "precision", "recall",
        "f1", "accuracy", "support"));
    for (int c = 0; c < classes(); c++) {
      sb.append(String.format(Locale.ROOT, "%-" + nameWidth + "s %9s %9s %9s %9s %9d%n", names.get(c),
          figure(precision(c)), figure(recall(c)), figure(f1(c)), figure(accuracy(c)), support(c)));
    }
    sb.append(String.format(Locale.ROOT, "%-" + nameWidth + "s %9s %9s %9s %9s %9d%n", "macro avg",
        figure(macroPrecision()), figure(macroRecall()), figure(macroF1()), "", samples));
    sb.append(String.format(Locale.ROOT, "accuracy %s, top-%d accuracy %s, %d samples%n", figure(accuracy()), k,
        figure(topKAccuracy()), samples));
    sb.append("confusion matrix (rows: true class, columns: predicted)").append(System.lineSeparator());
    int cell = Math.max(nameWidth > 12 ? 12 : nameWidth, Long.toString(samples).length() + 1);
    sb.append(String.format(Locale.ROOT, "%-" + nameWidth + "s", ""));
    for (String n : names) {
      sb.append(String.format(Locale.ROOT, " %" + cell + "s", n.length() > cell ? n.substring(0, cell) : n));
    }
    sb.append(System.lineSeparator());
    for (int t = 0; t < classes(); t++) {
      sb.append(String.format(Locale.ROOT, "%-" + nameWidth + "s", names.get(t)));
      for (int p = 0; p < classes(); p++) {
        sb.append(String.format(Locale.ROOT, " %" + cell + "d", confusion[t][p]));
      }
      sb.append(System.lineSeparator());
    }
    return sb.toString();
  }

  private static String figure(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
  }
}
