package dev.shortcut.examples.guide;

import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.optim.Schedule;
import dev.shortcut.runtime.train.Trainer;
import dev.shortcut.runtime.train.TrainingHistory;
import dev.shortcut.runtime.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The user guide's resumable run, compiled by the build: a job that may be killed and started
 * again trains on from its last checkpoint, with no epoch arithmetic.
 */
public final class Resume {
  private Resume() {}

  /**
   * Trains {@code net} for 6 epochs, or what is left of them after the run that wrote {@code
   * checkpoint}; {@code interruption}, when not null, may stop the run (a test kills it so).
   */
  public static TrainingHistory train(FloatNetwork net, Dataset train, Dataset validation, Path checkpoint,
      TrainingListener interruption) {
    // tag::resume[]
    Trainer.Builder run = Trainer.builder(Adam.withLearningRate(1e-2))
        .schedule(Schedule.cosine(1e-4).withWarmup(20))
        .epochs(6)                              // the whole run, however often it is restarted
        .batchSize(32)
        .seed(7)
        .checkpointEvery(1, checkpoint);        // weights, optimizer and the run's position
    if (Files.exists(checkpoint)) {
      run.resumeFrom(checkpoint);               // epoch, step and schedule come from the file
    }
    // end::resume[]
    if (interruption != null) {
      run.listener(interruption);
    }
    return run.progress(false).build().fit(net, train, validation);
  }

  /** Saves a network with its optimizer: two files, so the checkpoint is exactly PyTorch's state dict. */
  public static void saveWithOptimizer(FloatNetwork net, Trainer trainer, Path checkpoint) throws IOException {
    // tag::optimizer-file[]
    Checkpoints.save(net, trainer.optimizer(), checkpoint, Map.of());
    // checkpoint:                           the model's state_dict, nothing else
    // Checkpoints.optimizerFile(checkpoint): Adam's moments and step count, beside it
    // end::optimizer-file[]
  }
}
