package dev.shortcut.runtime.train;

/**
 * Hooks into a run, as Keras's callbacks are: the trainer is a loop, and early stopping, the
 * metrics log, the progress bar, checkpointing and the reaction to a NaN are listeners on it.
 * Called on the training thread, in the order the trainer's builder lists them; keep {@link
 * #onStep} cheap and allocation-free, since it runs every step.
 *
 * <p>Listeners see only a finite network: the loop checks every step before applying it.
 */
public interface TrainingListener {
  /**
   * Before the first step of {@link Trainer#fit}: the run's network, optimizer and data, and the
   * live counters that later hooks may read. Throw {@link IllegalArgumentException} to refuse a run
   * that cannot work (e.g. a validation metric without a validation set); nothing has changed yet.
   */
  default void onTrainBegin(TrainingRun run) {}

  /** Before the first step of epoch {@code epoch}. */
  default void onEpochBegin(int epoch) {}

  /** After every applied update: the step's mean loss (the run has the epoch's running means). */
  default void onStep(int epoch, long step, double loss) {}

  /**
   * A step found a NaN or an infinity (in the output, the loss, a gradient or the update) and
   * changed nothing. Throw to stop the run; return to let it skip the step. The trainer's policy
   * ({@link Trainer.Builder#onNonFinite}) comes last and throws under {@link NonFinitePolicy#FAIL}.
   */
  default void onNonFinite(NonFiniteException cause) {}

  /** After every epoch, with its metrics (validation included). Return {@code false} to stop training. */
  default boolean onEpochEnd(EpochMetrics metrics) {
    return true;
  }

  /**
   * After the run, whether it completed or stopped early ({@code failure} null), or failed with
   * {@code failure} (then only release what the listener holds: files, bars).
   */
  default void onTrainEnd(TrainingHistory history, Throwable failure) {}
}
