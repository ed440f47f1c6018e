package dev.shortcut.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConfigTest {
  @Test
  void parsesDenseAndNamedConfigurations() {
    assertEquals(Config.dense("train", 128, 100, 32), Config.parse("train:128:100:32"));
    assertEquals(new Config("resnet20", "infer", 16, 20, 1), Config.parse("resnet20:infer:16:20:1"));
  }

  @Test
  void aMalformedConfigurationSaysWhatTheFormIs() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Config.parse("train:128:x:32"));
    assertTrue(e.getMessage().contains("kind:width:layers:batch"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Config.parse("fit:128:100:32"));
  }

  @Test
  void theQuickGridHoldsEveryRowTheDenseTargetsName() {
    assertTrue(Grid.quick().containsAll(java.util.List.of(Config.dense("train", 64, 100, 32),
        Config.dense("train", 128, 100, 32), Config.dense("train", 256, 100, 128), Config.dense("infer", 128, 100, 1),
        Config.dense("infer", 256, 100, 1))));
    assertTrue(Grid.full().containsAll(Grid.quick()), "the full grid contains the quick one");
  }
}
