package dev.shortcut.runtime.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file that cannot be used, with the file and the problem in the message. */
public final class DatasetException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /** A problem with {@code file}. */
  public DatasetException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
  }

  /** A problem with {@code file}, caused by {@code cause}. */
  public DatasetException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  /** The offending file. */
  public Path file() {
    return file;
  }
}
