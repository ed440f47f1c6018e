package dev.shortcut.runtime.loss;

/**
 * Mean squared error {@code Σ (y − t)² / (batch · width)}, with gradient
 * {@code 2 (y − t) / (batch · width)}.
 */
public final class MeanSquaredError {
  private MeanSquaredError() {}

  /**
   * Writes {@code gradient} and returns the loss summed over rows, each row's mean over its width
   * (so that dividing by the batch gives the mean loss).
   *
   * @param targets row-major targets, row {@code r} at {@code targets[(targetRow + r) * width]}
   */
  public static double lossAndGradient(
      float[] output, int batch, int width, float[] targets, int targetRow, float[] gradient) {
    double total = 0;
    float scale = 2f / (batch * width);
    int base = targetRow * width;
    for (int i = 0; i < batch * width; i++) {
      float d = output[i] - targets[base + i];
      total += (double) d * d;
      gradient[i] = d * scale;
    }
    return total / width;
  }

  /** Double-precision twin. */
  public static double lossAndGradient(
      double[] output, int batch, int width, float[] targets, int targetRow, double[] gradient) {
    double total = 0;
    double scale = 2.0 / (batch * width);
    int base = targetRow * width;
    for (int i = 0; i < batch * width; i++) {
      double d = output[i] - targets[base + i];
      total += d * d;
      gradient[i] = d * scale;
    }
    return total / width;
  }
}
