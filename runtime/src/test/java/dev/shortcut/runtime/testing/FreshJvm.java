package dev.shortcut.runtime.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test class's {@code main} in a new JVM of this one's kind, with the vector module and this
 * test's class path: for what depends on per-process state (the JIT's profiles, a system property
 * read once).
 */
public final class FreshJvm {
  private FreshJvm() {}

  /** How the JVM ended: its exit status (-1 if it ran past its time and was killed) and its output. */
  public record Result(int status, String output) {
    public boolean timedOut() {
      return status == -1;
    }
  }

  /** Runs {@code main} with {@code jvmArguments}; a JVM still running after {@code limit} is killed. */
  public static Result run(Class<?> main, Duration limit, String... jvmArguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-modules=jdk.incubator.vector");
    command.addAll(List.of(jvmArguments));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    // Output to a file, not a pipe: a pipe's reader would wait forever on a JVM that hangs, and a
    // full pipe would stall a JVM that writes much.
    Path log = Files.createTempFile("fresh-jvm", ".log");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean finished = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        p.destroyForcibly().waitFor();
      }
      return new Result(finished ? p.exitValue() : -1, Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
