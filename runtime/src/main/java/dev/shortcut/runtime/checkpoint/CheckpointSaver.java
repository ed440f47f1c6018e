package dev.shortcut.runtime.checkpoint;

import dev.shortcut.runtime.train.EpochMetrics;
import dev.shortcut.runtime.train.Metric;
import dev.shortcut.runtime.train.TrainingListener;
import dev.shortcut.runtime.train.TrainingRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Saves the run's network and optimizer as a checkpoint during training, as Keras's {@code
 * ModelCheckpoint} does: every n-th epoch ({@link #every}), or whenever a metric reaches its best
 * so far ({@link #best}). Each save is atomic ({@link SafeTensors#write}) and is refused for a
 * network that is not finite, so the file on disk is always the last good one. The metadata holds
 * {@code epoch} and {@code step} (and, for the best, {@code metric} and {@code value}), so a run
 * resumes with {@code resumeAfter(epoch)} after {@link Checkpoints#load(dev.shortcut.runtime.Network,
 * dev.shortcut.runtime.optim.Optimizer, Path)}.
 *
 * <p>Immutable configuration with per-run state: one instance per trainer, one run at a time.
 */
public final class CheckpointSaver implements TrainingListener {
  private final Path file;
  private final int every;
  private final Metric metric;
  private TrainingRun run;
  private double best;

  private CheckpointSaver(Path file, int every, Metric metric) {
    this.file = Objects.requireNonNull(file, "file");
    this.every = every;
    this.metric = metric;
  }

  /** Saves to {@code file}, replacing it, after every {@code epochs}-th epoch (epoch % epochs == 0). */
  public static CheckpointSaver every(int epochs, Path file) {
    if (epochs < 1) {
      throw new IllegalArgumentException("a checkpoint every " + epochs + " epochs: the period must be ≥ 1");
    }
    return new CheckpointSaver(file, epochs, null);
  }

  /**
   * Saves to {@code file} after each epoch whose {@code metric} improves on every earlier epoch of
   * the run (the first epoch always saves).
   */
  public static CheckpointSaver best(Metric metric, Path file) {
    return new CheckpointSaver(file, 0, Objects.requireNonNull(metric, "metric"));
  }

  @Override
  public void onTrainBegin(TrainingRun run) {
    if (metric != null) {
      metric.checkMeasurable(run, "the checkpoint of the best epoch");
    }
    this.run = run;
    this.best = Double.NaN;
  }

  @Override
  public boolean onEpochEnd(EpochMetrics m) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("epoch", Integer.toString(m.epoch()));
    metadata.put("step", Long.toString(run.step()));
    if (metric == null) {
      if (m.epoch() % every != 0) {
        return true;
      }
    } else {
      double value = metric.of(m);
      if (!metric.improves(value, best, 0)) {
        return true;
      }
      best = value;
      metadata.put("metric", metric.name());
      metadata.put("value", Double.toString(value));
    }
    try {
      Checkpoints.save(run.network(), run.optimizer(), file, metadata);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return true;
  }

  @Override
  public void onTrainEnd(dev.shortcut.runtime.train.TrainingHistory history, Throwable failure) {
    run = null;
  }

  @Override
  public String toString() {
    return metric == null ? "checkpoint every " + every + " epochs to " + file
        : "checkpoint of the best " + metric + " to " + file;
  }
}
