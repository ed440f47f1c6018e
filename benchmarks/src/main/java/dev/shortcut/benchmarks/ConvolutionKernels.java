package dev.shortcut.benchmarks;

import dev.shortcut.runtime.kernel.ConvShape;
import dev.shortcut.runtime.kernel.Kernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GFLOP/s of the convolution kernels on the layer shapes of the paper's CIFAR ResNet-20, against
 * this machine's FMA peak measured with a tiny loop of independent vector multiply-adds:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     dev.shortcut.benchmarks.ConvolutionKernels [--batches 1,8,32,128] [--threads 1,2] [--seconds 0.4]
 * </pre>
 *
 * Each figure is the median of seven timed samples after a warm-up, with the best sample in
 * brackets (on a shared machine the best shows what the kernel does when it has the core); FLOPs
 * count two per multiply-add of taps inside the input ({@link ConvShape#multiplyAdds()}). The
 * peak with n threads is the FMA loop run on n threads at once.
 */
public final class ConvolutionKernels {
  private static final int SAMPLES = 7;
  private static final VectorSpecies<Float> PREFERRED = FloatVector.SPECIES_PREFERRED;

  private ConvolutionKernels() {}

  public static void main(String[] args) throws InterruptedException {
    int[] batches = {1, 8, 32, 128};
    int[] threadCounts = {1, 2};
    double seconds = 0.4;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--batches" -> batches = ints(args[i + 1]);
        case "--threads" -> threadCounts = ints(args[i + 1]);
        case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(Locale.ROOT, "CPU: %s; JDK %s; kernels %s%n", cpu(), Runtime.version(),
        Kernels.spatialImplementation());
    double[] peak = new double[threadCounts.length];
    for (int t = 0; t < threadCounts.length; t++) {
      peak[t] = fmaPeak(threadCounts[t]);
      System.out.printf(Locale.ROOT, "FMA peak, %d thread(s): %.1f GFLOP/s%n", threadCounts[t], peak[t]);
    }
    List<ConvShape> shapes = List.of(
        ConvShape.of(3, 32, 32, 16, 3, 1, 1),
        ConvShape.of(16, 32, 32, 16, 3, 1, 1),
        ConvShape.of(16, 32, 32, 32, 3, 2, 1),
        ConvShape.of(32, 16, 16, 32, 3, 1, 1),
        ConvShape.of(32, 16, 16, 64, 3, 2, 1),
        ConvShape.of(64, 8, 8, 64, 3, 1, 1));
    // Every kernel compiled before any figure: the first measured shape would otherwise time the
    // interpreter while C2 still works on the tiles.
    for (ConvShape c : shapes) {
      measure(c, 2, Kernels.singleThreaded(), 0.1);
    }
    System.out.println("shape | batch | threads | forward GFLOP/s median [best] (% of peak, median) | input gradient"
        + " | weight gradient");
    for (ConvShape c : shapes) {
      for (int batch : batches) {
        for (int t = 0; t < threadCounts.length; t++) {
          double[][] g = measure(c, batch, Kernels.withThreads(threadCounts[t]), seconds);
          StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s | %d | %d", label(c), batch,
              threadCounts[t]));
          for (double[] op : g) {
            line.append(String.format(Locale.ROOT, " | %.1f [%.1f] (%.0f%%)", op[0], op[1], 100 * op[0] / peak[t]));
          }
          System.out.println(line);
        }
      }
    }
  }

  private static String label(ConvShape c) {
    return c.inChannels() + "×" + c.inHeight() + "×" + c.inWidth() + "→" + c.outChannels() + "×" + c.outHeight()
        + "×" + c.outWidth() + " " + c.kernelHeight() + "×" + c.kernelWidth() + " s" + c.stride();
  }

  /** {median, best} GFLOP/s of forward, input gradient and weight gradient. */
  private static double[][] measure(ConvShape c, int batch, Kernels k, double seconds) {
    SplittableRandom r = new SplittableRandom(1);
    float[] x = random(r, batch * c.inputSize());
    float[] w = random(r, c.weightCount());
    float[] y = new float[batch * c.outputSize()];
    float[] dy = random(r, y.length);
    float[] dx = new float[x.length];
    float[] dw = new float[w.length];
    float[] scratch = new float[c.backwardInputScratchSize()];
    double flops = 2.0 * batch * c.multiplyAdds();
    Runnable[] ops = {
        () -> k.conv2d(c, batch, x, 0, w, 0, y, 0),
        () -> k.conv2dBackwardInput(c, batch, dy, 0, w, 0, dx, 0, false, scratch, 0),
        () -> {
          k.conv2dBackwardWeights(c, batch, x, 0, dy, 0, dw, 0);
          if (dw[0] > 1e30f) {
            Arrays.fill(dw, 0f); // keeps the accumulating gradient finite over many calls
          }
        }};
    double[][] gflops = new double[ops.length][];
    for (int o = 0; o < ops.length; o++) {
      Runnable op = ops[o];
      long calls = callsFor(op, seconds / SAMPLES);
      double[] rates = new double[SAMPLES];
      for (int s = 0; s < SAMPLES; s++) {
        long start = System.nanoTime();
        for (long i = 0; i < calls; i++) {
          op.run();
        }
        rates[s] = flops * calls / (System.nanoTime() - start);
      }
      Arrays.sort(rates);
      gflops[o] = new double[] {rates[SAMPLES / 2], rates[SAMPLES - 1]};
    }
    return gflops;
  }

  /** Warms {@code op} up, then returns how many calls take about {@code seconds}. */
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

  /** Multiply-add throughput of {@code threads} threads at once, in GFLOP/s (sum over threads). */
  static double fmaPeak(int threads) throws InterruptedException {
    double best = 0;
    double[] rates = new double[threads];
    for (int round = 0; round < 6; round++) { // the first rounds compile the loop; the best round counts
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
          rates[id] = fmaLoop(400_000_000 / FloatVector.SPECIES_PREFERRED.length());
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

  /**
   * Twelve independent accumulators, enough to cover the FMA latency on two pipes; an {@code int}
   * counter, so C2 compiles a counted loop (a {@code long} one measured 40 % lower).
   */
  private static double fmaLoop(int iterations) {
    VectorSpecies<Float> s = PREFERRED;
    FloatVector x = FloatVector.broadcast(s, 0.999f);
    FloatVector y = FloatVector.broadcast(s, 1e-7f);
    FloatVector a0 = FloatVector.zero(s);
    FloatVector a1 = FloatVector.zero(s);
    FloatVector a2 = FloatVector.zero(s);
    FloatVector a3 = FloatVector.zero(s);
    FloatVector a4 = FloatVector.zero(s);
    FloatVector a5 = FloatVector.zero(s);
    FloatVector a6 = FloatVector.zero(s);
    FloatVector a7 = FloatVector.zero(s);
    FloatVector a8 = FloatVector.zero(s);
    FloatVector a9 = FloatVector.zero(s);
    FloatVector a10 = FloatVector.zero(s);
    FloatVector a11 = FloatVector.zero(s);
    long start = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      a0 = x.fma(a0, y);
      a1 = x.fma(a1, y);
      a2 = x.fma(a2, y);
      a3 = x.fma(a3, y);
      a4 = x.fma(a4, y);
      a5 = x.fma(a5, y);
      a6 = x.fma(a6, y);
      a7 = x.fma(a7, y);
      a8 = x.fma(a8, y);
      a9 = x.fma(a9, y);
      a10 = x.fma(a10, y);
      a11 = x.fma(a11, y);
    }
    double elapsed = System.nanoTime() - start;
    float sink = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
        .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    if (sink == 42f) {
      System.out.print(""); // keeps the loop's result alive
    }
    return 12.0 * 2 * s.length() * iterations / elapsed;
  }

  private static String cpu() {
    try {
      return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 2))
          .orElse("unknown") + " (" + Runtime.getRuntime().availableProcessors() + " CPUs)";
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static int[] ints(String list) {
    return Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  private static float[] random(SplittableRandom r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (2 * r.nextDouble() - 1);
    }
    return a;
  }
}
