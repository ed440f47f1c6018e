package dev.shortcut.examples.small;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.Stack;
import dev.shortcut.annotations.Variant;

/** A small family compiled by the processor in the test sources, as a user's would be. */
@Network(inputs = 10, outputs = 4, variants = {Variant.RESIDUAL, Variant.PLAIN})
public class Small {
  @Dense(units = 16)
  Layer stem;

  @Stack(repeat = {2, 6})
  SmallBlock body;

  @Dense(units = 4, activation = Activation.NONE)
  Layer head;
}
