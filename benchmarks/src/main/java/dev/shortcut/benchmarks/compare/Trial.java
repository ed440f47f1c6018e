package dev.shortcut.benchmarks.compare;

import dev.shortcut.runtime.kernel.Kernels;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * One timed section of one side.
 *
 * @param perSecond samples per second (batch × steps / wall time)
 * @param coresUsed the process's CPU time over the wall time: the cores it really kept busy
 * @param steps steps timed
 * @param threadsInForce the thread counts the side reported while timed, by library
 */
record Trial(double perSecond, double coresUsed, long steps, Map<String, Long> threadsInForce) {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /**
   * Times Shortcut's {@code step} at {@code threads} kernel threads for at least {@code seconds}
   * and {@code minSteps} steps; a step answers a value that keeps the JIT from dropping it.
   *
   * @throws IllegalStateException when the steps' values are not finite
   */
  static Trial ofShortcut(Config config, int threads, double seconds, int minSteps, DoubleSupplier step) {
    long budget = (long) (seconds * 1e9);
    double sink = 0;
    long steps = 0;
    long cpu0 = OS.getProcessCpuTime();
    long start = System.nanoTime();
    long now;
    do {
      sink += step.getAsDouble();
      steps++;
      now = System.nanoTime();
    } while (now - start < budget || steps < minSteps);
    double wall = (now - start) / 1e9;
    double cpu = (OS.getProcessCpuTime() - cpu0) / 1e9;
    if (!Double.isFinite(sink)) {
      throw new IllegalStateException(config.label() + " at " + threads + " thread(s): not finite after " + steps
          + " steps");
    }
    return new Trial(config.batch() * steps / wall, cpu / wall, steps,
        Map.of("kernels", (long) Kernels.withThreads(threads).threads()));
  }
}
