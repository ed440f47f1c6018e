package dev.shortcut.benchmarks.family;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.Stack;

/** The benchmark family at width 64: 10, 50, 100 and 1,000 layers (the last for depth scaling). */
@Network(inputs = 64, outputs = 10)
public class Width64 {
  @Dense(units = 64)
  Layer stem;

  @Stack(repeat = {4, 24, 49, 499})
  Block64 body;

  @Dense(units = 10, activation = Activation.NONE)
  Layer head;
}
