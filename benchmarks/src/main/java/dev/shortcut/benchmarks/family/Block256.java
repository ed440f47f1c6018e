package dev.shortcut.benchmarks.family;

import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.ResidualBlock;

/** The lecture's two-layer block at width 256. */
@ResidualBlock
public class Block256 {
  @Dense(units = 256)
  Layer fc1;

  @Dense(units = 256)
  Layer fc2;
}
