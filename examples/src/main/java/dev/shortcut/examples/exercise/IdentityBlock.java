package dev.shortcut.examples.exercise;

import dev.shortcut.annotations.BatchNorm;
import dev.shortcut.annotations.Conv;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.ResidualBlock;
import dev.shortcut.annotations.Shortcut;

/**
 * The exercise's identity block: 1×1, 3×3 and 1×1 convolutions (F, F and 4F filters), each
 * batch-normalized, and {@code a[l]} added unchanged before the last ReLU. Used where the input
 * already has the block's shape.
 */
@ResidualBlock(shortcut = Shortcut.IDENTITY)
public class IdentityBlock {
  @Conv(kernel = 1)
  Layer conv1;

  @BatchNorm
  Layer bn1;

  @Conv(kernel = 3)
  Layer conv2;

  @BatchNorm
  Layer bn2;

  @Conv(kernel = 1, expansion = 4)
  Layer conv3;

  @BatchNorm
  Layer bn3;
}
