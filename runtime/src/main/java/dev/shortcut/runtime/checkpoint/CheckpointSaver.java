package dev.shortcut.runtime.checkpoint;

import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.optim.Optimizer;
import dev.shortcut.runtime.train.EpochMetrics;
import dev.shortcut.runtime.train.Metric;
import dev.shortcut.runtime.train.TrainingHistory;
import dev.shortcut.runtime.train.TrainingListener;
import dev.shortcut.runtime.train.TrainingRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Saves the run's network and optimizer as a checkpoint during training, as Keras's {@code
 * ModelCheckpoint} does: every n-th epoch ({@link #every}), or whenever a metric reaches its best
 * so far ({@link #best}). Each save is atomic ({@link SafeTensors#write}) and is refused for a
 * network that is not finite, so the file on disk is always the last good one. The metadata holds
 * the run's position ({@link dev.shortcut.runtime.train.TrainingPosition}: epoch, step, schedule
 * length, batch size, seed) and, for the best, {@code metric} and {@code value}, so {@code
 * Trainer.Builder.resumeFrom(file)} continues the run from it; {@link #withMetadata} adds the
 * caller's own (the data's standardization, say).
 *
 * <p>A resumed run's {@link #best} starts from the value its file already records, so the first
 * resumed epoch does not replace a better checkpoint.
 *
 * <p>Immutable configuration with per-run state: one instance per trainer, one run at a time.
 */
public final class CheckpointSaver implements TrainingListener {
  private final Path file;
  private final int every;
  private final Metric metric;
  private final Map<String, String> extra;
  /** The network and optimizer to save, when not the run's own ({@link Checkpoints#eachEpoch}). */
  private final Network network;
  private final Optimizer optimizer;
  private TrainingRun run;
  private double best;

  private CheckpointSaver(Path file, int every, Metric metric, Map<String, String> extra, Network network,
      Optimizer optimizer) {
    this.file = Objects.requireNonNull(file, "file");
    this.every = every;
    this.metric = metric;
    this.extra = Map.copyOf(extra);
    this.network = network;
    this.optimizer = optimizer;
  }

  /** Saves to {@code file}, replacing it, after every {@code epochs}-th epoch (epoch % epochs == 0). */
  public static CheckpointSaver every(int epochs, Path file) {
    if (epochs < 1) {
      throw new IllegalArgumentException("a checkpoint every " + epochs + " epochs: the period must be ≥ 1");
    }
    return new CheckpointSaver(file, epochs, null, Map.of(), null, null);
  }

  /**
   * Saves to {@code file} after each epoch whose {@code metric} improves on every earlier epoch of
   * the run (the first epoch always saves, unless a resumed run's file records a better value).
   */
  public static CheckpointSaver best(Metric metric, Path file) {
    return new CheckpointSaver(file, 0, Objects.requireNonNull(metric, "metric"), Map.of(), null, null);
  }

  /** Every epoch, saving {@code net} and {@code optimizer} (may be null) rather than the run's own. */
  static CheckpointSaver of(Network net, Optimizer optimizer, Path file) {
    return new CheckpointSaver(file, 1, null, Map.of(), Objects.requireNonNull(net, "net"), optimizer);
  }

  /**
   * The same saver, writing {@code metadata} into every checkpoint as well (the position's keys
   * and {@code format}, {@code network}, {@code optimizer...} are the saver's own and win).
   */
  public CheckpointSaver withMetadata(Map<String, String> metadata) {
    Map<String, String> all = new LinkedHashMap<>(extra);
    all.putAll(metadata);
    return new CheckpointSaver(file, every, metric, all, network, optimizer);
  }

  @Override
  public void onTrainBegin(TrainingRun run) {
    if (metric != null) {
      metric.checkMeasurable(run, "the checkpoint of the best epoch");
    }
    this.run = run;
    this.best = run.firstEpoch() > 1 ? recordedBest() : Double.NaN;
  }

  /** The value of this metric that a resumed run's file records, or NaN. */
  private double recordedBest() {
    if (metric == null || !Files.isRegularFile(file)) {
      return Double.NaN;
    }
    try {
      Map<String, String> saved = SafeTensors.readMetadata(file);
      return metric.name().equals(saved.get("metric")) ? Double.parseDouble(saved.get("value")) : Double.NaN;
    } catch (CheckpointException | NumberFormatException | NullPointerException e) {
      return Double.NaN; // an unreadable file holds no best to keep
    }
  }

  @Override
  public boolean onEpochEnd(EpochMetrics m) {
    Map<String, String> metadata = new LinkedHashMap<>(extra);
    metadata.putAll(run.position().metadata());
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
      if (network == null) {
        Checkpoints.save(run.network(), run.optimizer(), file, metadata);
      } else {
        Checkpoints.save(network, optimizer, file, metadata);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return true;
  }

  @Override
  public void onTrainEnd(TrainingHistory history, Throwable failure) {
    run = null;
  }

  @Override
  public String toString() {
    return metric == null ? "checkpoint every " + every + " epochs to " + file
        : "checkpoint of the best " + metric + " to " + file;
  }
}
