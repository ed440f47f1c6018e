package dev.shortcut.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Precision;
import dev.shortcut.annotations.Shortcut;
import dev.shortcut.annotations.Variant;
import dev.shortcut.processor.model.Declarations.BlockDecl;
import dev.shortcut.processor.model.ModelBuilder;
import dev.shortcut.processor.model.NetworkModel;
import dev.shortcut.processor.writing.NetworkWriter;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The generated source of reviewed scenarios, one test method each, compared with golden files laid
 * out as {@code goldens/GoldenFilesTest/<method>/<Class>.java.txt}. After an intended change to the
 * generator, regenerate them and review the diff:
 *
 * <pre>mvn -pl processor test -Dtest=GoldenFilesTest -Dshortcut.updateGoldens=true</pre>
 */
class GoldenFilesTest {
  private static final Path GOLDENS = Path.of("src/test/resources/goldens/GoldenFilesTest");

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

  @Test
  void twoBlocksAndThePlainTwin(TestInfo test) throws IOException {
    Compiled c = Compiled.compile("golden.TwoLayer", BLOCK, "golden.TwoBlocks", """
        package golden;
        import dev.shortcut.annotations.*;
        /** Stem, two residual blocks, head; and its plain twin. */
        @Network(inputs = 8, outputs = 3, variants = {Variant.RESIDUAL, Variant.PLAIN})
        public class TwoBlocks {
          @Dense(units = 16) Layer stem;
          @Stack(repeat = 2) TwoLayer body;
          @Dense(units = 3, activation = Activation.NONE) Layer head;
        }
        """);
    check(test, c, "ResidualTwoBlocks", "PlainTwoBlocks", "TwoBlocksFamily");
  }

  @Test
  void projectionWhereTheWidthChanges(TestInfo test) throws IOException {
    Compiled c = Compiled.compile("golden.Widen", """
        package golden;
        import dev.shortcut.annotations.*;
        /** A block that widens 16 → 32: AUTO resolves to a projection shortcut. */
        @ResidualBlock
        public class Widen {
          @Dense(units = 32) Layer fc1;
          @Dense(units = 32) Layer fc2;
        }
        """, "golden.Projected", """
        package golden;
        import dev.shortcut.annotations.*;
        /** A projection shortcut where the width changes. */
        @Network(inputs = 8, outputs = 3)
        public class Projected {
          @Dense(units = 16) Layer stem;
          @Stack(repeat = 1) Widen up;
          @Dense(units = 3, activation = Activation.NONE) Layer head;
        }
        """);
    check(test, c, "ResidualProjected");
  }

  @Test
  void nestedBlocksInDoublePrecision(TestInfo test) throws IOException {
    Compiled c = Compiled.compile("golden.TwoLayer", BLOCK, "golden.Outer", """
        package golden;
        import dev.shortcut.annotations.*;
        /** A block of blocks, with a projection around them. */
        @ResidualBlock(shortcut = Shortcut.PROJECTION)
        public class Outer {
          @Stack(repeat = 2) TwoLayer inner;
          @Dense(units = 8, activation = Activation.TANH) Layer out;
        }
        """, "golden.Nested", """
        package golden;
        import dev.shortcut.annotations.*;
        /** Nested blocks, in double precision for gradient checks; a single depth. */
        @Network(inputs = 16, outputs = 2, precision = Precision.DOUBLE)
        public class Nested {
          @Stack(repeat = 1) Outer body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    check(test, c, "ResidualNested", "NestedFamily");
  }

  @Test
  void theCodeOfADeepNetworkSplitIntoShards(TestInfo test) throws IOException {
    BlockDecl block = TestDeclarations.block("golden.TwoLayer", Shortcut.AUTO,
        TestDeclarations.dense("fc1", 4, Activation.RELU), TestDeclarations.dense("fc2", 4, Activation.RELU));
    NetworkModel model = ModelBuilder.build(TestDeclarations.network("golden", "Split", 4, 2, Precision.FLOAT,
        List.of(Variant.RESIDUAL), TestDeclarations.dense("stem", 4, Activation.RELU),
        TestDeclarations.stack("body", block, 3), TestDeclarations.dense("head", 2, Activation.NONE))).get(0);
    // Three layers per class instead of 1,024: the shape of a 10,000-layer network's code, small.
    String source = NetworkWriter.write(model, 3).toString();
    assertTrue(source.contains("private final class Shard0"));
    Compiled.compile("golden.ResidualSplit", source);
    check(test, "ResidualSplit", source);
  }

  @Test
  void aConvolutionalNetworkWithBatchNormalizationAndOptionA(TestInfo test) throws IOException {
    Compiled c = Compiled.compile("golden.Basic", """
        package golden;
        import dev.shortcut.annotations.*;
        /** The paper's basic block: two 3×3 convolutions, each normalized. */
        @ResidualBlock
        public class Basic {
          @Conv(kernel = 3, stride = Conv.STACK) Layer conv1;
          @BatchNorm Layer bn1;
          @Conv(kernel = 3) Layer conv2;
          @BatchNorm Layer bn2;
        }
        """, "golden.TinyCifar", """
        package golden;
        import dev.shortcut.annotations.*;
        /** Two stages of the paper's family on 8×8 images, one block each. */
        @Network(channels = 1, height = 8, width = 8, outputs = 3, reshape = Shortcut.ZERO_PAD)
        public class TinyCifar {
          @Conv(filters = 4) Layer conv1;
          @BatchNorm Layer bn1;
          @Stack(repeat = 1, filters = 4) Basic layer1;
          @Stack(repeat = 1, filters = 8, stride = 2) Basic layer2;
          @GlobalAvgPool Layer avgpool;
          @Dense(units = 3, activation = Activation.NONE) Layer fc;
        }
        """);
    check(test, c, "ResidualTinyCifar");
  }

  @Test
  void outputIsDeterministic() {
    String net = """
        package golden;
        import dev.shortcut.annotations.*;
        @Network(inputs = 8, outputs = 3)
        public class Again {
          @Dense(units = 16) Layer stem;
          @Stack(repeat = 2) TwoLayer body;
          @Dense(units = 3, activation = Activation.NONE) Layer head;
        }
        """;
    String first = Compiled.compile("golden.TwoLayer", BLOCK, "golden.Again", net).source("golden.ResidualAgain");
    String second = Compiled.compile("golden.TwoLayer", BLOCK, "golden.Again", net).source("golden.ResidualAgain");
    assertEquals(first, second);
  }

  private static void check(TestInfo test, Compiled c, String... classes) throws IOException {
    for (String name : classes) {
      check(test, name, c.source("golden." + name));
    }
  }

  private static void check(TestInfo test, String name, String actual) throws IOException {
    String method = test.getTestMethod().map(Method::getName).orElseThrow();
    Path golden = GOLDENS.resolve(method).resolve(name + ".java.txt");
    if (Boolean.getBoolean("shortcut.updateGoldens")) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(golden)) {
      fail("missing golden " + golden + "; run with -Dshortcut.updateGoldens=true and review it");
    }
    assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual,
        name + " differs from its golden " + golden + "; if the change is intended, regenerate with "
            + "-Dshortcut.updateGoldens=true and review the diff");
  }
}
