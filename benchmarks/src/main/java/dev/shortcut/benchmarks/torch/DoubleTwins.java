package dev.shortcut.benchmarks.torch;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.BatchNorm;
import dev.shortcut.annotations.Conv;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.GlobalAvgPool;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.MaxPool;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.Precision;
import dev.shortcut.annotations.Shortcut;
import dev.shortcut.annotations.Stack;
import dev.shortcut.examples.torchvision.Bottleneck;

/**
 * The examples' networks again, field for field and with the examples' own block classes, in
 * double precision: {@code torch_check.sh} compares their gradients with PyTorch's float64 ones,
 * where float32 rounding cannot decide on which side of a ReLU's kink a value near zero falls (in
 * float32, a handful of such ties in ResNet-50's 7×7 maps move some gradients by percents, PyTorch's
 * own float32 gradients included). Generates {@code ResidualCifarDouble} and
 * {@code ResidualResNet50Double}.
 */
final class DoubleTwins {
  private DoubleTwins() {}

  /** {@link dev.shortcut.examples.paper.CifarResNets}' ResNet-20. */
  @Network(channels = 3, height = 32, width = 32, outputs = 10, name = "CifarDouble", reshape = Shortcut.ZERO_PAD,
      precision = Precision.DOUBLE)
  static class CifarDouble {
    @Conv(filters = 16, kernel = 3)
    Layer conv1;

    @BatchNorm
    Layer bn1;

    @Stack(repeat = 3, filters = 16)
    dev.shortcut.examples.paper.BasicBlock layer1;

    @Stack(repeat = 3, filters = 32, stride = 2)
    dev.shortcut.examples.paper.BasicBlock layer2;

    @Stack(repeat = 3, filters = 64, stride = 2)
    dev.shortcut.examples.paper.BasicBlock layer3;

    @GlobalAvgPool
    Layer avgpool;

    @Dense(units = 10, activation = Activation.NONE)
    Layer fc;
  }

  /** {@link dev.shortcut.examples.torchvision.ResNet50}. */
  @Network(channels = 3, height = 224, width = 224, outputs = 1000, name = "ResNet50Double",
      precision = Precision.DOUBLE)
  static class ResNet50Double {
    @Conv(filters = 64, kernel = 7, stride = 2, padding = 3)
    Layer conv1;

    @BatchNorm
    Layer bn1;

    @MaxPool(kernel = 3, stride = 2, padding = 1)
    Layer maxpool;

    @Stack(repeat = 3, filters = 64)
    Bottleneck layer1;

    @Stack(repeat = 4, filters = 128, stride = 2)
    Bottleneck layer2;

    @Stack(repeat = 6, filters = 256, stride = 2)
    Bottleneck layer3;

    @Stack(repeat = 3, filters = 512, stride = 2)
    Bottleneck layer4;

    @GlobalAvgPool
    Layer avgpool;

    @Dense(units = 1000, activation = Activation.NONE)
    Layer fc;
  }
}
