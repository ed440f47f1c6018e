package dev.shortcut.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntToDoubleFunction;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * This machine's float multiply-add peak, measured: a tiny loop of twelve independent vector FMAs
 * (enough to cover the FMA latency on two pipes) per vector width, on 1 and on n threads at once.
 * Every kernel's GFLOP/s is reported against the peak at the width the kernels run
 * ({@code DenseKernels}, {@code ConvolutionKernels}).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.shortcut.benchmarks.FmaPeak
 * </pre>
 *
 * <p>One method per width, each with its species a constant (twelve independent accumulators; an
 * {@code int} counter, so that C2 compiles a counted loop): a species passed in as a parameter
 * would make JDK 17 box every vector of the loop, and the figure would measure the allocator. Widths
 * wider than {@link FloatVector#SPECIES_PREFERRED} are skipped (they would run in software).
 * {@code -XX:UseAVX=2} on an AVX-512 machine measures what an AVX2 machine's code gets: 256-bit
 * vectors and 16 vector registers.
 */
public final class FmaPeak {
  private FmaPeak() {}

  public static void main(String[] args) throws InterruptedException {
    int[] threads = args.length > 0 ? Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray()
        : new int[] {1, Runtime.getRuntime().availableProcessors()};
    System.out.println(Machine.describe());
    for (int bits : new int[] {128, 256, 512}) {
      if (bits > FloatVector.SPECIES_PREFERRED.vectorBitSize()) {
        continue;
      }
      for (int t : threads) {
        System.out.printf(Locale.ROOT, "FMA peak, %d-bit vectors, %d thread(s): %.1f GFLOP/s%n", bits, t,
            gflops(bits, t));
      }
    }
  }

  /**
   * GFLOP/s of {@code threads} threads running the FMA loop at once at {@code bits} (summed over the
   * threads; the best of six rounds, the first of which compile the loop).
   */
  public static double gflops(int bits, int threads) throws InterruptedException {
    IntToDoubleFunction loop = switch (bits) {
      case 128 -> FmaPeak::loop128;
      case 256 -> FmaPeak::loop256;
      case 512 -> FmaPeak::loop512;
      default -> throw new IllegalArgumentException("no " + bits + "-bit float vectors");
    };
    int iterations = 400_000_000 / (bits / 32);
    double best = 0;
    double[] rates = new double[threads];
    for (int round = 0; round < 6; round++) {
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> running = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        Thread th = new Thread(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          rates[id] = loop.applyAsDouble(iterations);
        });
        th.start();
        running.add(th);
      }
      go.countDown();
      for (Thread th : running) {
        th.join();
      }
      best = Math.max(best, Arrays.stream(rates).sum());
    }
    return best;
  }

  /** The width, in bits, of the kernels' vectors, from {@code Kernels.implementation()}; 32 for scalar. */
  public static int kernelBits(String implementation) {
    int open = implementation.indexOf('(');
    int dash = implementation.indexOf("-bit");
    return open < 0 || dash < 0 ? 32 : Integer.parseInt(implementation.substring(open + 1, dash));
  }

  /** The loop at 128 bits: the species a constant, so that no vector is boxed. */
  private static double loop128(int iterations) {
    VectorSpecies<Float> s = FloatVector.SPECIES_128;
    FloatVector x = FloatVector.broadcast(s, 0.999f);
    FloatVector y = FloatVector.broadcast(s, 1e-7f);
    FloatVector a0 = x, a1 = y, a2 = x, a3 = y, a4 = x, a5 = y, a6 = x, a7 = y, a8 = x, a9 = y, a10 = x, a11 = y;
    long start = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      a0 = x.fma(a0, y); a1 = x.fma(a1, y); a2 = x.fma(a2, y); a3 = x.fma(a3, y);
      a4 = x.fma(a4, y); a5 = x.fma(a5, y); a6 = x.fma(a6, y); a7 = x.fma(a7, y);
      a8 = x.fma(a8, y); a9 = x.fma(a9, y); a10 = x.fma(a10, y); a11 = x.fma(a11, y);
    }
    double elapsed = System.nanoTime() - start;
    keep(a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
        .reduceLanes(VectorOperators.ADD));
    return 12.0 * 2 * s.length() * iterations / elapsed;
  }

  /** The loop at 256 bits: the species a constant, so that no vector is boxed. */
  private static double loop256(int iterations) {
    VectorSpecies<Float> s = FloatVector.SPECIES_256;
    FloatVector x = FloatVector.broadcast(s, 0.999f);
    FloatVector y = FloatVector.broadcast(s, 1e-7f);
    FloatVector a0 = x, a1 = y, a2 = x, a3 = y, a4 = x, a5 = y, a6 = x, a7 = y, a8 = x, a9 = y, a10 = x, a11 = y;
    long start = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      a0 = x.fma(a0, y); a1 = x.fma(a1, y); a2 = x.fma(a2, y); a3 = x.fma(a3, y);
      a4 = x.fma(a4, y); a5 = x.fma(a5, y); a6 = x.fma(a6, y); a7 = x.fma(a7, y);
      a8 = x.fma(a8, y); a9 = x.fma(a9, y); a10 = x.fma(a10, y); a11 = x.fma(a11, y);
    }
    double elapsed = System.nanoTime() - start;
    keep(a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
        .reduceLanes(VectorOperators.ADD));
    return 12.0 * 2 * s.length() * iterations / elapsed;
  }

  /** The loop at 512 bits: the species a constant, so that no vector is boxed. */
  private static double loop512(int iterations) {
    VectorSpecies<Float> s = FloatVector.SPECIES_512;
    FloatVector x = FloatVector.broadcast(s, 0.999f);
    FloatVector y = FloatVector.broadcast(s, 1e-7f);
    FloatVector a0 = x, a1 = y, a2 = x, a3 = y, a4 = x, a5 = y, a6 = x, a7 = y, a8 = x, a9 = y, a10 = x, a11 = y;
    long start = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      a0 = x.fma(a0, y); a1 = x.fma(a1, y); a2 = x.fma(a2, y); a3 = x.fma(a3, y);
      a4 = x.fma(a4, y); a5 = x.fma(a5, y); a6 = x.fma(a6, y); a7 = x.fma(a7, y);
      a8 = x.fma(a8, y); a9 = x.fma(a9, y); a10 = x.fma(a10, y); a11 = x.fma(a11, y);
    }
    double elapsed = System.nanoTime() - start;
    keep(a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
        .reduceLanes(VectorOperators.ADD));
    return 12.0 * 2 * s.length() * iterations / elapsed;
  }

  private static void keep(float sink) {
    if (sink == 42f) {
      System.out.print(""); // keeps the loop's result alive
    }
  }
}
