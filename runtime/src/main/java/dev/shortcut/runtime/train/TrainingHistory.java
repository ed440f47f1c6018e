package dev.shortcut.runtime.train;

import java.util.List;

/** Every epoch's metrics, and how the run ended. */
public record TrainingHistory(List<EpochMetrics> epochs, boolean stoppedEarly, long skippedSteps, long steps) {
  /** The last epoch's metrics. */
  public EpochMetrics last() {
    return epochs.get(epochs.size() - 1);
  }
}
