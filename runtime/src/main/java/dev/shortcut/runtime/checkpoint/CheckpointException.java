package dev.shortcut.runtime.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint that cannot be read or does not fit, naming the file and every problem found. */
public final class CheckpointException extends IOException {
  private static final long serialVersionUID = 1L;

  /** A problem with {@code file}. */
  public CheckpointException(Path file, String problem) {
    super(file + ": " + problem);
  }

  /** A problem with {@code file}, with its cause. */
  public CheckpointException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
