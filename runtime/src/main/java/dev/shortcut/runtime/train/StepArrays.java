package dev.shortcut.runtime.train;

import dev.shortcut.annotations.Precision;
import dev.shortcut.runtime.DoubleNetwork;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.NetworkArrays;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.ImageAugmentation;
import dev.shortcut.runtime.data.ImageShape;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.loss.MeanSquaredError;
import dev.shortcut.runtime.loss.SoftmaxCrossEntropy;

/**
 * What a training or evaluation step does with a network's typed arrays: load a batch, augment it,
 * compute the loss and its gradient, check and score the output. Chosen once per network by
 * precision ({@link #of}), so the step itself runs on typed arrays without branching on the type,
 * and allocates nothing: the buffers are sized once, for one dataset.
 */
abstract class StepArrays {
  final int[] order;
  final int[] labels;
  final float[] targets;
  final int outputs;

  private StepArrays(Network net, int size) {
    this.order = new int[size];
    this.outputs = net.architecture().outputs();
    this.labels = new int[net.maxBatch()];
    this.targets = new float[net.maxBatch() * outputs];
  }

  /** Buffers for {@code net} over a dataset of {@code size} rows. */
  static StepArrays of(Network net, int size) {
    return NetworkArrays.of(net).precision() == Precision.DOUBLE
        ? new Doubles((DoubleNetwork) net, size) : new Floats((FloatNetwork) net, size);
  }

  /** Copies rows {@code order[start .. start+b)} into the input, and their labels or targets. */
  final void load(Dataset data, int start, int b) {
    loadRows(data, start, b);
    if (data.isClassification()) {
      data.copyLabels(order, start, b, labels);
    } else {
      data.copyTargets(order, start, b, targets);
    }
  }

  abstract void loadRows(Dataset data, int start, int b);

  /** Augments the {@code b} loaded images in place with {@code key}. */
  abstract void augment(ImageAugmentation augmentation, ImageShape shape, int b, long key);

  /** Summed loss of the batch; writes the output gradient. */
  abstract double lossAndGradient(Dataset data, int b);

  /** Whether the output rows {@code [0, b)} are all finite: a few hundred values, checked every step. */
  abstract boolean outputFinite(int b);

  /** Correct predictions among the {@code b} rows (0 without classes). */
  abstract int correct(Dataset data, int b);

  private static final class Floats extends StepArrays {
    private final FloatNetwork net;

    Floats(FloatNetwork net, int size) {
      super(net, size);
      this.net = net;
    }

    @Override
    void loadRows(Dataset data, int start, int b) {
      data.copyRows(order, start, b, net.input());
    }

    @Override
    void augment(ImageAugmentation augmentation, ImageShape shape, int b, long key) {
      augmentation.apply(net.input(), 0, b, shape, key);
    }

    @Override
    double lossAndGradient(Dataset data, int b) {
      return data.isClassification()
          ? SoftmaxCrossEntropy.lossAndGradient(net.output(), b, outputs, labels, 0, net.outputGradient())
          : MeanSquaredError.lossAndGradient(net.output(), b, outputs, targets, 0, net.outputGradient());
    }

    @Override
    boolean outputFinite(int b) {
      return Kernels.firstNonFinite(net.output(), 0, b * outputs) < 0;
    }

    @Override
    int correct(Dataset data, int b) {
      return data.isClassification() ? SoftmaxCrossEntropy.correct(net.output(), b, outputs, labels, 0) : 0;
    }
  }

  private static final class Doubles extends StepArrays {
    private final DoubleNetwork net;

    Doubles(DoubleNetwork net, int size) {
      super(net, size);
      this.net = net;
    }

    @Override
    void loadRows(Dataset data, int start, int b) {
      data.copyRows(order, start, b, net.input());
    }

    @Override
    void augment(ImageAugmentation augmentation, ImageShape shape, int b, long key) {
      augmentation.apply(net.input(), 0, b, shape, key);
    }

    @Override
    double lossAndGradient(Dataset data, int b) {
      return data.isClassification()
          ? SoftmaxCrossEntropy.lossAndGradient(net.output(), b, outputs, labels, 0, net.outputGradient())
          : MeanSquaredError.lossAndGradient(net.output(), b, outputs, targets, 0, net.outputGradient());
    }

    @Override
    boolean outputFinite(int b) {
      return Kernels.firstNonFinite(net.output(), 0, b * outputs) < 0;
    }

    @Override
    int correct(Dataset data, int b) {
      return data.isClassification() ? SoftmaxCrossEntropy.correct(net.output(), b, outputs, labels, 0) : 0;
    }
  }
}
