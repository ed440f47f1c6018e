package dev.shortcut.benchmarks;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Timing for the plain-{@code main} kernel reports ({@link DenseKernels}, {@link
 * ConvolutionKernels}): an operation warmed up, then timed in {@value #SAMPLES} samples of about
 * equal length. The median is the figure; the best sample is kept beside it, since on a shared
 * machine it shows what the code does when it has the core.
 */
final class Sampler {
  static final int SAMPLES = 7;

  private Sampler() {}

  /** {median, best} seconds per call of {@code op}, over about {@code seconds} after a warm-up. */
  static double[] secondsPerCall(Runnable op, double seconds) {
    long calls = callsFor(op, seconds / SAMPLES);
    double[] perCall = new double[SAMPLES];
    for (int s = 0; s < SAMPLES; s++) {
      long start = System.nanoTime();
      for (long i = 0; i < calls; i++) {
        op.run();
      }
      perCall[s] = (System.nanoTime() - start) / 1e9 / calls;
    }
    Arrays.sort(perCall);
    return new double[] {perCall[SAMPLES / 2], perCall[0]};
  }

  /** {median, best} of {@code work / seconds per call}: e.g. GFLOP/s for {@code work} in GFLOP. */
  static double[] rate(Runnable op, double seconds, double work) {
    double[] s = secondsPerCall(op, seconds);
    return new double[] {work / s[0], work / s[1]};
  }

  /**
   * Runs {@code ops} in turn until the JIT has compiled nothing for a whole round of at least half a
   * second (at most {@code capSeconds}): on a loaded machine C2 may take seconds of wall time to
   * compile a large tile, and a figure taken before would time the interpreter.
   */
  static void settle(double capSeconds, Runnable... ops) {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long deadline = System.nanoTime() + (long) (capSeconds * 1e9);
    long before;
    do {
      before = jit == null ? 0 : jit.getTotalCompilationTime();
      long roundEnd = System.nanoTime() + 500_000_000L;
      do {
        for (Runnable op : ops) {
          op.run();
        }
      } while (System.nanoTime() < roundEnd);
    } while (jit != null && jit.isCompilationTimeMonitoringSupported() && jit.getTotalCompilationTime() > before
        && System.nanoTime() < deadline);
  }

  /** Warms {@code op} up (at least 0.3 s), then returns how many calls take about {@code seconds}. */
  private static long callsFor(Runnable op, double seconds) {
    long calls = 1;
    long start = System.nanoTime();
    while (System.nanoTime() - start < 1e9 * Math.max(0.3, seconds)) {
      op.run();
    }
    while (true) {
      long t0 = System.nanoTime();
      for (long i = 0; i < calls; i++) {
        op.run();
      }
      double elapsed = (System.nanoTime() - t0) / 1e9;
      if (elapsed > seconds / 4) {
        return Math.max(1, (long) (calls * seconds / elapsed));
      }
      calls *= 2;
    }
  }
}
