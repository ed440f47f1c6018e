package dev.shortcut.runtime.train;

/** What to do when a step's output, loss, gradient or update is not finite. */
public enum NonFinitePolicy {
  /** Throw {@link NonFiniteException}: the default, so nothing trains through a NaN. */
  FAIL,
  /**
   * Skip the step, leaving the network as it was, and count it in the history. For an occasional
   * bad batch: a network broken before the run still fails, and so does an epoch that could not
   * apply a single update.
   */
  SKIP
}
