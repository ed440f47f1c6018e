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
 * {@link CifarResNets} for Fashion-MNIST: the same family on one grey channel, the 28×28 images
 * padded to 32×32 so the three stages keep the paper's 32/16/8 maps ({@code ResidualFashion20} …,
 * {@code PlainFashion20} …). The main job trains these.
 */
@SuppressWarnings("shortcut:deep-plain") // the deep plain twins are the experiment
@Network(channels = 1, height = 32, width = 32, outputs = 10, name = "Fashion",
    reshape = Shortcut.ZERO_PAD, variants = {Variant.RESIDUAL, Variant.PLAIN})
public class FashionResNets {
  @Conv(filters = 16, kernel = 3)
  Layer conv1;

  @BatchNorm
  Layer bn1;

  @Stack(repeat = {3, 5, 7, 9, 18}, filters = 16)
  BasicBlock layer1;

  @Stack(repeat = {3, 5, 7, 9, 18}, filters = 32, stride = 2)
  BasicBlock layer2;

  @Stack(repeat = {3, 5, 7, 9, 18}, filters = 64, stride = 2)
  BasicBlock layer3;

  @GlobalAvgPool
  Layer avgpool;

  @Dense(units = 10, activation = Activation.NONE)
  Layer fc;
}
