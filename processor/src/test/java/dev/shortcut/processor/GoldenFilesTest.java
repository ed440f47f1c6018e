package dev.shortcut.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The generated source of three networks, compared with reviewed golden files in
 * {@code src/test/resources/goldens/}. After an intended change to the generator, regenerate
 * them and review the diff:
 *
 * <pre>mvn -pl processor test -Dtest=GoldenFilesTest -Dshortcut.updateGoldens=true</pre>
 */
class GoldenFilesTest {
  private static final Path GOLDENS = Path.of("src/test/resources/goldens");

  static final String BLOCK = """
      package golden;
      import dev.shortcut.annotations.*;
      /** The lecture's block. */
      @ResidualBlock
      public class TwoLayer {
        @Dense(units = 16) Layer fc1;
        @Dense(units = 16) Layer fc2;
      }
      """;
  static final String TWO_BLOCKS = """
      package golden;
      import dev.shortcut.annotations.*;
      /** Stem, two residual blocks, head; and its plain twin. */
      @Network(inputs = 8, outputs = 3, variants = {Variant.RESIDUAL, Variant.PLAIN})
      public class TwoBlocks {
        @Dense(units = 16) Layer stem;
        @Stack(repeat = 2) TwoLayer body;
        @Dense(units = 3, activation = Activation.NONE) Layer head;
      }
      """;
  static final String WIDEN = """
      package golden;
      import dev.shortcut.annotations.*;
      /** A block that widens 16 → 32: AUTO resolves to a projection shortcut. */
      @ResidualBlock
      public class Widen {
        @Dense(units = 32) Layer fc1;
        @Dense(units = 32) Layer fc2;
      }
      """;
  static final String PROJECTED = """
      package golden;
      import dev.shortcut.annotations.*;
      /** A projection shortcut where the width changes. */
      @Network(inputs = 8, outputs = 3)
      public class Projected {
        @Dense(units = 16) Layer stem;
        @Stack(repeat = 1) Widen up;
        @Dense(units = 3, activation = Activation.NONE) Layer head;
      }
      """;

  @Test
  void generatedSourcesMatchTheGoldens() throws IOException {
    Compiled c = Compiled.compile("golden.TwoLayer", BLOCK, "golden.TwoBlocks", TWO_BLOCKS, "golden.Widen", WIDEN,
        "golden.Projected", PROJECTED);
    boolean update = Boolean.getBoolean("shortcut.updateGoldens");
    for (String name : List.of("ResidualTwoBlocks", "PlainTwoBlocks", "ResidualProjected", "TwoBlocksFamily")) {
      String actual = c.source("golden." + name);
      Path golden = GOLDENS.resolve(name + ".java.txt");
      if (update) {
        Files.writeString(golden, actual, StandardCharsets.UTF_8);
        continue;
      }
      if (!Files.exists(golden)) {
        fail("missing golden " + golden + "; run with -Dshortcut.updateGoldens=true and review it");
      }
      assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual,
          name + " differs from its golden; if the change is intended, regenerate with "
              + "-Dshortcut.updateGoldens=true and review the diff");
    }
  }

  @Test
  void outputIsDeterministic() {
    String first = Compiled.compile("golden.TwoLayer", BLOCK, "golden.TwoBlocks", TWO_BLOCKS)
        .source("golden.ResidualTwoBlocks");
    String second = Compiled.compile("golden.TwoLayer", BLOCK, "golden.TwoBlocks", TWO_BLOCKS)
        .source("golden.ResidualTwoBlocks");
    assertEquals(first, second);
  }
}
