package dev.shortcut.benchmarks.family;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.BatchNorm;
import dev.shortcut.annotations.Conv;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.GlobalAvgPool;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.Shortcut;
import dev.shortcut.annotations.Stack;
import dev.shortcut.annotations.Variant;
import dev.shortcut.examples.paper.BasicBlock;

/**
 * The paper's CIFAR family ({@code examples}' {@code CifarResNets}: 16, 32, 64 filters, option-A
 * shortcuts) on 1 × 28 × 28 images, Fashion-MNIST's unpadded: maps of 28, 14 and 7. The
 * comparison's 28 × 28 rows, ResNet-20 and ResNet-56 ({@code ResidualGray20}, {@code
 * ResidualGray56}).
 */
@Network(channels = 1, height = 28, width = 28, outputs = 10, name = "Gray", reshape = Shortcut.ZERO_PAD,
    variants = Variant.RESIDUAL)
public class GrayResNets {
  @Conv(filters = 16, kernel = 3)
  Layer conv1;

  @BatchNorm
  Layer bn1;

  @Stack(repeat = {3, 9}, filters = 16)
  BasicBlock layer1;

  @Stack(repeat = {3, 9}, filters = 32, stride = 2)
  BasicBlock layer2;

  @Stack(repeat = {3, 9}, filters = 64, stride = 2)
  BasicBlock layer3;

  @GlobalAvgPool
  Layer avgpool;

  @Dense(units = 10, activation = Activation.NONE)
  Layer fc;
}
