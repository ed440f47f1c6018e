package dev.shortcut.runtime.train;

/** Hooks into a run. Called on the training thread; keep {@link #onStep} cheap. */
public interface TrainingListener {
  /** After every update: the step's mean loss. */
  default void onStep(int epoch, long step, double loss) {}

  /** After every epoch, with its metrics. Return {@code false} to stop training. */
  default boolean onEpochEnd(EpochMetrics metrics) {
    return true;
  }
}
