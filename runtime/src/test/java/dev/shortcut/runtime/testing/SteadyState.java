package dev.shortcut.runtime.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;

/**
 * Allocation checks for code that must allocate nothing once warm.
 *
 * <p>One measured window is not evidence either way: the JIT compiles vector kernels late, and on a
 * busy two-core machine it can deoptimize a method and leave it interpreted (boxing every vector)
 * for a while before compiling it again. So the check measures window after window and passes at
 * the first clean one; it fails only if no window was clean before the deadline. Allocation that
 * the code really does per call shows in every window, so it still fails.
 */
public final class SteadyState {
  /** How long the JIT gets: a long test run can hold compilations in its queue for a while. */
  private static final long DEADLINE_NANOS = 30_000_000_000L;
  private static final int MIN_WINDOWS = 20;

  private SteadyState() {}

  /** The bytes one window allocates; may itself run several calls and subtract a baseline. */
  @FunctionalInterface
  public interface Window {
    long allocatedBytes();
  }

  /**
   * Runs {@code window} until one allocates at most {@code toleranceBytes}; fails naming
   * {@code what}, the smallest and the last figure if none does.
   */
  public static void assertAllocatesAtMost(long toleranceBytes, String what, Window window) {
    long deadline = System.nanoTime() + DEADLINE_NANOS;
    long smallest = Long.MAX_VALUE;
    long last = 0;
    for (int round = 0; round < MIN_WINDOWS || System.nanoTime() < deadline; round++) {
      last = window.allocatedBytes();
      if (last <= toleranceBytes) {
        return;
      }
      smallest = Math.min(smallest, last);
    }
    fail(what + ": every window allocated; smallest " + smallest + " bytes, last " + last
        + " (allowed " + toleranceBytes + ")");
  }

  /** {@link #assertAllocatesAtMost} with no tolerance: each window runs {@code calls} calls. */
  public static void assertAllocatesNothing(String what, int calls, Runnable call) {
    assertAllocatesAtMost(0, what + " (" + calls + " calls)", () -> bytesOf(calls, call));
  }

  /**
   * The bytes {@code calls} runs of {@code call} allocate on this thread and on the kernels'
   * worker threads, read so that the meter's own arrays fall outside the window.
   */
  public static long bytesOf(int calls, Runnable call) {
    ThreadMXBean bean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] ids = kernelThreads();
    long[] workersBefore = bean.getThreadAllocatedBytes(ids);
    long before = bean.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < calls; i++) {
      call.run();
    }
    long after = bean.getCurrentThreadAllocatedBytes();
    long[] workersAfter = bean.getThreadAllocatedBytes(ids);
    long bytes = after - before;
    for (int t = 0; t < ids.length; t++) {
      bytes += workersAfter[t] - workersBefore[t];
    }
    return bytes;
  }

  /** The worker threads of every threaded kernel set. */
  private static long[] kernelThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("shortcut-kernels"))
        .mapToLong(Thread::getId)
        .toArray();
  }
}
