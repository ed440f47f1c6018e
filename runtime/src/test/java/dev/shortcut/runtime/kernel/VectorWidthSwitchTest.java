package dev.shortcut.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code -Dshortcut.vectorBits} picks the width of every float kernel, the dense ones included, so
 * that an AVX-512 machine can run and measure the code an AVX2 machine runs; a width the machine
 * lacks is an error, not a silent fall back to scalar. The species is fixed when the kernels load,
 * so each case needs a fresh JVM.
 */
class VectorWidthSwitchTest {
  /** Prints the dense and the convolution kernels' implementations (run in the fresh JVM). */
  public static void main(String[] args) {
    System.out.println(Kernels.implementation() + " | " + Kernels.spatialImplementation());
  }

  @Test
  void narrowerWidthReachesTheDenseKernels() throws IOException, InterruptedException {
    Result r = run("-Dshortcut.vectorBits=128");
    assertEquals(0, r.status, r.output);
    assertTrue(r.output.contains("vector (128-bit) | vector (128-bit)"), r.output);
  }

  @Test
  void widthTheMachineLacksIsRefused() throws IOException, InterruptedException {
    Result r = run("-Dshortcut.vectorBits=1024");
    assertTrue(r.status != 0, r.output);
    assertTrue(r.output.contains("shortcut.vectorBits must be 128, 256 or 512, got 1024"), r.output);
  }

  private record Result(int status, String output) {}

  private static Result run(String property) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "--add-modules=jdk.incubator.vector", property, "-cp",
        System.getProperty("java.class.path"), VectorWidthSwitchTest.class.getName())
        .redirectErrorStream(true)
        .start();
    boolean finished = p.waitFor(2, TimeUnit.MINUTES);
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!finished) {
      p.destroyForcibly();
    }
    return new Result(finished ? p.exitValue() : -1, output);
  }
}
