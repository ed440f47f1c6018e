package dev.shortcut.spark;

/**
 * A round of data-parallel training failed: names the round's steps, the cause, and where the run
 * can resume from.
 */
public final class DataParallelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}. */
  public DataParallelException(String message, Throwable cause) {
    super(message, cause);
  }
}
