package dev.shortcut.examples.exercise;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.AvgPool;
import dev.shortcut.annotations.BatchNorm;
import dev.shortcut.annotations.Conv;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.MaxPool;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.Stack;

/**
 * The programming exercise's ResNet-50 for the 6-class hand-signs images (64×64×3): a 7×7
 * convolution with stride 2 and its batch normalization, 3×3 max pooling with stride 2, four
 * stages of one convolutional block and 2, 3, 5 and 2 identity blocks (64, 128, 256 and 512
 * filters, four times as many out), 2×2 average pooling and a dense layer. Generates
 * {@code ResidualSigns50}.
 */
@Network(channels = 3, height = 64, width = 64, outputs = 6, name = "Signs50")
public class ResNet50 {
  @Conv(filters = 64, kernel = 7, stride = 2, padding = 3)
  Layer conv1;

  @BatchNorm
  Layer bn1;

  @SuppressWarnings("shortcut:drops-pixels") // as in the exercise: 32×32 → 15×15, the last row unread
  @MaxPool(kernel = 3, stride = 2)
  Layer pool1;

  @Stack(repeat = 1, filters = 64)
  ConvolutionalBlock stage2a;

  @Stack(repeat = 2, filters = 64)
  IdentityBlock stage2;

  @Stack(repeat = 1, filters = 128, stride = 2)
  ConvolutionalBlock stage3a;

  @Stack(repeat = 3, filters = 128)
  IdentityBlock stage3;

  @Stack(repeat = 1, filters = 256, stride = 2)
  ConvolutionalBlock stage4a;

  @Stack(repeat = 5, filters = 256)
  IdentityBlock stage4;

  @Stack(repeat = 1, filters = 512, stride = 2)
  ConvolutionalBlock stage5a;

  @Stack(repeat = 2, filters = 512)
  IdentityBlock stage5;

  @AvgPool(kernel = 2)
  Layer avgpool;

  @Dense(units = 6, activation = Activation.NONE)
  Layer fc;
}
