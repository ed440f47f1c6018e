package dev.shortcut.benchmarks.family;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.Stack;

/** The benchmark family at width 128: 10, 50 and 100 layers. */
@Network(inputs = 128, outputs = 10)
public class Width128 {
  @Dense(units = 128)
  Layer stem;

  @Stack(repeat = {4, 24, 49})
  Block128 body;

  @Dense(units = 10, activation = Activation.NONE)
  Layer head;
}
