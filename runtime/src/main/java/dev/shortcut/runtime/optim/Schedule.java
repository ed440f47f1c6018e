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
   * The rate multiplied by {@code gamma} at each of the given points of the run, fractions of its
   * steps in increasing order (PyTorch's {@code MultiStepLR} with milestones relative to the run):
   * the ResNet paper's CIFAR recipe divides by 10 at 32k and 48k of 64k iterations,
   * {@code multiStep(0.1, 0.5, 0.75)}.
   */
  static Schedule multiStep(double gamma, double... fractions) {
    if (!(gamma > 0) || gamma == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("gamma must be finite and > 0, got " + gamma);
    }
    double previous = 0;
    for (double f : fractions) {
      if (!(f > previous) || f >= 1) {
        throw new IllegalArgumentException("milestones must increase within (0, 1), got "
            + java.util.Arrays.toString(fractions));
      }
      previous = f;
    }
    double[] points = fractions.clone();
    return (base, step, total) -> {
      double rate = base;
      for (double f : points) {
        if (step >= (long) Math.floor(f * total)) {
          rate *= gamma;
        }
      }
      return rate;
    };
  }

  /**
   * A constant {@code factor} of this schedule's rate for the first {@code warmupSteps} steps, then
   * this schedule: the paper's start for its deepest networks (0.01 until the training error falls
   * below 80 %, about 400 iterations, then 0.1).
   */
  default Schedule withConstantWarmup(long warmupSteps, double factor) {
    if (warmupSteps < 1) {
      throw new IllegalArgumentException("warm-up steps must be ≥ 1, got " + warmupSteps);
    }
    if (!(factor > 0) || factor == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("the warm-up factor must be finite and > 0, got " + factor);
    }
    Schedule after = this;
    return (base, step, total) -> step < warmupSteps ? factor * after.rate(base, step, total)
        : after.rate(base, step, total);
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
