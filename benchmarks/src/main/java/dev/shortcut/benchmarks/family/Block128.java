package dev.shortcut.benchmarks.family;

import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.ResidualBlock;

/** The lecture's two-layer block at width 128. */
@ResidualBlock
public class Block128 {
  @Dense(units = 128)
  Layer fc1;

  @Dense(units = 128)
  Layer fc2;
}
