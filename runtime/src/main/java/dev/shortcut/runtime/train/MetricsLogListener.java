package dev.shortcut.runtime.train;

import dev.shortcut.runtime.report.MetricsLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Appends each epoch's metrics to a JSON Lines file ({@link MetricsLog}), open for the run. */
final class MetricsLogListener implements TrainingListener {
  private final Path file;
  private MetricsLog log;
  private String network;

  MetricsLogListener(Path file) {
    this.file = file;
  }

  @Override
  public void onTrainBegin(TrainingRun run) {
    network = run.network().name();
    try {
      log = MetricsLog.open(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the metrics log " + file, e);
    }
  }

  @Override
  public boolean onEpochEnd(EpochMetrics metrics) {
    try {
      log.write(network, metrics);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the metrics log " + file, e);
    }
    return true;
  }

  @Override
  public void onTrainEnd(TrainingHistory history, Throwable failure) {
    if (log == null) {
      return;
    }
    try {
      log.close();
    } catch (IOException e) {
      if (failure == null) {
        throw new UncheckedIOException("cannot write the metrics log " + file, e);
      }
    } finally {
      log = null;
    }
  }
}
