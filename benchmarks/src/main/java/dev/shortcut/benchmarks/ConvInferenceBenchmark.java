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
 * Evaluation-mode inference of the paper's CIFAR ResNet-20 and ResNet-56 on 28 × 28 and 32 × 32
 * images ({@link ConvWorkload}) at batch 1 (latency) and 128, in microseconds per call; {@code -prof
 * gc} shows the allocation per call (0 B).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ConvInferenceBenchmark {
  @Param({"20", "56"})
  int depth;

  @Param({"28", "32"})
  int side;

  @Param({"1", "128"})
  int batch;

  @Param({"1"})
  int threads;

  ConvWorkload workload;

  @Setup
  public void setup() {
    workload = new ConvWorkload(depth, side, batch, threads, 1);
  }

  @Benchmark
  public float infer() {
    return workload.infer();
  }
}
