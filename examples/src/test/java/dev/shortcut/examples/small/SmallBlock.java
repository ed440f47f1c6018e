package dev.shortcut.examples.small;

import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.ResidualBlock;

/** A two-layer block of width 16 for the tests. */
@ResidualBlock
public class SmallBlock {
  @Dense(units = 16)
  Layer fc1;

  @Dense(units = 16)
  Layer fc2;
}
