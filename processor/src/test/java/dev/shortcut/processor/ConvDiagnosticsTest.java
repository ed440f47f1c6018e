package dev.shortcut.processor;

import static com.google.testing.compile.Compiler.javac;
import static dev.shortcut.processor.Expected.assertDiagnostics;
import static dev.shortcut.processor.Expected.error;
import static dev.shortcut.processor.Expected.warning;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The messages of convolutional networks: inputs, attributes, batch normalization's place, the
 * stacks' filters and strides, shapes through convolutions and pools, and shortcuts across changes
 * of shape. Each asserts the complete list of diagnostics of its compilation.
 */
class ConvDiagnosticsTest {
  /** The paper's basic block: filters and the first block's stride from the stack. */
  static final String BASIC = """
      package c;
      import dev.shortcut.annotations.*;
      @ResidualBlock
      public class Basic {
        @Conv(kernel = 3, stride = Conv.STACK) Layer conv1;
        @BatchNorm Layer bn1;
        @Conv(kernel = 3) Layer conv2;
        @BatchNorm Layer bn2;
      }
      """;

  static JavaFileObject source(String name, String body) {
    return JavaFileObjects.forSourceString("c." + name, """
        package c;
        import dev.shortcut.annotations.*;
        """ + body);
  }

  static Compilation compile(JavaFileObject... files) {
    JavaFileObject[] all = new JavaFileObject[files.length + 1];
    all[0] = JavaFileObjects.forSourceString("c.Basic", BASIC);
    System.arraycopy(files, 0, all, 1, files.length);
    return javac().withProcessors(new ShortcutProcessor()).withOptions(List.of()).compile(all);
  }

  /** A network of the paper's family with {@code body} between its stem and its head. */
  static JavaFileObject network(String annotation, String body) {
    return source("Net", annotation + """

        public class Net {
          @Conv(filters = 16) Layer conv1;
          @BatchNorm Layer bn1;
        """ + body + """
          @GlobalAvgPool Layer avgpool;
          @Dense(units = 10, activation = Activation.NONE) Layer fc;
        }
        """);
  }

  static final String IMAGE = "@Network(channels = 3, height = 32, width = 32, outputs = 10, reshape = Shortcut.ZERO_PAD)";

  @Test
  void thePapersFamilyCompilesWithoutAWord() {
    Compilation c = compile(network(IMAGE, """
          @Stack(repeat = {3, 5}, filters = 16) Basic layer1;
          @Stack(repeat = {3, 5}, filters = 32, stride = 2) Basic layer2;
          @Stack(repeat = {3, 5}, filters = 64, stride = 2) Basic layer3;
        """));
    assertDiagnostics(c);
  }

  // ---- the input --------------------------------------------------------------------------------

