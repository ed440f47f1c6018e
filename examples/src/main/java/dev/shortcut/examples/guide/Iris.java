package dev.shortcut.examples.guide;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.ResidualBlock;
import dev.shortcut.annotations.Stack;

/**
 * The guide's classifier for tabular data: four measurements in, three species out, at two depths
 * ({@code ResidualIris4}, {@code ResidualIris8}, listed by {@code IrisFamily.variants()}).
 */
@Network(inputs = 4, outputs = 3)
public class Iris {
  /** Two layers of equal width and an identity shortcut. */
  @ResidualBlock
  public static class Block {
    @Dense(units = 16)
    Layer fc1;

    @Dense(units = 16)
    Layer fc2;
  }

  @Dense(units = 16)
  Layer stem;

  @Stack(repeat = {1, 3})
  Block body;

  @Dense(units = 3, activation = Activation.NONE)
  Layer head;
}
