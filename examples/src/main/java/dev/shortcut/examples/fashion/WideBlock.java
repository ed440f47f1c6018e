package dev.shortcut.examples.fashion;

import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.ResidualBlock;

/** A two-layer residual block of width 128. */
@ResidualBlock
public class WideBlock {
  @Dense(units = 128)
  Layer fc1;

  @Dense(units = 128)
  Layer fc2;
}
