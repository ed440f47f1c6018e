package dev.shortcut.spark.nets;

import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.ResidualBlock;

/** Two dense layers of width 64 around an identity shortcut. */
@ResidualBlock
public class WideBlock {
  @Dense(units = 64)
  Layer fc1;

  @Dense(units = 64)
  Layer fc2;
}
