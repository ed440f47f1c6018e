package dev.shortcut.spark;

import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.optim.Sgd;
import dev.shortcut.runtime.sweep.NetworkSpec;
import dev.shortcut.runtime.sweep.SharedData;
import dev.shortcut.spark.nets.ResidualWide;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Measures what data-parallel training costs on {@code local[2]}: the time of a step on one shard,
 * the time of an exchange (a round's time beyond its steps), and, for comparison, one process
 * taking the step of the combined batch on 1 and 2 threads. The network is the main job's
 * 20-layer residual network (784 inputs, width 64); the data are random. Prints a table and the
 * step time below which distribution cannot pay.
 *
 * <pre>
 * mvn -B -ntp -q -pl spark -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
 * java --add-modules jdk.incubator.vector \
 *     -cp spark/target/test-classes:spark/target/classes:runtime/target/classes:$(cat spark/target/classpath.txt) \
 *     dev.shortcut.spark.DataParallelTiming
 * </pre>
 */
public final class DataParallelTiming {
  private static final NetworkSpec WIDE = new NetworkSpec(ResidualWide.class.getName(), "residual", 20);
  private static final int SHARDS = 2;
  private static final int REPEATS = 3;

  private DataParallelTiming() {}

  public static void main(String[] args) throws IOException {
    int[] batches = {32, 128, 512};
    int[] everies = {1, 8};
    int steps = 32;
    System.out.println("CPU: " + cpu() + "; kernels " + Kernels.implementation());
    long started = System.nanoTime();
    try (JavaSparkContext context = LocalSpark.context()) {
      System.out.printf(Locale.ROOT, "starting local[2]: %.1f s%n", (System.nanoTime() - started) / 1e9);
      double[] jobs = new double[10];
      for (int i = 0; i < jobs.length; i++) {
        long t0 = System.nanoTime();
        context.parallelize(List.of(1, 2), 2).map(x -> x + 1).collect();
        jobs[i] = (System.nanoTime() - t0) / 1e9;
      }
      System.out.printf(Locale.ROOT, "a job of two trivial tasks: first %.0f ms, median of the next nine %.0f ms%n",
          1e3 * jobs[0], 1e3 * median(Arrays.copyOfRange(jobs, 1, jobs.length)));
      for (int b : batches) { // warms the JIT up on every size first: the first runs are several times slower
        singleProcess(2 * b, 1, steps);
        singleProcess(2 * b, 2, steps);
        DataParallelTraining.builder(WIDE, () -> Sgd.withLearningRate(0.01)).batchPerShard(b).steps(16).build()
            .fit(context, data(b));
      }
      System.out.println("| batch per shard | K | single process, batch ×2, 1 thread (ms/step) | 2 threads (ms/step) "
          + "| shard step (ms) | exchange (ms) | data-parallel wall per step (ms) |");
      System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
      List<Double> exchanges = new ArrayList<>();
      for (int b : batches) {
        double one = singleProcess(2 * b, 1, steps);
        double two = singleProcess(2 * b, 2, steps);
        for (int every : everies) {
          double[] step = new double[REPEATS];
          double[] exchange = new double[REPEATS];
          double[] wall = new double[REPEATS];
          for (int r = 0; r < REPEATS; r++) {
            long t0 = System.nanoTime();
            DataParallelTraining.Result result = DataParallelTraining.builder(WIDE, () -> Sgd.withLearningRate(0.01))
                .shards(SHARDS).batchPerShard(b).averageEvery(every).steps(steps).seed(r).build()
                .fit(context, data(b));
            wall[r] = (System.nanoTime() - t0) / 1e9 / steps;
            step[r] = result.secondsPerStep();
            exchange[r] = result.secondsPerExchange();
          }
          exchanges.add(median(exchange));
          System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.1f | %.1f | %.0f | %.1f |%n", b, every, 1e3 * one,
              1e3 * two, 1e3 * median(step), 1e3 * median(exchange), 1e3 * median(wall));
        }
      }
      double c = median(exchanges.stream().mapToDouble(Double::doubleValue).toArray());
      System.out.printf(Locale.ROOT, "exchange: median %.0f ms. With %d shards, a round of K steps pays when K·t/%d + "
          + "c < K·t, t the single-process step of the combined batch: t > %d·c/K = %.0f ms at K = 1, %.0f ms at K = "
          + "8 (perfect scaling of the shards' steps assumed).%n", 1e3 * c, SHARDS, SHARDS, SHARDS,
          1e3 * SHARDS * c, 1e3 * SHARDS * c / 8);
    }
  }

  /** Seconds per step of one process training on a batch of {@code rows} with {@code threads} threads. */
  static double singleProcess(int rows, int threads, int steps) {
    ShardSteps oneShard = new ShardSteps(WIDE, () -> Sgd.withLearningRate(0.01), data(rows / SHARDS), 1, rows, 1,
        threads, -1, -1);
    var net = oneShard.replica(Kernels.singleThreaded());
    var opt = Sgd.withLearningRate(0.01);
    opt.floatState(net);
    ReplicaState start = ReplicaState.of(net, opt);
    double[] rates = new double[steps];
    Arrays.fill(rates, 0.01);
    oneShard.run(0, start, rates); // warm-up, twice: the JIT compiles the steps in the first
    oneShard.run(0, start, rates);
    double[] times = new double[REPEATS];
    for (int r = 0; r < REPEATS; r++) {
      times[r] = oneShard.run(0, start, rates).stepNanos() / 1e9 / steps;
    }
    return median(times);
  }

  /** Random images in 10 classes, four steps' worth for each of the shards. */
  static SharedData<Dataset> data(int batchPerShard) {
    int n = SHARDS * batchPerShard * 4;
    return SharedData.lazy("timing-" + n, () -> {
      SplittableRandom random = new SplittableRandom(n);
      float[] x = new float[n * 784];
      int[] y = new int[n];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextDouble();
      }
      for (int i = 0; i < n; i++) {
        y[i] = random.nextInt(10);
      }
      return Dataset.classification("random", x, 784, y, 10);
    });
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static String cpu() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 2) + ", " + Runtime.getRuntime().availableProcessors() + " cores";
        }
      }
    } catch (IOException e) {
      // not Linux: the core count alone
    }
    return Runtime.getRuntime().availableProcessors() + " cores";
  }
}
