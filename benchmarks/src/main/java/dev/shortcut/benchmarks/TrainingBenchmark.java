package dev.shortcut.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A training step (forward, loss gradient, backward, Adam) of the residual family. Samples per
 * second = batch × steps per second. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the
 * allocation per step, which should be about 0 B.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class TrainingBenchmark {
  @Param({"64", "128", "256", "512"})
  int width;

  @Param({"10", "50", "100"})
  int layers;

  @Param({"32", "128"})
  int batch;

  @Param({"1"})
  int threads;

  Workload workload;

  @Setup
  public void setup() {
    workload = new Workload(width, layers, batch, threads, 1);
  }

  @Benchmark
  public double trainStep() {
    return workload.trainStep();
  }
}
