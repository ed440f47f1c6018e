package dev.shortcut.benchmarks.compare;

import java.util.Arrays;
import java.util.List;

/**
 * The median and spread of repeated measurements of one side.
 *
 * @param median the middle value (the mean of the two middle values for an even count)
 * @param min the smallest value
 * @param max the largest value
 * @param q1 the first quartile, interpolated linearly between order statistics (numpy's default)
 * @param q3 the third quartile, likewise
 * @param values the measurements, in the order they were taken
 */
record Summary(double median, double min, double max, double q1, double q3, List<Double> values) {

  /** The summary of {@code values}, which must be at least one. */
  static Summary of(double... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no measurements to summarize");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return new Summary(quantile(sorted, 0.5), sorted[0], sorted[sorted.length - 1], quantile(sorted, 0.25),
        quantile(sorted, 0.75), Arrays.stream(values).boxed().toList());
  }

  /** The {@code p}-quantile of sorted values: position {@code p·(n−1)}, interpolated linearly. */
  static double quantile(double[] sorted, double p) {
    double position = p * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(below + 1, sorted.length - 1);
    double fraction = position - below;
    return sorted[below] + fraction * (sorted[above] - sorted[below]);
  }

  /** This side's median over {@code other}'s: the figure the comparison reports. */
  double ratioOfMedians(Summary other) {
    return median / other.median;
  }

  /**
   * The ratio's extremes, this side's slowest trial over the other's fastest and the reverse: the
   * ratio any single pairing of trials could have shown.
   */
  double[] ratioRange(Summary other) {
    return new double[] {min / other.max, max / other.min};
  }
}
