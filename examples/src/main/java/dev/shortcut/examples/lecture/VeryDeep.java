package dev.shortcut.examples.lecture;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.Stack;
import dev.shortcut.annotations.Variant;

/**
 * The lecture's "people have trained 1000+ layers": 500 two-layer blocks between a stem and a
 * head, 1,002 layers, and its plain twin of the same depth ({@code ResidualVeryDeep},
 * {@code PlainVeryDeep}).
 */
@Network(
    inputs = 784,
    outputs = 10,
    variants = {Variant.RESIDUAL, Variant.PLAIN})
public class VeryDeep {
  @Dense(units = 64)
  Layer stem;

  @Stack(repeat = 500)
  TwoLayerBlock body;

  @Dense(units = 10, activation = Activation.NONE)
  Layer head;
}
