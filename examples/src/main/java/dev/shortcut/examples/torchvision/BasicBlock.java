package dev.shortcut.examples.torchvision;

import dev.shortcut.annotations.BatchNorm;
import dev.shortcut.annotations.Conv;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.ResidualBlock;

/**
 * torchvision's {@code BasicBlock}, with its names: {@code conv1}, {@code bn1}, {@code conv2},
 * {@code bn2}, and {@code downsample.0} / {@code downsample.1} (a 1×1 convolution and its batch
 * normalization) where the shape changes. torchvision starts every γ at 1
 * ({@code zero_init_residual=False}).
 */
@ResidualBlock(shortcutName = "downsample", zeroInitLast = false)
public class BasicBlock {
  @Conv(kernel = 3, stride = Conv.STACK)
  Layer conv1;

  @BatchNorm
  Layer bn1;

  @Conv(kernel = 3)
  Layer conv2;

  @BatchNorm
  Layer bn2;
}
