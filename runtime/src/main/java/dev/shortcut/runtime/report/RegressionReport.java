package dev.shortcut.runtime.report;

import java.util.Locale;

/**
 * How a regressor does on a set with targets, per output and over all of them: mean squared error,
 * mean absolute error and the coefficient of determination R² ({@code 1 − SS_res / SS_tot}, as
 * scikit-learn's {@code r2_score}; the overall R² is the mean of the outputs', its {@code
 * uniform_average}). Sums run in double. Every figure is available as data; {@link #toString()}
 * prints them as a table. An output whose targets are all equal has no R² (NaN, printed {@code
 * n/a}).
 */
public final class RegressionReport {
  private final double[] mse;
  private final double[] mae;
  private final double[] r2;
  private final long samples;

  private RegressionReport(double[] mse, double[] mae, double[] r2, long samples) {
    this.mse = mse;
    this.mae = mae;
    this.r2 = r2;
    this.samples = samples;
  }

  /**
   * The report of {@code predictions} against {@code targets}, both row-major with {@code outputs}
   * values per sample.
   */
  public static RegressionReport of(float[] predictions, float[] targets, int outputs) {
    if (outputs < 1 || predictions.length != targets.length || targets.length % outputs != 0) {
      throw new IllegalArgumentException(predictions.length + " predictions and " + targets.length
          + " targets do not make rows of " + outputs);
    }
    int n = targets.length / outputs;
    if (n == 0) {
      throw new IllegalArgumentException("no samples to report on");
    }
    double[] mean = new double[outputs];
    for (int i = 0; i < targets.length; i++) {
      mean[i % outputs] += targets[i];
    }
    for (int j = 0; j < outputs; j++) {
      mean[j] /= n;
    }
    double[] squares = new double[outputs];
    double[] absolute = new double[outputs];
    double[] total = new double[outputs];
    for (int i = 0; i < targets.length; i++) {
      int j = i % outputs;
      double e = (double) predictions[i] - targets[i];
      squares[j] += e * e;
      absolute[j] += Math.abs(e);
      double d = targets[i] - mean[j];
      total[j] += d * d;
    }
    double[] mse = new double[outputs];
    double[] mae = new double[outputs];
    double[] r2 = new double[outputs];
    for (int j = 0; j < outputs; j++) {
      mse[j] = squares[j] / n;
      mae[j] = absolute[j] / n;
      r2[j] = total[j] == 0 ? Double.NaN : 1 - squares[j] / total[j];
    }
    return new RegressionReport(mse, mae, r2, n);
  }

  /** Number of outputs. */
  public int outputs() {
    return mse.length;
  }

  /** Samples evaluated. */
  public long samples() {
    return samples;
  }

  /** Mean squared error of output {@code j}. */
  public double mse(int j) {
    return mse[j];
  }

  /** Mean absolute error of output {@code j}. */
  public double mae(int j) {
    return mae[j];
  }

  /** R² of output {@code j}; NaN when its targets are all equal. */
  public double r2(int j) {
    return r2[j];
  }

  /** Mean squared error over every output value. */
  public double mse() {
    return mean(mse);
  }

  /** Mean absolute error over every output value. */
  public double mae() {
    return mean(mae);
  }

  /** The mean of the outputs' R² (NaN ones left out; NaN when all are). */
  public double r2() {
    double sum = 0;
    int n = 0;
    for (double v : r2) {
      if (!Double.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  /** One line per output, then one over all of them. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-8s %12s %12s %9s%n", "output", "MSE", "MAE",
        "R²"));
    for (int j = 0; j < outputs(); j++) {
      sb.append(String.format(Locale.ROOT, "%-8d %12.6g %12.6g %9s%n", j, mse[j], mae[j], figure(r2[j])));
    }
    sb.append(String.format(Locale.ROOT, "%-8s %12.6g %12.6g %9s%n", "all", mse(), mae(), figure(r2())));
    sb.append(String.format(Locale.ROOT, "%d samples%n", samples));
    return sb.toString();
  }

  private static String figure(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
  }
}
