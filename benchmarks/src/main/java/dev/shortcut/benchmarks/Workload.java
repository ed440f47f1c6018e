package dev.shortcut.benchmarks;

import dev.shortcut.benchmarks.family.Width128Family;
import dev.shortcut.benchmarks.family.Width256Family;
import dev.shortcut.benchmarks.family.Width512Family;
import dev.shortcut.benchmarks.family.Width64Family;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.NetworkVariant;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.loss.SoftmaxCrossEntropy;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.optim.Optimizer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One benchmark configuration: a generated residual network of the family, a fixed random batch,
 * and the training step (forward, softmax cross-entropy, backward, Adam) or inference that the
 * benchmarks and the PyTorch comparison time. Nothing is allocated per step.
 */
public final class Workload {
  /** Adam's settings, which the PyTorch comparison passes on to {@code torch.optim.Adam}. */
  public static final double LEARNING_RATE = 1e-3;
  public static final double BETA1 = 0.9;
  public static final double BETA2 = 0.999;
  public static final double EPSILON = 1e-8;

  final FloatNetwork net;
  final int batch;
  final int[] labels;
  private final float[] initialParameters;
  private Optimizer optimizer = newOptimizer();

  /** The network of {@code width} and {@code layers} with a random batch of {@code batch} rows. */
  public Workload(int width, int layers, int batch, int threads, long seed) {
    this.net = variant(width, layers).create(batch, seed, Kernels.withThreads(threads));
    this.batch = batch;
    this.labels = new int[batch];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < batch * width; i++) {
      net.input()[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < batch; i++) {
      labels[i] = r.nextInt(10);
    }
    // Benchmarks measure a network in training, not the identity it starts as.
    float[] p = net.parameters();
    for (int i = 0; i < p.length; i++) {
      if (p[i] == 0) {
        p[i] = (float) (0.01 * r.nextGaussian());
      }
    }
    initialParameters = p.clone();
  }

  private static Optimizer newOptimizer() {
    return Adam.withLearningRate(LEARNING_RATE).betas(BETA1, BETA2).epsilon(EPSILON);
  }

  /**
   * Back to the starting state: the parameters as constructed and a fresh optimizer (no moments,
   * step count 0), so that every timed trial, on either side, starts from the same weights.
   */
  public void reset() {
    System.arraycopy(initialParameters, 0, net.parameters(), 0, initialParameters.length);
    optimizer = newOptimizer();
  }

  /** The generated variant of the residual family. */
  static NetworkVariant<FloatNetwork> variant(int width, int layers) {
    List<NetworkVariant<FloatNetwork>> family = switch (width) {
      case 64 -> Width64Family.variants();
      case 128 -> Width128Family.variants();
      case 256 -> Width256Family.variants();
      case 512 -> Width512Family.variants();
      default -> throw new IllegalArgumentException("no family of width " + width);
    };
    return family.stream().filter(v -> v.layers() == layers).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no " + layers + "-layer network of width " + width));
  }

  /** Forward, loss gradient, backward: leaves the gradients in the network. Returns the loss. */
  public double lossAndGradients() {
    net.forward(batch);
    double loss = SoftmaxCrossEntropy.lossAndGradient(net.output(), batch, 10, labels, 0, net.outputGradient());
    net.zeroGradients();
    net.backward(batch, false);
    return loss / batch;
  }

  /** One Adam step on the gradients left in the network. */
  public void optimizerStep() {
    optimizer.step(net, LEARNING_RATE);
  }

  /** One training step. */
  public double trainStep() {
    double loss = lossAndGradients();
    optimizerStep();
    return loss;
  }

  /** One inference: forward only. Returns a logit so the work cannot be skipped. */
  public float infer() {
    net.forward(batch);
    return net.output()[0];
  }

  /** The network. */
  public FloatNetwork network() {
    return net;
  }

  /** The labels of the batch. */
  public int[] labels() {
    return labels;
  }
}
