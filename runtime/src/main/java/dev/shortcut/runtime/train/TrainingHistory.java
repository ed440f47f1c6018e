package dev.shortcut.runtime.train;

import dev.shortcut.runtime.optim.Optimizer;
import java.util.List;

/**
 * Every epoch's metrics, and how the run ended.
 *
 * @param skippedSteps steps skipped under {@link NonFinitePolicy#SKIP}
 * @param steps the run's position at the end, counted from the first step of epoch 1
 * @param optimizer the optimizer that holds the network's state after the run, for a checkpoint
 */
public record TrainingHistory(
    List<EpochMetrics> epochs, boolean stoppedEarly, long skippedSteps, long steps, Optimizer optimizer) {
  /** The last epoch's metrics. */
  public EpochMetrics last() {
    return epochs.get(epochs.size() - 1);
  }
}
