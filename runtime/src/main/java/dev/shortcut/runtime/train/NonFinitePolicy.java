package dev.shortcut.runtime.train;

/** What to do when a step's loss or gradient is not finite. */
public enum NonFinitePolicy {
  /** Throw {@link NonFiniteException}: the default, so nothing trains through a NaN. */
  FAIL,
  /** Skip the step's update and count it in the history. */
  SKIP
}
