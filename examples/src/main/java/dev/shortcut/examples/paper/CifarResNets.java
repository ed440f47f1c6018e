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

// tag::network[]
/**
 * The paper's CIFAR-10 networks (He et al. 2015, section 4.2): a 3×3 convolution with 16 filters,
 * three stages of n basic blocks with 16, 32 and 64 filters on 32×32, 16×16 and 8×8 maps (the
 * first block of stages 2 and 3 strides by 2), global average pooling and a 10-way dense layer:
 * 6n + 2 layers. Option A across the changes of shape: subsampling and zero-padded channels, no
 * parameters. One declaration: ResNet-20, 32, 44, 56 and 110 ({@code ResidualCifar20} …) and
 * their plain twins ({@code PlainCifar20} …).
 */
@SuppressWarnings("shortcut:deep-plain") // the deep plain twins are the experiment
@Network(channels = 3, height = 32, width = 32, outputs = 10, name = "Cifar",
    reshape = Shortcut.ZERO_PAD, variants = {Variant.RESIDUAL, Variant.PLAIN})
public class CifarResNets {
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
// end::network[]
