package dev.shortcut.benchmarks;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * Bytes allocated per step by the threads that run it (the caller and the kernels' workers), once
 * the JIT has compiled the step: exactly what a step costs the heap. JMH's {@code -prof gc} divides
 * the allocation of every thread in the JVM (its own harness threads included, about 30 KB/s here)
 * by the operations, so a step of tens of milliseconds reads hundreds of bytes there while it
 * allocates nothing; a boxed vector would show here as kilobytes per step.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     dev.shortcut.benchmarks.StepAllocation [--threads 1,2] [--seconds 60]
 * </pre>
 *
 * Each case runs until a round of steps allocates nothing, or {@code --seconds} pass (the JIT is
 * slow on a loaded machine); the figure is the last round's.
 */
public final class StepAllocation {
  private StepAllocation() {}

  public static void main(String[] args) {
    int[] threadCounts = {1, 2};
    double seconds = 60;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--threads" -> threadCounts = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.println(Machine.describe());
    System.out.println("case | threads | bytes per step (caller + kernel workers) | seconds to reach it");
    for (int threads : threadCounts) {
      for (int depth : new int[] {20, 56}) {
        for (int side : new int[] {28, 32}) {
          ConvWorkload train = new ConvWorkload(depth, side, 8, threads, 1);
          report(String.format(Locale.ROOT, "ResNet-%d %d×%d training step, batch 8", depth, side, side), threads,
              train::trainStep, seconds);
          ConvWorkload infer = new ConvWorkload(depth, side, 1, threads, 1);
          report(String.format(Locale.ROOT, "ResNet-%d %d×%d inference, batch 1", depth, side, side), threads,
              infer::infer, seconds);
        }
      }
      Workload dense = new Workload(128, 100, 32, threads, 1);
      report("dense width 128, 100 layers, training step, batch 32", threads, dense::trainStep, seconds);
    }
  }

  private static void report(String what, int threads, Runnable step, double seconds) {
    ThreadMXBean bean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    step.run(); // starts the kernels' workers, if any
    long[] workers = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("shortcut-kernels")).mapToLong(Thread::getId).toArray();
    long start = System.nanoTime();
    long perStep;
    do {
      long before = allocated(bean, workers);
      for (int i = 0; i < 10; i++) {
        step.run();
      }
      perStep = (allocated(bean, workers) - before) / 10;
    } while (perStep != 0 && System.nanoTime() - start < seconds * 1e9);
    System.out.printf(Locale.ROOT, "%s | %d | %d | %.0f%n", what, threads, perStep, (System.nanoTime() - start) / 1e9);
  }

  /** Bytes allocated so far by this thread and the kernels' worker threads (nothing allocated to ask). */
  private static long allocated(ThreadMXBean bean, long[] workers) {
    long total = bean.getCurrentThreadAllocatedBytes();
    for (long id : workers) {
      total += bean.getThreadAllocatedBytes(id);
    }
    return total;
  }
}