  @Test
  void aNetworkWithoutAnInput() {
    JavaFileObject net = source("Net", """
        @Network(outputs = 2)
        public class Net {
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertDiagnostics(compile(net), error("Net.java", "@Network(outputs = 2)",
        "@Network Net declares no input; write inputs = N for vectors, or channels, height and width for images"));
  }

  @Test
  void aNetworkWithTwoInputs() {
    JavaFileObject net = source("Net", """
        @Network(inputs = 784, channels = 1, height = 28, width = 28, outputs = 2)
        public class Net {
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertDiagnostics(compile(net), error("Net.java", "@Network(inputs = 784, channels = 1, height = 28, width = 28, outputs = 2)",
        "@Network Net declares both inputs = 784 and an image input (channels, height, width); keep one of the two"));
  }

  @Test
  void anImageWithoutItsWidth() {
    JavaFileObject net = source("Net", """
        @Network(channels = 1, height = 28, outputs = 2)
        public class Net {
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertDiagnostics(compile(net), error("Net.java", "@Network(channels = 1, height = 28, outputs = 2)",
        "@Network Net declares an image input without width; an image needs channels, height and width, each at least 1"));
  }

  // ---- attributes ---------------------------------------------------------------------------------

  @Test
  void attributesOutOfRangeAreReportedAtTheirValues() {
    JavaFileObject net = source("Net", """
        @Network(channels = 3, height = 32, width = 32, outputs = 10)
        public class Net {
          @Conv(filters = 0) Layer a;
          @Conv(filters = 8, kernel = 0) Layer b;
          @Conv(filters = 8, stride = -2) Layer c;
          @Conv(filters = 8, padding = -3) Layer d;
          @MaxPool(kernel = 3, padding = 2) Layer pool;
          @GlobalAvgPool Layer avgpool;
          @Dense(units = 10, activation = Activation.NONE) Layer fc;
        }
        """);
    assertDiagnostics(compile(net),
        error("Net.java", "@Conv(filters = 0) Layer a;", "@Conv 'a' has filters = 0; a convolution needs at least one filter"),
        error("Net.java", "@Conv(filters = 8, kernel = 0) Layer b;", "@Conv 'b' has kernel = 0; a kernel is at least 1×1"),
        error("Net.java", "@Conv(filters = 8, stride = -2) Layer c;", "@Conv 'c' has stride = -2; a stride is at least 1"),
        error("Net.java", "@Conv(filters = 8, padding = -3) Layer d;",
            "@Conv 'd' has padding = -3; write Conv.SAME, 0 for none, or any n ≥ 0"),
        error("Net.java", "@MaxPool(kernel = 3, padding = 2) Layer pool;",
            "@MaxPool 'pool' has padding = 2; a 3×3 window pads at most 1 (PyTorch's limit: half the kernel)"));
  }

  @Test
  void samePaddingNeedsAnOddKernel() {
    JavaFileObject net = network("@Network(channels = 3, height = 32, width = 32, outputs = 10)", """
          @Conv(filters = 16, kernel = 2) Layer even;
        """);
    assertDiagnostics(compile(net), error("Net.java", "@Conv(filters = 16, kernel = 2) Layer even;",
        "@Conv 'even' pads Conv.SAME with an even kernel of 2, which cannot pad both sides alike; give padding = n explicitly"));
  }

  @Test
  void filtersAndStridesFromAStackNeedABlock() {
    JavaFileObject net = source("Net", """
        @Network(channels = 3, height = 32, width = 32, outputs = 10)
        public class Net {
          @Conv Layer conv1;
          @Conv(filters = 16, stride = Conv.STACK) Layer conv2;
          @GlobalAvgPool Layer avgpool;
          @Dense(units = 10, activation = Activation.NONE) Layer fc;
        }
        """);
    assertDiagnostics(compile(net),
        error("Net.java", "@Conv Layer conv1;", "@Conv 'conv1' takes its filters from its @Stack (filters = Conv.STACK,"
            + " the default), but it is not in a block; give filters = N"),
        error("Net.java", "@Conv(filters = 16, stride = Conv.STACK) Layer conv2;", "@Conv 'conv2' takes its stride from"
            + " its @Stack (stride = Conv.STACK), but it is not in a block; give stride = n"));
  }

  @Test
  void aStackWithoutTheFiltersItsBlockTakes() {
    JavaFileObject net = network(IMAGE, """
          @Stack(repeat = 3) Basic layer1;
        """);
    assertDiagnostics(compile(net), error("Net.java", "@Stack(repeat = 3) Basic layer1;",
        "@Stack 'layer1' declares no filters, but Basic's @Conv 'conv1' takes them from the stack (filters = Conv.STACK,"
            + " the default); write @Stack(filters = N, ...)"));
  }

  @Test
  void aStackStrideNoConvolutionTakes() {
    JavaFileObject fixed = source("Fixed", """
        @ResidualBlock
        public class Fixed {
          @Conv(filters = 16) Layer conv1;
          @BatchNorm Layer bn1;
          @Conv(filters = 16) Layer conv2;
          @BatchNorm Layer bn2;
        }
        """);
    JavaFileObject net = network(IMAGE, """
          @Stack(repeat = 3, stride = 2) Fixed layer1;
        """);
    assertDiagnostics(compile(fixed, net), error("Net.java", "@Stack(repeat = 3, stride = 2) Fixed layer1;",
        "@Stack 'layer1' has stride = 2, but no @Conv of Fixed takes the stack's stride; mark the convolution that strides"
            + " with stride = Conv.STACK, or drop the stride"));
  }

  @Test
  void batchNormalizationFollowsALinearLayer() {
    JavaFileObject net = source("Net", """
        @Network(channels = 3, height = 32, width = 32, outputs = 10)
        public class Net {
          @BatchNorm Layer first;
          @Conv(filters = 16) Layer conv1;
          @MaxPool(kernel = 2) Layer pool;
          @BatchNorm Layer afterPool;
          @GlobalAvgPool Layer avgpool;
          @Dense(units = 10, activation = Activation.NONE) Layer fc;
        }
        """);
    assertDiagnostics(compile(net),
        error("Net.java", "@BatchNorm Layer first;", "@BatchNorm 'first' normalizes the layer declared just before it,"
            + " but it comes first; put it right after a @Conv or @Dense"),
        error("Net.java", "@BatchNorm Layer afterPool;", "@BatchNorm 'afterPool' normalizes the layer declared just"
            + " before it, but it follows @MaxPool 'pool'; put it right after a @Conv or @Dense"));
  }

  @Test
  void aBlockEndingWithAPool() {
    JavaFileObject block = source("Pooled", """
        @ResidualBlock
        public class Pooled {
          @Conv(filters = 16) Layer conv1;
          @MaxPool(kernel = 2) Layer pool;
        }
        """);
    assertDiagnostics(compile(block), error("Pooled.java", "@MaxPool(kernel = 2) Layer pool;",
        "@ResidualBlock Pooled ends with @MaxPool 'pool'; end its main path with a @Conv or @Dense layer (and its"
            + " @BatchNorm), whose linear output the shortcut joins"));
  }

  @Test
  void aShortcutNameThatCannotNameParameters() {
    JavaFileObject block = source("Named", """
        @ResidualBlock(shortcutName = "down.sample")
        public class Named {
          @Conv(filters = 16) Layer conv1;
        }
        """);
    assertDiagnostics(compile(block), error("Named.java", "@ResidualBlock(shortcutName = \"down.sample\")",
        "shortcutName = \"down.sample\" cannot name the projection's parameters; use letters, digits and '_'"
            + " (torchvision's is \"downsample\")"));
  }

  // ---- shapes -------------------------------------------------------------------------------------

  @Test
  void aConvolutionAfterTheImageWasFlattened() {
    JavaFileObject net = source("Net", """
        @Network(inputs = 784, outputs = 10)
        public class Net {
          @Conv(filters = 16) Layer conv1;
          @GlobalAvgPool Layer avgpool;
          @Dense(units = 10, activation = Activation.NONE) Layer fc;
        }
        """);
    assertDiagnostics(compile(net), error("Net.java", "@Conv(filters = 16) Layer conv1;",
        "@Conv 'conv1' works on images, but receives a vector of 784 values: input 784 → conv1 16; put it before the"
            + " layers that flatten, or give the @Network channels, height and width"));
  }

  @Test
  void aKernelLargerThanItsPaddedInput() {
    JavaFileObject net = source("Net", """
        @Network(channels = 1, height = 4, width = 4, outputs = 10)
        public class Net {
          @Conv(filters = 8, kernel = 7, padding = 1) Layer conv1;
          @GlobalAvgPool Layer avgpool;
          @Dense(units = 10, activation = Activation.NONE) Layer fc;
        }
        """);
    assertDiagnostics(compile(net), error("Net.java", "@Conv(filters = 8, kernel = 7, padding = 1) Layer conv1;",
        "@Conv 'conv1' has a 7×7 window, larger than its padded input (1×4×4, padding 1): input 1×4×4 → conv1 8×0×0;"
            + " use a kernel of at most 6, or pad more"));
  }

  @Test
  void aPoolThatDropsTheLastRowIsAWarningWithTheSizes() {
    JavaFileObject net = network("@Network(channels = 3, height = 32, width = 32, outputs = 10)", """
          @MaxPool(kernel = 3, stride = 2) Layer maxpool;
        """);
    assertDiagnostics(compile(net), warning("Net.java", "@MaxPool(kernel = 3, stride = 2) Layer maxpool;",
        "@MaxPool 'maxpool' (3×3, stride 2, padding 0) never reads the last row and column of its 32×32 input: input"
            + " 3×32×32 → conv1 16×32×32 → maxpool 16×15×15; change the stride or the padding to cover them"));
  }

  @Test
  void anIdentityShortcutAcrossAChangeOfShapeShowsTheImageTrace() {
    JavaFileObject fixed = source("Down", """
        @ResidualBlock(shortcut = Shortcut.IDENTITY)
        public class Down {
          @Conv(kernel = 3, stride = Conv.STACK) Layer conv1;
          @BatchNorm Layer bn1;
          @Conv(kernel = 3) Layer conv2;
          @BatchNorm Layer bn2;
        }
        """);
    JavaFileObject net = network(IMAGE, """
          @Stack(repeat = 2, filters = 32, stride = 2) Down stage2;
        """);
    assertDiagnostics(compile(fixed, net), error("Down.java", "@ResidualBlock(shortcut = Shortcut.IDENTITY)",
        "identity shortcut of block 'stage2[0]' needs equal shapes: input 16×32×32 → conv1 32×16×16 → conv2 32×16×16;"
            + " use shortcut = PROJECTION or ZERO_PAD"));
  }

  @Test
  void zeroPaddingCannotDropChannels() {
    JavaFileObject narrow = source("Narrow", """
        @ResidualBlock(shortcut = Shortcut.ZERO_PAD)
        public class Narrow {
          @Conv(filters = 8) Layer conv1;
          @BatchNorm Layer bn1;
        }
        """);
    JavaFileObject net = network(IMAGE, """
          @Stack(repeat = 1) Narrow narrow;
        """);
    assertDiagnostics(compile(narrow, net), error("Narrow.java", "@ResidualBlock(shortcut = Shortcut.ZERO_PAD)",
        "zero-padding shortcut of block 'narrow[0]' can only add channels, but the block narrows: input 16×32×32 → conv1"
            + " 8×32×32; give the block at least 16 output channels, or use shortcut = PROJECTION"));
  }

  @Test
  void aShortcutCannotFollowAPoolInsideItsBlock() {
    JavaFileObject pooled = source("Pooled", """
        @ResidualBlock
        public class Pooled {
          @Conv(filters = 32) Layer conv1;
          @MaxPool(kernel = 3, stride = 3) Layer pool;
          @Conv(filters = 32) Layer conv2;
          @BatchNorm Layer bn2;
        }
        """);
    JavaFileObject net = network(IMAGE, """
          @Stack(repeat = 1) Pooled pooled;
        """);
    assertDiagnostics(compile(pooled, net),
        warning("Pooled.java", "@MaxPool(kernel = 3, stride = 3) Layer pool;",
            "@MaxPool 'pooled[0].pool' (3×3, stride 3, padding 0) never reads the last 2 rows and columns of its 32×32 input:"
                + " input 3×32×32 → conv1 16×32×32 → pooled[0].conv1 32×32×32 → pooled[0].pool 32×10×10; change the"
                + " stride or the padding to cover them"),
        error("Pooled.java", "@ResidualBlock",
            "the zero-padding shortcut of block 'pooled[0]' cannot follow its main path: input 16×32×32 → conv1 32×32×32"
                + " → pool 32×10×10 → conv2 32×10×10; its strides (3 in all) must take 32×32 to 11×11; shrink the image"
                + " with strides only, or move the pooling out of the block"));
  }

  @Test
  void theOutputOfAConvolutionalNetworkIsItsFlattenedLastShape() {
    JavaFileObject net = source("Net", """
        @Network(channels = 3, height = 32, width = 32, outputs = 10)
        public class Net {
          @Conv(filters = 16, activation = Activation.NONE) Layer conv1;
          @GlobalAvgPool Layer avgpool;
        }
        """);
    assertDiagnostics(compile(net), error("Net.java", "@GlobalAvgPool Layer avgpool;",
        "the network outputs 10 but its last layer 'avgpool' gives 16 values (16): input 3×32×32 → conv1 16×32×32 →"
            + " avgpool 16; end with @Dense(units = 10), or set outputs = 16"));
  }

  @Test
  void activationsTooManyForAnArray() {
    JavaFileObject net = source("Net", """
        @Network(channels = 64, height = 4096, width = 4096, outputs = 10)
        public class Net {
          @Conv(filters = 64, kernel = 1) Layer conv1;
          @Conv(filters = 64, kernel = 1) Layer conv2;
          @GlobalAvgPool Layer avgpool;
          @Dense(units = 10, activation = Activation.NONE) Layer fc;
        }
        """);
    assertDiagnostics(compile(net), error("Net.java",
        "@Network(channels = 64, height = 4096, width = 4096, outputs = 10)",
        // Two 64×4096×4096 maps and the pool's 64, besides the input and output arrays.
        "ResidualNet keeps 2,147,483,712 activation values per sample; the runtime keeps a batch of them in one Java"
            + " array of at most 2,147,483,639, so make the images smaller or the network shallower"));
  }
}
