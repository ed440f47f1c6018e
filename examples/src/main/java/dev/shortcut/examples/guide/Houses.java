package dev.shortcut.examples.guide;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.Loss;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.ResidualBlock;
import dev.shortcut.annotations.Stack;

/** The guide's regressor: three features of a house in, its price out (mean squared error). */
@Network(inputs = 3, outputs = 1, loss = Loss.MEAN_SQUARED_ERROR)
public class Houses {
  /** Two layers of equal width and an identity shortcut. */
  @ResidualBlock
  public static class Block {
    @Dense(units = 32)
    Layer fc1;

    @Dense(units = 32)
    Layer fc2;
  }

  @Dense(units = 32)
  Layer stem;

  @Stack(repeat = 2)
  Block body;

  @Dense(units = 1, activation = Activation.NONE)
  Layer head;
}
