package dev.shortcut.examples.onnx;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.BatchNorm;
import dev.shortcut.annotations.Conv;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.ResidualBlock;

/** Two batch-normalized 3×3 convolutions, a sigmoid after the shortcut joins. */
@ResidualBlock
public class PadBlock {
  @Conv(kernel = 3, stride = Conv.STACK)
  Layer conv1;

  @BatchNorm
  Layer bn1;

  @Conv(kernel = 3, activation = Activation.SIGMOID)
  Layer conv2;

  @BatchNorm
  Layer bn2;
}
