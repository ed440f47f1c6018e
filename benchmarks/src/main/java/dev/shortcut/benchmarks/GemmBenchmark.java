package dev.shortcut.benchmarks;

import dev.shortcut.runtime.kernel.Kernels;
import java.util.SplittableRandom;
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
 * The matrix product alone on training shapes: {@code batch × width} times {@code width × width}.
 * GFLOP/s = 2 · batch · width² × (operations per second) / 1e9.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GemmBenchmark {
  @Param({"32", "128", "256"})
  int batch;

  @Param({"128", "512", "1024"})
  int width;

  @Param({"1"})
  int threads;

  float[] a;
  float[] w;
  float[] c;
  Kernels kernels;

  @Setup
  public void setup() {
    SplittableRandom r = new SplittableRandom(1);
    a = new float[batch * width];
    w = new float[width * width];
    c = new float[batch * width];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian();
    }
    kernels = Kernels.withThreads(threads);
  }

  /** Forward of a layer: {@code z = a Wᵀ} (includes the panel packing of W). */
  @Benchmark
  public float forward() {
    kernels.matmulABt(batch, width, width, a, 0, w, 0, c, 0, false);
    return c[0];
  }

  /** Input gradient: {@code da = dz W}. */
  @Benchmark
  public float inputGradient() {
    kernels.matmulAB(batch, width, width, a, 0, w, 0, c, 0, false);
    return c[0];
  }

  /** Weight gradient: {@code dW += dzᵀ a}. */
  @Benchmark
  public float weightGradient() {
    kernels.matmulAtB(width, width, batch, a, 0, c, 0, w, 0, true);
    return w[0];
  }
}
