package dev.shortcut.examples.onnx;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.Precision;
import dev.shortcut.annotations.Stack;
import dev.shortcut.annotations.Variant;

/**
 * A double-precision dense network with every smooth activation and a projection shortcut where
 * the first block widens 16 to 24. Generates {@code ResidualOnnxDouble} and {@code PlainOnnxDouble}.
 */
@Network(inputs = 12, outputs = 5, precision = Precision.DOUBLE, name = "OnnxDouble",
    variants = {Variant.RESIDUAL, Variant.PLAIN})
public class DoubleDense {
  @Dense(units = 16, activation = Activation.SIGMOID)
  Layer stem;

  @Stack(repeat = 2)
  WidenBlock body;

  @Dense(units = 5, activation = Activation.NONE)
  Layer head;
}
