package dev.shortcut.examples.onnx;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.ResidualBlock;

/** A dense block that ends 24 wide, whatever it reads: the first of a stack needs a projection. */
@ResidualBlock
public class WidenBlock {
  @Dense(units = 16, activation = Activation.TANH)
  Layer fc1;

  @Dense(units = 24, activation = Activation.LEAKY_RELU)
  Layer fc2;
}
