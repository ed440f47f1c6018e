package dev.shortcut.benchmarks;

import dev.shortcut.runtime.kernel.Kernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GFLOP/s of the dense kernels on the shapes of the benchmark family's layers, against this
 * machine's FMA peak at the kernels' vector width ({@link FmaPeak}); and batch-1 inference of the
 * 100-layer networks against the memory bandwidth, where their weights no longer fit in cache:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     dev.shortcut.benchmarks.DenseKernels [--threads 1,2] [--seconds 0.5]
 * </pre>
 *
 * {@code -Dshortcut.vectorBits=256} runs the 256-bit kernels; {@code -XX:UseAVX=2} on top limits
 * the JIT to AVX2's 16 vector registers (without it, C2 on an AVX-512 machine gives 256-bit code 32).
 * Each figure is a median of {@value Sampler#SAMPLES} samples, the best in brackets.
 */
public final class DenseKernels {
  private static final VectorSpecies<Float> PREFERRED = FloatVector.SPECIES_PREFERRED;
  /** Loop-carried vectors cast to their exact class, or JDK 17 may box them (see VectorSpatialProvider). */
  private static final Class<?> EXACT = PREFERRED.vectorType();

  private DenseKernels() {}

  public static void main(String[] args) throws InterruptedException {
    int[] threadCounts = {1, 2};
    double seconds = 0.5;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--threads" -> threadCounts = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.println(Machine.describe());
    int bits = FmaPeak.kernelBits(Kernels.implementation());
    double[] peak = new double[threadCounts.length];
    for (int t = 0; t < threadCounts.length; t++) {
      peak[t] = FmaPeak.gflops(bits, threadCounts[t]);
      System.out.printf(Locale.ROOT, "FMA peak at %d bits, %d thread(s): %.1f GFLOP/s%n", bits, threadCounts[t],
          peak[t]);
    }
    // Every product compiled before any figure (on a loaded machine C2 takes seconds).
    List<Runnable> all = new ArrayList<>();
    for (int batch : new int[] {1, 32, 128}) {
      for (int width : new int[] {64, 128, 256, 512}) {
        all.addAll(Arrays.asList(products(batch, width, Kernels.singleThreaded())));
      }
    }
    Sampler.settle(60, all.toArray(Runnable[]::new));
    System.out.println("batch × width² | threads | forward (x Wᵀ) GFLOP/s median [best] (% of peak) | input gradient"
        + " (dz W) | weight gradient (dzᵀ x)");
    for (int batch : new int[] {1, 32, 128}) {
      for (int width : new int[] {64, 128, 256, 512}) {
        for (int t = 0; t < threadCounts.length; t++) {
          StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%d × %d² | %d", batch, width,
              threadCounts[t]));
          for (Runnable op : products(batch, width, Kernels.withThreads(threadCounts[t]))) {
            double[] g = Sampler.rate(op, seconds, 2.0 * batch * width * width / 1e9);
            line.append(String.format(Locale.ROOT, " | %.1f [%.1f] (%.0f%%)", g[0], g[1], 100 * g[0] / peak[t]));
          }
          System.out.println(line);
        }
      }
    }
    double bandwidth = readBandwidth();
    System.out.printf(Locale.ROOT, "memory read bandwidth, 1 thread (256 MiB summed): %.1f GB/s%n", bandwidth);
    System.out.println("batch-1 inference, 100 layers | µs median [best] | weights MB | weights read at GB/s "
        + "(median) | % of the read bandwidth");
    for (int width : new int[] {64, 128, 256, 512}) {
      Workload w = new Workload(width, 100, 1, 1, 1);
      Sampler.settle(30, w::infer);
      double[] s = Sampler.secondsPerCall(w::infer, seconds);
      double bytes = 4.0 * w.network().parameters().length;
      System.out.printf(Locale.ROOT, "width %d | %.1f [%.1f] | %.1f | %.1f | %.0f%%%n", width, 1e6 * s[0], 1e6 * s[1],
          bytes / 1e6, bytes / s[0] / 1e9, 100 * bytes / s[0] / 1e9 / bandwidth);
    }
  }

  /** The layer's three products: forward, input gradient, weight gradient. */
  private static Runnable[] products(int batch, int width, Kernels k) {
    SplittableRandom r = new SplittableRandom(1);
    float[] x = random(r, batch * width);
    float[] w = random(r, width * width);
    float[] z = new float[batch * width];
    float[] dz = random(r, batch * width);
    float[] dx = new float[batch * width];
    float[] dw = new float[width * width];
    return new Runnable[] {
        () -> k.matmulABt(batch, width, width, x, 0, w, 0, z, 0, false),
        () -> k.matmulAB(batch, width, width, dz, 0, w, 0, dx, 0, false),
        () -> k.matmulAtB(width, width, batch, dz, 0, x, 0, dw, 0, false)};
  }

  /** GB/s of one thread summing a 256 MiB array (median of the samples), the bound of a streamed pass. */
  private static double readBandwidth() {
    float[] big = new float[1 << 26];
    Arrays.fill(big, 1f);
    double[] s = Sampler.secondsPerCall(() -> keep(sum(big)), 2.0);
    return 4.0 * big.length / s[0] / 1e9;
  }

  private static float sum(float[] a) {
    FloatVector s0 = FloatVector.zero(PREFERRED);
    FloatVector s1 = FloatVector.zero(PREFERRED);
    FloatVector s2 = FloatVector.zero(PREFERRED);
    FloatVector s3 = FloatVector.zero(PREFERRED);
    int l = PREFERRED.length();
    for (int i = 0; i + 4 * l <= a.length; i += 4 * l) {
      s0 = ((FloatVector) EXACT.cast(s0)).add(FloatVector.fromArray(PREFERRED, a, i));
      s1 = ((FloatVector) EXACT.cast(s1)).add(FloatVector.fromArray(PREFERRED, a, i + l));
      s2 = ((FloatVector) EXACT.cast(s2)).add(FloatVector.fromArray(PREFERRED, a, i + 2 * l));
      s3 = ((FloatVector) EXACT.cast(s3)).add(FloatVector.fromArray(PREFERRED, a, i + 3 * l));
    }
    return ((FloatVector) EXACT.cast(s0)).add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
  }

  private static void keep(float sink) {
    if (sink == 42f) {
      System.out.print("");
    }
  }

  private static float[] random(SplittableRandom r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (2 * r.nextDouble() - 1);
    }
    return a;
  }
}
