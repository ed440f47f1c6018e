package dev.shortcut.spark.nets;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.Stack;
import dev.shortcut.annotations.Variant;

/** A small family for the tests: 8 inputs, 3 classes, 6 layers, residual and plain. */
@Network(inputs = 8, outputs = 3, variants = {Variant.RESIDUAL, Variant.PLAIN})
public class Tiny {
  @Dense(units = 16)
  Layer stem;

  @Stack(repeat = {2})
  TinyBlock body;

  @Dense(units = 3, activation = Activation.NONE)
  Layer head;
}
