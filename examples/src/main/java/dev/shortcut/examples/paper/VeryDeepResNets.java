package dev.shortcut.examples.paper;

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

/**
 * The paper's 1,202-layer network (n = 200, 19.4 M parameters on CIFAR-10's three channels), and
 * its plain twin, on Fashion-MNIST's one channel padded to 32×32: {@code ResidualDeep1202} and
 * {@code PlainDeep1202}. The paper trained it to 7.93 % test error, worse than ResNet-110 only by
 * overfitting; its training error still fell.
 */
@SuppressWarnings("shortcut:deep-plain") // the plain twin is the comparison
@Network(channels = 1, height = 32, width = 32, outputs = 10, name = "Deep1202",
    reshape = Shortcut.ZERO_PAD, variants = {Variant.RESIDUAL, Variant.PLAIN})
public class VeryDeepResNets {
  @Conv(filters = 16, kernel = 3)
  Layer conv1;

  @BatchNorm
  Layer bn1;

  @Stack(repeat = 200, filters = 16)
  BasicBlock layer1;

  @Stack(repeat = 200, filters = 32, stride = 2)
  BasicBlock layer2;

  @Stack(repeat = 200, filters = 64, stride = 2)
  BasicBlock layer3;

  @GlobalAvgPool
  Layer avgpool;

  @Dense(units = 10, activation = Activation.NONE)
  Layer fc;
}
