package dev.shortcut.spark.nets;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.Precision;
import dev.shortcut.annotations.Stack;

/** {@link Tiny}'s residual network in double precision: the exact arithmetic the float runs approximate. */
@Network(inputs = 8, outputs = 3, precision = Precision.DOUBLE)
public class TinyDouble {
  @Dense(units = 16)
  Layer stem;

  @Stack(repeat = {2})
  TinyBlock body;

  @Dense(units = 3, activation = Activation.NONE)
  Layer head;
}
