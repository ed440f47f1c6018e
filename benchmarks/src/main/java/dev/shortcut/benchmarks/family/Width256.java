package dev.shortcut.benchmarks.family;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.Stack;

/** The benchmark family at width 256: 10, 50 and 100 layers. */
@Network(inputs = 256, outputs = 10)
public class Width256 {
  @Dense(units = 256)
  Layer stem;

  @Stack(repeat = {4, 24, 49})
  Block256 body;

  @Dense(units = 10, activation = Activation.NONE)
  Layer head;
}
