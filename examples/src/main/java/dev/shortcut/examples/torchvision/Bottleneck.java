package dev.shortcut.examples.torchvision;

import dev.shortcut.annotations.BatchNorm;
import dev.shortcut.annotations.Conv;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.ResidualBlock;

/**
 * torchvision's {@code Bottleneck} (ResNet v1.5: the stride on the 3×3 convolution), with its
 * names: 1×1 to F filters, 3×3, 1×1 to 4F, each batch-normalized, and {@code downsample.0} /
 * {@code downsample.1} where the shape changes.
 */
@ResidualBlock(shortcutName = "downsample", zeroInitLast = false)
public class Bottleneck {
  @Conv(kernel = 1)
  Layer conv1;

  @BatchNorm
  Layer bn1;

  @Conv(kernel = 3, stride = Conv.STACK)
  Layer conv2;

  @BatchNorm
  Layer bn2;

  @Conv(kernel = 1, expansion = 4)
  Layer conv3;

  @BatchNorm
  Layer bn3;
}
