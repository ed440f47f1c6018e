package dev.shortcut.runtime.optim;

/**
 * A learning-rate schedule: the rate at each step, from the optimizer's base rate. Steps count
 * from 0; {@code totalSteps} is the whole run's length. A rate must be finite and ≥ 0; training
 * stops with an error naming the step at any other.
 */
@FunctionalInterface
public interface Schedule {
  /** The learning rate for {@code step}. */
  double rate(double baseRate, long step, long totalSteps);

  /** The base rate throughout. */
  static Schedule constant() {
    return (base, step, total) -> base;
  }

  /** Multiplies the rate by {@code gamma} every {@code everySteps} steps. */
  static Schedule stepDecay(long everySteps, double gamma) {
    if (everySteps < 1) {
      throw new IllegalArgumentException("everySteps must be ≥ 1, got " + everySteps);
    }
    if (!(gamma > 0) || gamma == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("gamma must be finite and > 0, got " + gamma);
    }
    return (base, step, total) -> base * Math.pow(gamma, step / everySteps);
  }

  /** Cosine annealing from the base rate to {@code minRate} over the run. */
  static Schedule cosine(double minRate) {
    if (!(minRate >= 0) || minRate == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("the minimum rate must be finite and ≥ 0, got " + minRate);
    }
    return (base, step, total) ->
        minRate + (base - minRate) * 0.5 * (1 + Math.cos(Math.PI * Math.min(step, total) / Math.max(1, total)));
  }

  /**
   * Linear warm-up from {@code base / warmupSteps} to the base rate over the first
   * {@code warmupSteps} steps, then this schedule over the remaining steps.
   */
  default Schedule withWarmup(long warmupSteps) {
    if (warmupSteps < 1) {
      throw new IllegalArgumentException("warm-up steps must be ≥ 1, got " + warmupSteps);
    }
    Schedule after = this;
    return (base, step, total) -> step < warmupSteps
        ? base * (step + 1) / warmupSteps
        : after.rate(base, step - warmupSteps, Math.max(1, total - warmupSteps));
  }
}
