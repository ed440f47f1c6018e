package dev.shortcut.runtime.train;

/** A figure of {@link EpochMetrics} that early stopping and checkpoints may watch, with its direction. */
public enum Metric {
  /** Mean validation loss; lower is better. */
  VALIDATION_LOSS(true, false),
  /** Validation accuracy; higher is better. */
  VALIDATION_ACCURACY(true, true),
  /** Mean training loss over the epoch; lower is better. */
  TRAIN_LOSS(false, false),
  /** Training accuracy over the epoch; higher is better. */
  TRAIN_ACCURACY(false, true);

  private final boolean needsValidation;
  private final boolean higherIsBetter;

  Metric(boolean needsValidation, boolean higherIsBetter) {
    this.needsValidation = needsValidation;
    this.higherIsBetter = higherIsBetter;
  }

  /** Its value in {@code m}. */
  public double of(EpochMetrics m) {
    return switch (this) {
      case VALIDATION_LOSS -> m.validationLoss();
      case VALIDATION_ACCURACY -> m.validationAccuracy();
      case TRAIN_LOSS -> m.trainLoss();
      case TRAIN_ACCURACY -> m.trainAccuracy();
    };
  }

  /** Whether {@code value} improves on {@code best} by more than {@code minDelta} (any value beats NaN). */
  public boolean improves(double value, double best, double minDelta) {
    if (Double.isNaN(best)) {
      return !Double.isNaN(value);
    }
    return higherIsBetter ? value > best + minDelta : value < best - minDelta;
  }

  /** Whether it is measured on the validation set. */
  public boolean needsValidation() {
    return needsValidation;
  }

  /**
   * Checks that {@code run} can measure it (accuracy needs classes, validation figures a
   * validation set), for a listener's {@code onTrainBegin}; {@code who} names the listener.
   *
   * @throws IllegalArgumentException when it cannot
   */
  public void checkMeasurable(TrainingRun run, String who) {
    if (needsValidation && run.validationSet() == null) {
      throw new IllegalArgumentException(who + " watches " + this + ", but fit got no validation set");
    }
    boolean accuracy = this == VALIDATION_ACCURACY || this == TRAIN_ACCURACY;
    if (accuracy && !run.trainingSet().isClassification()) {
      throw new IllegalArgumentException(who + " watches " + this + ", but '" + run.trainingSet().name()
          + "' has no classes");
    }
  }
}
