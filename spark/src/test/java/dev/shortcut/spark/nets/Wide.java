package dev.shortcut.spark.nets;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.Stack;

/**
 * The lecture's 20-layer residual network (784 inputs, width 64, 10 classes), for timing
 * data-parallel rounds on a network of the main job's size.
 */
@Network(inputs = 784, outputs = 10)
public class Wide {
  @Dense(units = 64)
  Layer stem;

  @Stack(repeat = {9})
  WideBlock body;

  @Dense(units = 10, activation = Activation.NONE)
  Layer head;
}
