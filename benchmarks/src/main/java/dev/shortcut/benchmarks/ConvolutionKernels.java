package dev.shortcut.benchmarks;

import dev.shortcut.annotations.Activation;
import dev.shortcut.runtime.kernel.ConvShape;
import dev.shortcut.runtime.kernel.InputGradient;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.kernel.ZeroPadShortcut;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * GFLOP/s of the convolution kernels on the layer shapes of the paper's CIFAR ResNet-20, against
 * this machine's FMA peak at the kernels' vector width ({@link FmaPeak}):
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     dev.shortcut.benchmarks.ConvolutionKernels [--batches 1,8,32,128] [--threads 1,2] [--seconds 0.4]
 * </pre>
 *
 * With {@code --resnet20 [threads,...]} it times instead whole passes of ResNet-20 (see
 * {@link ResNet20}): a training step (forward and backward of every convolution, batch
 * normalization, shortcut and activation, and the global pooling; no dense head, no optimizer)
 * at batch 128, 32 and 8, and a batch-1 inference pass.
 *
 * <p>Each figure is the median of {@value Sampler#SAMPLES} timed samples after a warm-up, with the best
 * sample in brackets (on a shared machine the best shows what the kernel does when it has the core); FLOPs
 * count two per multiply-add of taps inside the input ({@link ConvShape#multiplyAdds()}). The
 * peak with n threads is the FMA loop run on n threads at once.
 */
public final class ConvolutionKernels {

  private ConvolutionKernels() {}

  public static void main(String[] args) throws InterruptedException {
    int[] batches = {1, 8, 32, 128};
    int[] threadCounts = {1, 2};
    double seconds = 0.4;
    if (args.length > 0 && args[0].equals("--resnet20")) {
      ResNet20.run(args.length > 1 ? ints(args[1]) : new int[] {1, 2});
      return;
    }
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--batches" -> batches = ints(args[i + 1]);
        case "--threads" -> threadCounts = ints(args[i + 1]);
        case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.println(Machine.describe());
    int bits = FmaPeak.kernelBits(Kernels.spatialImplementation());
    double[] peak = new double[threadCounts.length];
    for (int t = 0; t < threadCounts.length; t++) {
      peak[t] = FmaPeak.gflops(bits, threadCounts[t]);
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
        () -> k.conv2dBackwardInput(c, batch, dy, 0, w, 0, dx, 0, InputGradient.OVERWRITE, scratch, 0),
        () -> {
          k.conv2dBackwardWeights(c, batch, x, 0, dy, 0, dw, 0);
          if (dw[0] > 1e30f) {
            Arrays.fill(dw, 0f); // keeps the accumulating gradient finite over many calls
          }
        }};
    double[][] gflops = new double[ops.length][];
    for (int o = 0; o < ops.length; o++) {
      gflops[o] = Sampler.rate(ops[o], seconds, flops / 1e9);
    }
    return gflops;
  }

  /**
   * The paper's CIFAR ResNet-20 (3×32×32 input; 16, 32, 64 channels; option-A shortcuts), its
   * buffers laid out once, driven layer by layer through the kernels' public API as a generated
   * network would drive them.
   */
  static final class ResNet20 {
    private final Kernels k;
    private final int batch;
    private final List<Block> blocks = new ArrayList<>();
    private final ConvShape stem = ConvShape.of(3, 32, 32, 16, 3, 1, 1);
    private final float[] input;
    private final float[] stemW;
    private final float[] stemDw;
    private final Norm stemNorm;
    private final float[] stemZ;
    private final float[] stemA;
    private final float[] stemDz;
    private final float[] stemDa;
    private final float[] pooled;
    private final float[] dPooled;
    /** One transposed-weight scratch for every layer: they run one at a time. */
    private final float[] scratch = new float[9 * 64 * 64];
    private boolean training = true;

    /** Per-channel batch normalization: γ and β, their gradients, running and saved statistics. */
    static final class Norm {
      final int channels;
      final float[] params;
      final float[] grads;
      final float[] running;
      final float[] saved;

      Norm(int channels) {
        this.channels = channels;
        params = new float[2 * channels];
        Arrays.fill(params, 0, channels, 1f);
        grads = new float[2 * channels];
        running = new float[2 * channels];
        Arrays.fill(running, channels, 2 * channels, 1f);
        saved = new float[Kernels.batchNormScratchSize(channels)];
      }
    }

    /** A basic block: two 3×3 convolutions with batch normalization, the shortcut joining before the last ReLU. */
    final class Block {
      final ConvShape conv1;
      final ConvShape conv2;
      final ZeroPadShortcut pad;
      final float[] w1;
      final float[] w2;
      final float[] dw1;
      final float[] dw2;
      final Norm n1;
      final Norm n2;
      final float[] z1;
      final float[] a1;
      final float[] z2;
      final float[] out;
      final float[] dz;
      final float[] da1;
      final float[] dOut;

      Block(int in, int out, int size, int stride, SplittableRandom r) {
        conv1 = ConvShape.of(in, size, size, out, 3, stride, 1);
        conv2 = ConvShape.of(out, conv1.outHeight(), conv1.outWidth(), out, 3, 1, 1);
        pad = stride == 1 && in == out ? null : ZeroPadShortcut.of(in, size, size, stride, out);
        w1 = random(r, conv1.weightCount());
        w2 = random(r, conv2.weightCount());
        dw1 = new float[w1.length];
        dw2 = new float[w2.length];
        n1 = new Norm(out);
        n2 = new Norm(out);
        int o = batch * conv1.outputSize();
        z1 = new float[o];
        a1 = new float[o];
        z2 = new float[o];
        this.out = new float[o];
        dz = new float[o];
        da1 = new float[o];
        dOut = new float[o];
      }

      int rows() {
        return batch * conv1.outHeight() * conv1.outWidth();
      }

      void forward(float[] in) {
        k.conv2d(conv1, batch, in, 0, w1, 0, z1, 0);
        norm(n1, rows(), z1);
        k.batchNormActivation(rows(), n1.channels, z1, 0, n1.saved, 0, n1.params, 0, n1.channels, a1, 0,
            Activation.RELU);
        k.conv2d(conv2, batch, a1, 0, w2, 0, z2, 0);
        norm(n2, rows(), z2);
        if (pad == null) {
          k.batchNormShortcutActivation(rows(), n2.channels, z2, 0, n2.saved, 0, n2.params, 0, n2.channels, in, 0,
              out, 0, Activation.RELU);
        } else {
          k.batchNormZeroPadShortcutActivation(pad, batch, z2, 0, n2.saved, 0, n2.params, 0, n2.channels, in, 0, out,
              0, Activation.RELU);
        }
      }

      /** {@code dOut} holds ∂L/∂out; leaves ∂L/∂in in {@code dIn} (overwritten). */
      void backward(float[] in, float[] dIn) {
        k.batchNormBackward(rows(), n2.channels, z2, 0, n2.saved, 0, n2.params, 0, out, 0, dOut, 0, Activation.RELU,
            n2.grads, 0, n2.channels, dz, 0, InputGradient.OVERWRITE);
        if (pad == null) {
          k.copy(dOut.length, dOut, 0, dIn, 0); // the identity shortcut passes dz on unchanged
        } else {
          k.zeroPadShortcutBackward(pad, batch, dOut, 0, dIn, 0, InputGradient.OVERWRITE);
        }
        k.conv2dBackwardWeights(conv2, batch, a1, 0, dz, 0, dw2, 0);
        k.conv2dBackwardInput(conv2, batch, dz, 0, w2, 0, da1, 0, InputGradient.OVERWRITE, scratch, 0);
        k.batchNormBackward(rows(), n1.channels, z1, 0, n1.saved, 0, n1.params, 0, a1, 0, da1, 0, Activation.RELU,
            n1.grads, 0, n1.channels, dz, 0, InputGradient.OVERWRITE);
        k.conv2dBackwardWeights(conv1, batch, in, 0, dz, 0, dw1, 0);
        k.conv2dBackwardInput(conv1, batch, dz, 0, w1, 0, dIn, 0, InputGradient.ACCUMULATE, scratch, 0);
      }
    }

    ResNet20(Kernels k, int batch) {
      this.k = k;
      this.batch = batch;
      SplittableRandom r = new SplittableRandom(7);
      input = random(r, batch * stem.inputSize());
      stemW = random(r, stem.weightCount());
      stemDw = new float[stemW.length];
      stemNorm = new Norm(16);
      stemZ = new float[batch * stem.outputSize()];
      stemA = new float[stemZ.length];
      stemDz = new float[stemZ.length];
      stemDa = new float[stemZ.length];
      int in = 16;
      int size = 32;
      for (int stage = 0; stage < 3; stage++) {
        int out = 16 << stage;
        for (int b = 0; b < 3; b++) {
          int stride = stage > 0 && b == 0 ? 2 : 1;
          blocks.add(new Block(in, out, size, stride, r));
          size = (size + stride - 1) / stride;
          in = out;
        }
      }
      pooled = new float[batch * 64];
      dPooled = random(r, batch * 64);
    }

    private void norm(Norm n, int rows, float[] z) {
      if (training) {
        k.batchNormTrainingStatistics(rows, n.channels, z, 0, n.running, 0, n.channels, n.saved, 0);
      } else {
        k.batchNormEvaluationStatistics(n.channels, n.running, 0, n.channels, n.saved, 0);
      }
    }

    void forward() {
      k.conv2d(stem, batch, input, 0, stemW, 0, stemZ, 0);
      norm(stemNorm, batch * 1024, stemZ);
      k.batchNormActivation(batch * 1024, 16, stemZ, 0, stemNorm.saved, 0, stemNorm.params, 0, 16, stemA, 0,
          Activation.RELU);
      float[] a = stemA;
      for (Block b : blocks) {
        b.forward(a);
        a = b.out;
      }
      k.globalAveragePool(batch, 64, 64, a, 0, pooled, 0);
    }

    /** Backward from a fixed gradient of the pooled features; no gradient for the image. */
    void backward() {
      Block last = blocks.get(blocks.size() - 1);
      k.globalAveragePoolBackward(batch, 64, 64, dPooled, 0, last.dOut, 0, InputGradient.OVERWRITE);
      for (int i = blocks.size() - 1; i >= 0; i--) {
        float[] in = i == 0 ? stemA : blocks.get(i - 1).out;
        float[] dIn = i == 0 ? stemDa : blocks.get(i - 1).dOut;
        blocks.get(i).backward(in, dIn);
      }
      k.batchNormBackward(batch * 1024, 16, stemZ, 0, stemNorm.saved, 0, stemNorm.params, 0, stemA, 0, stemDa, 0,
          Activation.RELU, stemNorm.grads, 0, 16, stemDz, 0, InputGradient.OVERWRITE);
      k.conv2dBackwardWeights(stem, batch, input, 0, stemDz, 0, stemDw, 0);
    }

    static void run(int[] threadCounts) {
      System.out.println(Machine.describe());
      for (int threads : threadCounts) {
        for (int batch : new int[] {128, 32, 8}) {
          ResNet20 net = new ResNet20(Kernels.withThreads(threads), batch);
          double ms = time(() -> {
            net.forward();
            net.backward();
          }, 4.0);
          System.out.printf(Locale.ROOT, "ResNet-20 training step (no head, no optimizer), batch %d, %d thread(s): "
              + "%.1f ms, %.0f images/s%n", batch, threads, ms, 1000 * batch / ms);
        }
        ResNet20 net = new ResNet20(Kernels.withThreads(threads), 1);
        net.training = false;
        double ms = time(net::forward, 2.0);
        System.out.printf(Locale.ROOT, "ResNet-20 inference (no head), batch 1, %d thread(s): %.3f ms%n", threads, ms);
      }
    }

    /** Median milliseconds per call over samples spread across {@code seconds}, after a warm-up as long. */
    private static double time(Runnable step, double seconds) {
      long start = System.nanoTime();
      while (System.nanoTime() - start < 1e9 * seconds / 2) {
        step.run();
      }
      List<Double> samples = new ArrayList<>();
      start = System.nanoTime();
      while (System.nanoTime() - start < 1e9 * seconds / 2 || samples.size() < 5) {
        long t0 = System.nanoTime();
        step.run();
        samples.add((System.nanoTime() - t0) / 1e6);
      }
      samples.sort(null);
      return samples.get(samples.size() / 2);
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
