package dev.shortcut.runtime.train;

import dev.shortcut.runtime.report.Progress;

/** A console progress bar per epoch: samples, running loss and accuracy, speed and ETA. */
final class ProgressListener implements TrainingListener {
  private TrainingRun run;
  private Progress bar = Progress.NONE;

  @Override
  public void onTrainBegin(TrainingRun run) {
    this.run = run;
  }

  @Override
  public void onEpochBegin(int epoch) {
    bar = Progress.start(run.network().name() + " epoch " + epoch, run.trainingSet().size());
  }

  @Override
  public void onStep(int epoch, long step, double loss) {
    bar.advance(run.lastBatch(), run.epochLoss(), (double) run.epochCorrect / Math.max(run.epochSamples, 1));
  }

  @Override
  public boolean onEpochEnd(EpochMetrics metrics) {
    close();
    return true;
  }

  @Override
  public void onTrainEnd(TrainingHistory history, Throwable failure) {
    close();
    run = null;
  }

  private void close() {
    bar.close();
    bar = Progress.NONE;
  }
}
