package dev.shortcut.benchmarks.family;

import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.ResidualBlock;

/** The lecture's two-layer block at width 512. */
@ResidualBlock
public class Block512 {
  @Dense(units = 512)
  Layer fc1;

  @Dense(units = 512)
  Layer fc2;
}
