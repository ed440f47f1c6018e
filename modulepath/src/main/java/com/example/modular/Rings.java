package com.example.modular;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.ResidualBlock;
import dev.shortcut.annotations.Stack;

/** Two features in, two classes out: points inside or outside a ring. */
@Network(inputs = 2, outputs = 2)
public class Rings {
  /** The lecture's block: two layers of equal width and an identity shortcut. */
  @ResidualBlock
  public static class Block {
    @Dense(units = 16)
    Layer fc1;

    @Dense(units = 16)
    Layer fc2;
  }

  @Dense(units = 16)
  Layer stem;

  @Stack(repeat = 2)
  Block body;

  @Dense(units = 2, activation = Activation.NONE)
  Layer head;
}
