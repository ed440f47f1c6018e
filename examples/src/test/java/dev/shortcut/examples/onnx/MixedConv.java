package dev.shortcut.examples.onnx;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.AvgPool;
import dev.shortcut.annotations.Conv;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.MaxPool;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.Shortcut;
import dev.shortcut.annotations.Stack;

/**
 * A small convolutional network that reaches the export's less travelled paths: odd map sizes, a
 * convolution with a bias and a leaky ReLU, max pooling and average pooling with padding, a
 * zero-padding shortcut that subsamples 5×5 to 3×3, and a dense layer reading a 10×4×4 map
 * (PyTorch's channel-major flatten against Shortcut's channel-last one). Generates
 * {@code ResidualOnnxMixed}.
 */
@Network(channels = 3, height = 9, width = 9, outputs = 4, name = "OnnxMixed", reshape = Shortcut.ZERO_PAD)
public class MixedConv {
  @Conv(filters = 6, kernel = 3, activation = Activation.LEAKY_RELU)
  Layer conv1;

  @MaxPool(kernel = 3, stride = 2, padding = 1)
  Layer pool1;

  @Stack(repeat = 2, filters = 10, stride = 2)
  PadBlock stage;

  @AvgPool(kernel = 2, stride = 1, padding = 1)
  Layer pool2;

  @Dense(units = 12, activation = Activation.TANH)
  Layer fc1;

  @Dense(units = 4, activation = Activation.NONE)
  Layer fc2;
}
