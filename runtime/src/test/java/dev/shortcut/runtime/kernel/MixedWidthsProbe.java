package dev.shortcut.runtime.kernel;

import com.sun.management.ThreadMXBean;
import dev.shortcut.annotations.Activation;
import dev.shortcut.runtime.predict.Predictor;
import dev.shortcut.runtime.testing.TinyResidualNetwork;
import java.lang.management.ManagementFactory;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Run in a fresh JVM by {@link MixedWidthsTest}: first exercises every vector operation the
 * kernels use at the other widths (as other Vector API code in the same process would), so the
 * JDK's shared profiles see several vector classes before the kernels are compiled; then runs
 * every kernel until warm and prints the bytes each allocates per call. Exit status 0 when all
 * are zero.
 */
final class MixedWidthsProbe {
  private MixedWidthsProbe() {}

  public static void main(String[] args) {
    for (VectorSpecies<Float> s : new VectorSpecies[] {FloatVector.SPECIES_128, FloatVector.SPECIES_256}) {
      if (s.vectorBitSize() != VectorSpatialProvider.S.vectorBitSize()) {
        pollute(s);
      }
    }
    Kernels k = Kernels.singleThreaded();
    Kernels[] singleAndThreaded = {k, Kernels.withThreads(2)};
    ConvShape conv = ConvShape.of(16, 12, 12, 32, 3, 2, 1);
    ConvShape wide = ConvShape.of(64, 6, 6, 64, 3, 1, 1);
    ConvShape odd = ConvShape.of(17, 6, 6, 17, 3, 1, 1);
    PoolShape pool = PoolShape.of(16, 12, 12, 3, 2, 1);
    ZeroPadShortcut pad = ZeroPadShortcut.of(16, 12, 12, 2, 32);
    int batch = 2;
    float[] big = new float[1 << 16];
    float[] big2 = new float[1 << 16];
    float[] big3 = new float[1 << 16];
    float[] small = new float[4096];
    float[] scratch = new float[64 * 64 * 9];
    for (int i = 0; i < big.length; i++) {
      big[i] = (float) Math.sin(i);
      big2[i] = (float) Math.cos(i);
    }
    int rows = batch * 6 * 6;
    Predictor predictor = Predictor.of(new TinyResidualNetwork(8, 16, 4, 16, 3));
    float[] samples = java.util.Arrays.copyOf(big, 53 * 8);
    float[] probabilities = new float[53 * 4];
    ConvShape[] convs = {conv, wide, odd};
    Activation[] activations = Activation.values(); // values() copies its array: once, not per call
    int[] batches = {1, 7, 32};
    Runnable[] steps = {
        () -> {
          for (Kernels on : singleAndThreaded) {
            for (ConvShape c : convs) {
              on.conv2d(c, batch, big, 0, big2, 0, big3, 0);
              on.conv2dBackwardInput(c, batch, big2, 0, big, 0, big3, 0, SpatialTesting.write(true), scratch, 0);
              on.conv2dBackwardWeights(c, batch, big, 0, big2, 0, big3, 0);
            }
          }
        },
        () -> {
          for (Activation g : activations) {
            k.batchNormTrainingStatistics(rows, 32, big, 0, small, 0, 32, small, 100);
            k.batchNormZeroPadShortcutActivation(pad, batch, big, 0, small, 100, small, 300, 400, big2, 0, big3, 0, g);
            k.batchNormShortcutActivation(rows, 32, big, 0, small, 100, small, 300, 400, big2, 0, big3, 0, g);
            k.batchNormBackward(rows, 32, big, 0, small, 100, small, 300, big3, 0, big2, 0, g, small, 500, 600, big3,
                0, SpatialTesting.write(true));
            k.zeroPadShortcutBackward(pad, batch, big2, 0, big3, 0, SpatialTesting.write(true));
          }
        },
        () -> {
          k.maxPool(pool, batch, big, 0, big2, 0);
          k.maxPoolBackward(pool, batch, big, 0, big2, 0, big2, 0, big3, 0, SpatialTesting.write(true));
          k.averagePool(pool, batch, big, 0, big2, 0);
          k.averagePoolBackward(pool, batch, big2, 0, big3, 0, SpatialTesting.write(true));
          k.globalAveragePool(batch, 144, 16, big, 0, small, 0);
          k.globalAveragePoolBackward(batch, 144, 16, small, 0, big3, 0, SpatialTesting.write(true));
        },
        // The dense products on every tile shape and edge: 4-, 6- and 1-row tiles, whole and partial
        // column vectors, a batch-1 dot product; one step each, so a failure names the kernel.
        () -> {
          for (int m : batches) {
            k.matmulABt(m, 64, 64, big, 0, big2, 0, big3, 0, false);
          }
        },
        () -> {
          for (int m : batches) {
            k.matmulAB(m, 70, 64, big, 0, big2, 0, big3, 0, true);
          }
        },
        () -> {
          for (int m : batches) {
            k.matmulAtB(70, 64, m, big, 0, big2, 0, big3, 0, true);
          }
        },
        () -> {
          for (int m : batches) {
            k.biasShortcutActivation(m, 64, big3, 0, small, 0, big, 0, Activation.RELU);
            k.activationBackward(m, 64, big3, 0, big2, 0, Activation.RELU, small, 100);
          }
        },
        // A small dense network's predictions after all of the above: its 16-wide layers make one
        // pass of the dot tiles' loop; this is how the 512-bit tiles were found boxing on JDK 17.
        () -> predictor.probabilities(samples, 53, probabilities),
        () -> {
          for (Activation g : activations) {
            k.shortcutActivation(4096, big3, 0, big, 0, g);
            k.activation(4096, big3, 0, g);
            k.activationBackward(4096, big, 0, big3, 0, g);
          }
        }};
    String[] names = {"convolution", "batch normalization", "pooling", "dense forward (x Wt)",
        "dense input gradient (dz W)", "dense weight gradient (dzt x)", "dense bias and activation", "dense network prediction", "activation"};
    ThreadMXBean bean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    boolean clean = true;
    for (int s = 0; s < steps.length; s++) {
      long perCall = -1;
      // Rounds until one is clean, for at least 60 rounds and up to 30 s (a loaded machine
      // compiles slowly).
      long deadline = System.nanoTime() + 30_000_000_000L;
      for (int round = 0; perCall != 0 && (round < 60 || System.nanoTime() < deadline); round++) {
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 50; i++) {
          steps[s].run();
        }
        perCall = (bean.getCurrentThreadAllocatedBytes() - before) / 50;
      }
      System.out.println(names[s] + ": " + perCall + " bytes per call once warm");
      clean &= perCall == 0;
    }
    System.exit(clean ? 0 : 1);
  }

  /** The operations of the kernels, at width {@code s}, enough times for the JIT to profile them. */
  private static void pollute(VectorSpecies<Float> s) {
    float[] a = new float[64];
    float[] b = new float[64];
    // The reductions' shapes too: a blend of two vectors under a constant mask, a lane swap, a
    // reinterpretation as 128 bits (a convolution test at another width ran these first when the
    // 512-bit dot tiles boxed on JDK 17).
    VectorShuffle<Float> swap = VectorShuffle.fromOp(s, i -> i ^ 1);
    VectorMask<Float> even = VectorMask.fromLong(s, 0x5555_5555_5555_5555L);
    for (int round = 0; round < 20_000; round++) {
      for (int i = 0; i + s.length() <= a.length; i += s.length()) {
        FloatVector x = FloatVector.fromArray(s, a, i);
        FloatVector y = FloatVector.fromArray(s, b, i);
        FloatVector z = x.fma(y, FloatVector.broadcast(s, 1f)).add(y).sub(x).mul(y).div(2f).max(x).max(0f);
        z = z.blend(0f, z.compare(VectorOperators.LE, 0f)).add(1f).neg();
        z = z.lanewise(VectorOperators.TANH).add(z.lanewise(VectorOperators.EXP));
        FloatVector u = x.blend(y, even).add(y.blend(x, even).rearrange(swap));
        z = z.add(u.blend(z, even)).add(z.blend(u, even).rearrange(swap));
        z.intoArray(a, i);
        ((FloatVector) z.reinterpretShape(FloatVector.SPECIES_128, 0)).intoArray(b, i);
      }
    }
  }
}
