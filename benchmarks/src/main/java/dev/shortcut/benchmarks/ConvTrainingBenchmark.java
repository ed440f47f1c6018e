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
 * A training step (training-mode forward, softmax cross-entropy, backward, Adam) of the paper's
 * CIFAR ResNet-20 and ResNet-56 on 28 × 28 and 32 × 32 images ({@link ConvWorkload}), in
 * milliseconds. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the allocation per step,
 * which should be 0 B on JDK 17 and on JDK 25 alike (a boxed vector would show as kilobytes).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ConvTrainingBenchmark {
  @Param({"20", "56"})
  int depth;

  @Param({"28", "32"})
  int side;

  @Param({"8", "32", "128"})
  int batch;

  @Param({"1"})
  int threads;

  ConvWorkload workload;

  @Setup
  public void setup() {
    workload = new ConvWorkload(depth, side, batch, threads, 1);
  }

  @Benchmark
  public double trainStep() {
    return workload.trainStep();
  }
}
