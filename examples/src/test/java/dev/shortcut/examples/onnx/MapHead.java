package dev.shortcut.examples.onnx;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Conv;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.Loss;
import dev.shortcut.annotations.Network;

/**
 * A network whose output is a map: its last convolution leaves 2×2×2 values, which Shortcut
 * outputs in its channel-last order, and the model must too. Generates {@code ResidualOnnxMapHead}.
 */
@Network(channels = 3, height = 4, width = 4, outputs = 8, name = "OnnxMapHead", loss = Loss.MEAN_SQUARED_ERROR)
public class MapHead {
  @Conv(filters = 4, kernel = 3)
  Layer conv1;

  @Conv(filters = 2, kernel = 3, stride = 2, activation = Activation.NONE)
  Layer conv2;
}
