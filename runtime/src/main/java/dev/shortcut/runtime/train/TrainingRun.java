package dev.shortcut.runtime.train;

import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.optim.Optimizer;

/**
 * One call of {@link Trainer#fit} as listeners see it: what it trains, and live counters the loop
 * updates as it goes (read them in {@link TrainingListener#onStep}; nothing here allocates).
 */
public final class TrainingRun {
  private final Network network;
  private final Optimizer optimizer;
  private final Dataset training;
  private final Dataset validation;
  private final int firstEpoch;
  private final int lastEpoch;
  private final long totalSteps;
  private final int batchSize;
  private final long seed;
  int epoch;
  long step;
  long epochSamples;
  int lastBatch;
  double epochLossSum;
  long epochCorrect;

  /** A run of one step per epoch and seed 0, for listeners tried on their own. */
  TrainingRun(Network network, Optimizer optimizer, Dataset training, Dataset validation, int firstEpoch,
      int lastEpoch, long totalSteps) {
    this(network, optimizer, training, validation, firstEpoch, lastEpoch, totalSteps, Math.max(1, training.size()), 0);
  }

  TrainingRun(Network network, Optimizer optimizer, Dataset training, Dataset validation, int firstEpoch,
      int lastEpoch, long totalSteps, int batchSize, long seed) {
    this.network = network;
    this.optimizer = optimizer;
    this.training = training;
    this.validation = validation;
    this.firstEpoch = firstEpoch;
    this.lastEpoch = lastEpoch;
    this.totalSteps = totalSteps;
    this.batchSize = batchSize;
    this.seed = seed;
  }

  /** The network being trained. */
  public Network network() {
    return network;
  }

  /** The optimizer that holds its state (the trainer's own, or a fresh one for another network). */
  public Optimizer optimizer() {
    return optimizer;
  }

  /** The training set. */
  public Dataset trainingSet() {
    return training;
  }

  /** The validation set, or null. */
  public Dataset validationSet() {
    return validation;
  }

  /** The first epoch this run trains (after {@code resumeAfter}), from 1. */
  public int firstEpoch() {
    return firstEpoch;
  }

  /** The last epoch it may train. */
  public int lastEpoch() {
    return lastEpoch;
  }

  /** Where the run ends, in steps counted from epoch 1 ({@code maxSteps} included). */
  public long totalSteps() {
    return totalSteps;
  }

  /** Samples per step. */
  public int batchSize() {
    return batchSize;
  }

  /** Steps of one whole epoch. */
  public long stepsPerEpoch() {
    return (training.size() + batchSize - 1) / batchSize;
  }

  /**
   * Where the run stands now, as a checkpoint records it for {@link Trainer.Builder#resumeFrom}:
   * at the end of an epoch (in {@link TrainingListener#onEpochEnd}), the epoch just completed.
   */
  public TrainingPosition position() {
    return new TrainingPosition(epoch, step, lastEpoch, totalSteps, stepsPerEpoch(), batchSize, seed, training.size());
  }

  /** The current epoch. */
  public int epoch() {
    return epoch;
  }

  /** Steps taken so far, counted from epoch 1 (skipped steps included). */
  public long step() {
    return step;
  }

  /** Samples of applied steps so far in this epoch. */
  public long epochSamples() {
    return epochSamples;
  }

  /** Rows of the last applied step. */
  public int lastBatch() {
    return lastBatch;
  }

  /** Mean training loss of this epoch's applied steps so far. */
  public double epochLoss() {
    return epochLossSum / Math.max(epochSamples, 1);
  }

  /** Training accuracy of this epoch's applied steps so far (NaN without classes). */
  public double epochAccuracy() {
    return training.isClassification() ? (double) epochCorrect / Math.max(epochSamples, 1) : Double.NaN;
  }
}
