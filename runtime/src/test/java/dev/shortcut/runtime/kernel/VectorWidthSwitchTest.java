package dev.shortcut.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.testing.FreshJvm;
import java.io.IOException;
import java.time.Duration;
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
    FreshJvm.Result r = run("-Dshortcut.vectorBits=128");
    assertEquals(0, r.status(), r.output());
    assertTrue(r.output().contains("vector (128-bit) | vector (128-bit)"), r.output());
  }

  @Test
  void widthTheMachineLacksIsRefused() throws IOException, InterruptedException {
    FreshJvm.Result r = run("-Dshortcut.vectorBits=1024");
    assertTrue(r.status() != 0, r.output());
    assertTrue(r.output().contains("shortcut.vectorBits must be 128, 256 or 512, got 1024"), r.output());
  }

  private static FreshJvm.Result run(String property) throws IOException, InterruptedException {
    return FreshJvm.run(VectorWidthSwitchTest.class, Duration.ofMinutes(2), property);
  }
}
