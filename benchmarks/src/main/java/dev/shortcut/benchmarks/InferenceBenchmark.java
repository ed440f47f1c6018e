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
 * Batch-1 inference latency of the residual family, and the depth-scaling pair (100 and 1,000
 * layers at width 64), whose ratio should stay near 10.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class InferenceBenchmark {
  @Param({"64", "128", "256", "512"})
  int width;

  @Param({"10", "50", "100"})
  int layers;

  Workload workload;

  @Setup
  public void setup() {
    workload = new Workload(width, layers, 1, 1, 1);
  }

  @Benchmark
  public float infer() {
    return workload.infer();
  }
}
