package dev.shortcut.runtime.train;

import dev.shortcut.runtime.NetworkArrays;
import dev.shortcut.runtime.Values;

/**
 * Stops a run when a metric has not improved by more than {@code minDelta} for {@code patience}
 * epochs, as Keras's {@code EarlyStopping}; optionally restores the best weights (parameters,
 * batch-normalization buffers and counts) when the run ends, so the network it leaves is the best
 * one seen, whether or not the patience ran out. The optimizer's state is not restored (as in
 * Keras): a checkpoint of the best epoch ({@code checkpointBest}) is the way to resume from it.
 *
 * <p>Immutable configuration with per-run state: use one instance per trainer, one run at a time.
 */
public final class EarlyStopping implements TrainingListener {
  private final Metric metric;
  private final int patience;
  private final double minDelta;
  private final boolean restoreBestWeights;

  private double best;
  private int bestEpoch;
  private int lastEpoch;
  private int sinceBest;
  private NetworkArrays arrays;
  private Values bestParameters;
  private Values bestBuffers;
  private long[] bestCounts;

  private EarlyStopping(Metric metric, int patience, double minDelta, boolean restoreBestWeights) {
    if (patience < 1) {
      throw new IllegalArgumentException("patience must be ≥ 1 epoch, got " + patience);
    }
    if (!(minDelta >= 0) || minDelta == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("minDelta must be finite and ≥ 0, got " + minDelta);
    }
    this.metric = java.util.Objects.requireNonNull(metric, "metric");
    this.patience = patience;
    this.minDelta = minDelta;
    this.restoreBestWeights = restoreBestWeights;
  }

  /** Watches {@code metric}; see the class comment. */
  public static EarlyStopping of(Metric metric, int patience, double minDelta) {
    return new EarlyStopping(metric, patience, minDelta, false);
  }

  /** The same, restoring the best epoch's weights when the run ends. */
  public EarlyStopping restoringBestWeights() {
    return new EarlyStopping(metric, patience, minDelta, true);
  }

  /** The epoch with the best value in the last run, or 0 before one. */
  public int bestEpoch() {
    return bestEpoch;
  }

  @Override
  public void onTrainBegin(TrainingRun run) {
    metric.checkMeasurable(run, "early stopping");
    best = Double.NaN;
    bestEpoch = 0;
    lastEpoch = 0;
    sinceBest = 0;
    if (restoreBestWeights) {
      arrays = NetworkArrays.of(run.network());
      bestParameters = arrays.parameters().copy();
      bestBuffers = arrays.buffers().copy();
      bestCounts = arrays.batchCounts().clone();
    }
  }

  @Override
  public boolean onEpochEnd(EpochMetrics m) {
    lastEpoch = m.epoch();
    double value = metric.of(m);
    if (metric.improves(value, best, minDelta)) {
      best = value;
      bestEpoch = m.epoch();
      sinceBest = 0;
      if (restoreBestWeights) {
        bestParameters.copyFrom(arrays.parameters());
        bestBuffers.copyFrom(arrays.buffers());
        System.arraycopy(arrays.batchCounts(), 0, bestCounts, 0, bestCounts.length);
      }
      return true;
    }
    return ++sinceBest < patience;
  }

  @Override
  public void onTrainEnd(TrainingHistory history, Throwable failure) {
    if (failure == null && restoreBestWeights && bestEpoch > 0 && bestEpoch != lastEpoch) {
      arrays.parameters().copyFrom(bestParameters);
      arrays.buffers().copyFrom(bestBuffers);
      System.arraycopy(bestCounts, 0, arrays.batchCounts(), 0, bestCounts.length);
    }
    arrays = null;
    bestParameters = null;
    bestBuffers = null;
    bestCounts = null;
  }

  @Override
  public String toString() {
    return "early stopping on " + metric + " (patience " + patience + ", minDelta " + minDelta
        + (restoreBestWeights ? ", restoring the best weights)" : ")");
  }
}
