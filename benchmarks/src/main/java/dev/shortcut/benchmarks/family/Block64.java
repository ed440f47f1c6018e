package dev.shortcut.benchmarks.family;

import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.ResidualBlock;

/** The lecture's two-layer block at width 64. */
@ResidualBlock
public class Block64 {
  @Dense(units = 64)
  Layer fc1;

  @Dense(units = 64)
  Layer fc2;
}
