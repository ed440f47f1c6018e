package com.example;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.ResidualBlock;
import dev.shortcut.annotations.Stack;

/** A small residual network: 20 features in, 3 classes out, three residual blocks. */
@Network(inputs = 20, outputs = 3)
public class Blob {
  /** Two layers of equal width: the lecture's block, with an identity shortcut. */
  @ResidualBlock
  public static class Block {
    @Dense(units = 32)
    Layer fc1;

    @Dense(units = 32)
    Layer fc2;
  }

  @Dense(units = 32)
  Layer stem;

  @Stack(repeat = 3)
  Block body;

  @Dense(units = 3, activation = Activation.NONE)
  Layer head;
}
