package dev.shortcut.runtime.sweep;

/**
 * A sweep could not finish every cell: names the cells that failed and why. The cells that did
 * finish are written, and a rerun skips them.
 */
public final class SweepException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}, caused by {@code cause} (may be null). */
  public SweepException(String message, Throwable cause) {
    super(message, cause);
  }
}
