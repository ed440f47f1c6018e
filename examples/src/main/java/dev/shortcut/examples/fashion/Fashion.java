package dev.shortcut.examples.fashion;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.Stack;

/**
 * A 20-layer residual MLP of width 128 for Fashion-MNIST: stem, nine two-layer blocks, head.
 * Generates {@code ResidualFashion}.
 */
@Network(inputs = 784, outputs = 10)
public class Fashion {
  @Dense(units = 128)
  Layer stem;

  @Stack(repeat = 9)
  WideBlock body;

  @Dense(units = 10, activation = Activation.NONE)
  Layer head;
}
