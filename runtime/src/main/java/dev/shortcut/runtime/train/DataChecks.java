package dev.shortcut.runtime.train;

import dev.shortcut.annotations.Loss;
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
}
