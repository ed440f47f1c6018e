package dev.shortcut.spark.nets;

import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.ResidualBlock;

/** Two dense layers of width 16 around an identity shortcut. */
@ResidualBlock
public class TinyBlock {
  @Dense(units = 16)
  Layer fc1;

  @Dense(units = 16)
  Layer fc2;
}
