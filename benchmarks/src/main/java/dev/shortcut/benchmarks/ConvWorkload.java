package dev.shortcut.benchmarks;

import dev.shortcut.benchmarks.family.ResidualGray20;
import dev.shortcut.benchmarks.family.ResidualGray56;
import dev.shortcut.benchmarks.torch.TrainingStep;
import dev.shortcut.examples.paper.ResidualCifar20;
import dev.shortcut.examples.paper.ResidualCifar56;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.loss.SoftmaxCrossEntropy;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.optim.Optimizer;
import java.util.SplittableRandom;

/**
 * One convolutional configuration: the paper's CIFAR ResNet-20 or ResNet-56 as generated from a
 * declaration (3 × 32 × 32: the examples' {@code ResidualCifar20/56}; 1 × 28 × 28: {@code
 * ResidualGray20/56} of {@code benchmarks.family}), a fixed random batch, every batch
 * normalization's γ, β and running statistics drawn at random, and the training step (forward with
 * batch statistics, softmax cross-entropy, backward, Adam) or inference (running statistics) that
 * the JMH benchmarks and the PyTorch comparison time. Nothing is allocated per step.
 */
public final class ConvWorkload {
  final FloatNetwork net;
  final int batch;
  final int[] labels;
  private final float[] initialParameters;
  private final float[] initialBuffers;
  private final long[] initialCounts;
  private Optimizer optimizer = newOptimizer();

  /**
   * The network of {@code depth} (20 or 56) for {@code side} × {@code side} images (32: three
   * channels, 28: one) with a random batch of {@code batch} images.
   */
  public ConvWorkload(int depth, int side, int batch, int threads, long seed) {
    Kernels kernels = Kernels.withThreads(threads);
    this.net = network(depth, side, batch, seed, kernels);
    this.batch = batch;
    SplittableRandom r = new SplittableRandom(seed);
    TrainingStep.randomizeNormalizationAndBiases(net, r);
    int inputs = net.architecture().inputs();
    for (int i = 0; i < batch * inputs; i++) {
      net.input()[i] = (float) TrainingStep.gaussian(r);
    }
    labels = new int[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = r.nextInt(10);
    }
    initialParameters = net.parameters().clone();
    initialBuffers = net.buffers().clone();
    initialCounts = net.batchCounts().clone();
  }

  private static FloatNetwork network(int depth, int side, int batch, long seed, Kernels kernels) {
    if (side == 32 && depth == 20) {
      return new ResidualCifar20(batch, seed, kernels);
    } else if (side == 32 && depth == 56) {
      return new ResidualCifar56(batch, seed, kernels);
    } else if (side == 28 && depth == 20) {
      return new ResidualGray20(batch, seed, kernels);
    } else if (side == 28 && depth == 56) {
      return new ResidualGray56(batch, seed, kernels);
    }
    throw new IllegalArgumentException("no ResNet-" + depth + " for " + side + "×" + side + " images (20 or 56; 28 or 32)");
  }

  private static Optimizer newOptimizer() {
    return Adam.withLearningRate(Workload.LEARNING_RATE).betas(Workload.BETA1, Workload.BETA2)
        .epsilon(Workload.EPSILON);
  }

  /** Back to the starting state: parameters, running statistics, batch counts, a fresh optimizer. */
  public void reset() {
    System.arraycopy(initialParameters, 0, net.parameters(), 0, initialParameters.length);
    System.arraycopy(initialBuffers, 0, net.buffers(), 0, initialBuffers.length);
    System.arraycopy(initialCounts, 0, net.batchCounts(), 0, initialCounts.length);
    optimizer = newOptimizer();
  }

  /** Training-mode forward, loss gradient, backward: leaves the gradients in the network. Returns the loss. */
  public double lossAndGradients() {
    net.setTraining(true);
    net.forward(batch);
    double loss = SoftmaxCrossEntropy.lossAndGradient(net.output(), batch, 10, labels, 0, net.outputGradient());
    net.zeroGradients();
    net.backward(batch, false);
    return loss / batch;
  }

  /** One Adam step on the gradients left in the network. */
  public void optimizerStep() {
    optimizer.step(net, Workload.LEARNING_RATE);
  }

  /** One training step. */
  public double trainStep() {
    double loss = lossAndGradients();
    optimizerStep();
    return loss;
  }

  /** One evaluation-mode forward pass. Returns a logit so the work cannot be skipped. */
  public float infer() {
    net.setTraining(false);
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
