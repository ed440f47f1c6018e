package dev.shortcut.examples.experiment;

import java.util.List;

/** Mean, standard deviation and range of a few numbers (one per seed). */
record Stats(double mean, double std, double min, double max) {
  static Stats of(List<Double> values) {
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    double mean = sum / values.size();
    double sq = 0;
    for (double v : values) {
      sq += (v - mean) * (v - mean);
    }
    double std = values.size() > 1 ? Math.sqrt(sq / (values.size() - 1)) : 0;
    return new Stats(mean, std, min, max);
  }
}
