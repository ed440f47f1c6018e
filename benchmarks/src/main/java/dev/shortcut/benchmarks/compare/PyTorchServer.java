package dev.shortcut.benchmarks.compare;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * compare.py, running as a server for the whole comparison: one JSON command per line in, one
 * answer per line out; its warnings and errors pass through to this process's standard error. It
 * only runs when asked, so the two sides never time at once.
 */
final class PyTorchServer implements AutoCloseable {
  /** Thread caps that would override {@code torch.set_num_threads} and make the recorded count lie. */
  private static final List<String> THREAD_CAPS =
      List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "MKL_NUM_THREADS");

  private final Process process;
  private final BufferedWriter in;
  private final BufferedReader out;

  /**
   * Starts {@code python script}. With {@code blasDirectory}, the dynamic linker looks there first
   * for {@code libblas.so.3} (Debian keeps each OpenBLAS build in a directory of its own).
   */
  PyTorchServer(String python, Path script, Path blasDirectory) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(python, script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT);
    THREAD_CAPS.forEach(pb.environment()::remove);
    if (blasDirectory != null) {
      String old = pb.environment().get("LD_LIBRARY_PATH");
      pb.environment().put("LD_LIBRARY_PATH", blasDirectory + (old == null || old.isEmpty() ? "" : ":" + old));
    }
    process = pb.start();
    in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Versions, the BLAS library mapped and its threading, oneDNN. */
  Map<String, Object> environment() throws IOException {
    return call(Map.of("cmd", "environment"));
  }

  /** Loads a reference file and answers the differences from float64 ({@link Agreement#judge}'s input). */
  Map<String, Object> load(Path file, int[] threads) throws IOException {
    return call(Map.of("cmd", "load", "file", file.toAbsolutePath().toString(), "threads",
        java.util.Arrays.stream(threads).boxed().toList()));
  }

  /** Times {@code mode} at {@code threads} threads from the starting state. */
  Trial trial(String mode, int threads, double seconds, int minSteps, int batch) throws IOException {
    Map<String, Object> command = new LinkedHashMap<>();
    command.put("cmd", "trial");
    command.put("mode", mode);
    command.put("threads", threads);
    command.put("seconds", seconds);
    command.put("min_steps", minSteps);
    Map<String, Object> r = call(command);
    double wall = Json.number(r, "wall_s");
    Map<String, Long> inForce = new LinkedHashMap<>();
    inForce.put("torch", (long) Json.number(r, "torch_threads"));
    inForce.put("openmp", (long) Json.number(r, "openmp_threads"));
    if (r.get("blas_threads") instanceof Number n) {
      inForce.put("blas", n.longValue());
    }
    long steps = (long) Json.number(r, "steps");
    return new Trial(batch * steps / wall, Json.number(r, "cpu_s") / wall, steps, inForce);
  }

  private Map<String, Object> call(Map<String, Object> command) throws IOException {
    if (!process.isAlive()) {
      throw new IllegalStateException("compare.py exited with status " + process.exitValue()
          + " (its messages are above)");
    }
    in.write(Json.line(command));
    in.newLine();
    in.flush();
    String line = out.readLine();
    if (line == null) {
      throw new IllegalStateException("compare.py stopped answering (its messages are above); it was asked "
          + command);
    }
    Object answer = Json.parse(line);
    if (answer instanceof Map<?, ?> m && m.containsKey("error")) {
      throw new IllegalStateException("compare.py failed on " + command + ": " + m.get("error"));
    }
    return Json.object(answer, "ok");
  }

  @Override
  public void close() throws IOException {
    try {
      if (process.isAlive()) {
        in.write("{\"cmd\": \"quit\"}");
        in.newLine();
        in.flush();
      }
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroy();
      }
    } catch (InterruptedException e) {
      process.destroy();
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      process.destroy();
    }
  }
}
