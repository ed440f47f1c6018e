package dev.shortcut.runtime.loss;

/**
 * Softmax followed by cross-entropy, fused with its gradient. Uses the log-sum-exp shift, so
 * logits of any size are safe; the gradient {@code (softmax − onehot) / batch} is that of the
 * batch's mean loss.
 */
public final class SoftmaxCrossEntropy {
  private SoftmaxCrossEntropy() {}

  /**
   * Writes {@code gradient} rows {@code [0, batch)} and returns the summed (not mean) loss.
   *
   * @param labels class of each row, read from {@code labels[labelOffset + row]}
   */
  public static double lossAndGradient(
      float[] logits, int batch, int classes, int[] labels, int labelOffset, float[] gradient) {
    double total = 0;
    float scale = 1f / batch;
    for (int r = 0; r < batch; r++) {
      int row = r * classes;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < classes; j++) {
        max = Math.max(max, logits[row + j]);
      }
      double sum = 0;
      for (int j = 0; j < classes; j++) {
        sum += Math.exp(logits[row + j] - max);
      }
      double logSum = Math.log(sum) + max;
      int label = labels[labelOffset + r];
      total += logSum - logits[row + label];
      for (int j = 0; j < classes; j++) {
        double p = Math.exp(logits[row + j] - logSum);
        gradient[row + j] = (float) ((p - (j == label ? 1 : 0)) * scale);
      }
    }
    return total;
  }

  /** Double-precision twin of {@link #lossAndGradient(float[], int, int, int[], int, float[])}. */
  public static double lossAndGradient(
      double[] logits, int batch, int classes, int[] labels, int labelOffset, double[] gradient) {
    double total = 0;
    double scale = 1.0 / batch;
    for (int r = 0; r < batch; r++) {
      int row = r * classes;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < classes; j++) {
        max = Math.max(max, logits[row + j]);
      }
      double sum = 0;
      for (int j = 0; j < classes; j++) {
        sum += Math.exp(logits[row + j] - max);
      }
      double logSum = Math.log(sum) + max;
      int label = labels[labelOffset + r];
      total += logSum - logits[row + label];
      for (int j = 0; j < classes; j++) {
        gradient[row + j] = (Math.exp(logits[row + j] - logSum) - (j == label ? 1 : 0)) * scale;
      }
    }
    return total;
  }

  /** Number of rows whose largest logit is the label (ties go to the lower class). */
  public static int correct(float[] logits, int batch, int classes, int[] labels, int labelOffset) {
    int correct = 0;
    for (int r = 0; r < batch; r++) {
      int best = 0;
      for (int j = 1; j < classes; j++) {
        if (logits[r * classes + j] > logits[r * classes + best]) {
          best = j;
        }
      }
      correct += best == labels[labelOffset + r] ? 1 : 0;
    }
    return correct;
  }

  /** Double-precision twin of {@link #correct(float[], int, int, int[], int)}. */
  public static int correct(double[] logits, int batch, int classes, int[] labels, int labelOffset) {
    int correct = 0;
    for (int r = 0; r < batch; r++) {
      int best = 0;
      for (int j = 1; j < classes; j++) {
        if (logits[r * classes + j] > logits[r * classes + best]) {
          best = j;
        }
      }
      correct += best == labels[labelOffset + r] ? 1 : 0;
    }
    return correct;
  }
}
