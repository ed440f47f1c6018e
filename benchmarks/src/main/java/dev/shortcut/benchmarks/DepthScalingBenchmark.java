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

/** Time per training step at 100 and 1,000 layers (width 64, batch 32): the cost per layer should be flat. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class DepthScalingBenchmark {
  @Param({"100", "1000"})
  int layers;

  Workload workload;

  @Setup
  public void setup() {
    workload = new Workload(64, layers, 32, 1, 1);
  }

  @Benchmark
  public double trainStep() {
    return workload.trainStep();
  }

  /** The same without the optimizer: separates the network's own cost from Adam's memory traffic. */
  @Benchmark
  public double forwardBackward() {
    return workload.lossAndGradients();
  }
}
