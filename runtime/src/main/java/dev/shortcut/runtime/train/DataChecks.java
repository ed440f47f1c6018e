package dev.shortcut.runtime.train;

import dev.shortcut.annotations.Loss;
import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.ImageShape;
import java.util.Objects;

/** Refusals of data that cannot work, before anything runs: each names the set and the fix. */
final class DataChecks {
  private DataChecks() {}

  /** A set that exists and has samples; {@code role} names it in the message. */
  static void requireSamples(Dataset data, String role) {
    Objects.requireNonNull(data, role);
    if (data.size() == 0) {
      throw new IllegalArgumentException("the " + role + " '" + data.name() + "' has no samples");
    }
  }

  /**
   * Whether {@code data} fits {@code net}: its width, its image shape when the network takes
   * images, and classes or targets for the network's loss.
   */
  static void fit(Network net, Dataset data) {
    var a = net.architecture();
    if (data.width() != a.inputs()) {
      throw new IllegalArgumentException(data.name() + " has " + data.width() + " features but "
          + net.name() + " takes " + a.inputs());
    }
    if (a.imageShape().isPresent()) {
      ImageShape expected = a.imageShape().get();
      ImageShape actual = data.imageShape().orElseThrow(() -> new IllegalArgumentException("'" + data.name()
          + "' has rows of " + data.width() + " features but no image shape, and " + net.name() + " takes "
          + expected + " images: declare the rows' shape with withImageShape(ImageShape.of(" + expected.channels()
          + ", " + expected.height() + ", " + expected.width() + ")), rows stored channels last (HWC)"));
      if (!actual.equals(expected)) {
        throw new IllegalArgumentException("'" + data.name() + "' holds " + actual + " images but " + net.name()
            + " takes " + expected);
      }
    }
    if (a.loss() == Loss.SOFTMAX_CROSS_ENTROPY) {
      if (!data.isClassification()) {
        throw new IllegalArgumentException(data.name() + " has no class labels, but " + net.name()
            + " trains with softmax cross-entropy");
      }
      if (data.classes() > a.outputs()) {
        throw new IllegalArgumentException(data.name() + " has " + data.classes() + " classes but "
            + net.name() + " outputs " + a.outputs());
      }
    } else if (data.isClassification() || data.targetWidth() != a.outputs()) {
      throw new IllegalArgumentException(data.name() + " needs target rows of width " + a.outputs()
          + " for mean squared error");
    }
  }

  /**
   * Batches that batch normalization can use in training mode: a layer that sees one value per
   * channel and sample (a 1×1 map, a dense layer's output) needs at least two samples in every
   * batch, the last of an epoch included, as PyTorch requires.
   */
  static void batchesForNormalization(Network net, int samples, int batchSize) {
    for (Architecture.Layer l : net.architecture().layers()) {
      if (l instanceof Architecture.BatchNormLayer && l.input().height() * l.input().width() == 1) {
        int last = samples % batchSize == 0 ? batchSize : samples % batchSize;
        int smallest = Math.min(Math.min(batchSize, samples), last);
        if (smallest < 2) {
          throw new IllegalArgumentException(l.name() + " in " + net.name() + " normalizes one value per channel "
              + "and sample, so every training batch needs at least 2 samples, but batches of " + batchSize
              + " over " + samples + " samples leave a batch of " + smallest + "; choose a batch size that leaves"
              + " no batch of 1");
        }
        return;
      }
    }
  }
}
