package dev.shortcut.runtime.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import dev.shortcut.runtime.testing.FreshJvm;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The vector kernels allocate nothing even when other Vector API code in the process ran other
 * vector widths first. On JDK 17 that polluted the JIT's shared profiles and made kernels compiled
 * afterwards box every vector (megabytes per call); the test needs a fresh JVM, because the JIT's
 * state is per process.
 */
class MixedWidthsTest {
  @Test
  void kernelsCompiledAfterOtherVectorWidthsAllocateNothing() throws IOException, InterruptedException {
    probe("-Dshortcut.vectorBits=" + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize(), 3);
  }

  @Test
  void narrowTilesAllocateNothingEither() throws IOException, InterruptedException {
    // Below 512 bits the products use other tiles (16 registers): the AVX2 code path, run here at
    // 256 bits (128 on a machine without them).
    probe("-Dshortcut.vectorBits=" + Math.min(256, jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize()), 1);
  }

  /**
   * Runs the probe in {@code jvms} fresh JVMs; every one must be clean. Several, because what the
   * JIT decides varies from process to process: before the 512-bit dot tiles cast their partial
   * sums to their exact class, half of the JVMs boxed them (18,720 bytes per prediction of 53
   * samples) and half did not.
   */
  private static void probe(String width, int jvms) throws IOException, InterruptedException {
    for (int jvm = 1; jvm <= jvms; jvm++) {
      FreshJvm.Result r = FreshJvm.run(MixedWidthsProbe.class, Duration.ofMinutes(5), width);
      if (r.timedOut()) {
        fail("JVM " + jvm + " of " + jvms + " did not finish in 5 minutes:\n" + r.output());
      }
      if (r.status() != 0) {
        fail("JVM " + jvm + " of " + jvms + " (" + width + "):\n" + r.output());
      }
    }
  }
}
