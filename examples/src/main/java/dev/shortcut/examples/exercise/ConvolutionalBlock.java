package dev.shortcut.examples.exercise;

import dev.shortcut.annotations.BatchNorm;
import dev.shortcut.annotations.Conv;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.ResidualBlock;
import dev.shortcut.annotations.Shortcut;

// tag::block[]
/**
 * The exercise's convolutional block: the identity block's main path with the stride on its first
 * 1×1 convolution, and on the shortcut a 1×1 convolution with the same stride and batch
 * normalization, where the shape changes ({@code <block>.shortcut.0}, {@code <block>.shortcut.1}).
 */
// A 1×1 convolution with stride 2 reads every other row: on an even map it never reads the last.
@SuppressWarnings("shortcut:drops-pixels")
@ResidualBlock(shortcut = Shortcut.PROJECTION)
public class ConvolutionalBlock {
  @Conv(kernel = 1, stride = Conv.STACK)
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
// end::block[]
