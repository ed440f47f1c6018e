package dev.shortcut.processor;

import static com.google.testing.compile.Compiler.javac;
import static dev.shortcut.processor.Expected.assertDiagnostics;
import static dev.shortcut.processor.Expected.error;
import static dev.shortcut.processor.Expected.note;
import static dev.shortcut.processor.Expected.warning;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.List;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Every message of the catalogue ({@code Message}), each asserted as the complete list of
 * diagnostics of its compilation: text, file and line. A declaration with an error generates
 * nothing.
 */
class DiagnosticsTest {
  static final String BLOCK = """
      package d;
      import dev.shortcut.annotations.*;
      @ResidualBlock
      public class Block {
        @Dense(units = 8) Layer fc1;
        @Dense(units = 8) Layer fc2;
      }
      """;

  static JavaFileObject source(String name, String body) {
    return JavaFileObjects.forSourceString("d." + name, """
        package d;
        import dev.shortcut.annotations.*;
        """ + body);
  }

  static JavaFileObject network(String body) {
    return source("Net", body);
  }

  static Compilation compile(JavaFileObject... files) {
    return compileWith(List.of(), files);
  }

  static Compilation compileWith(List<String> options, JavaFileObject... files) {
    JavaFileObject[] all = new JavaFileObject[files.length + 1];
    all[0] = JavaFileObjects.forSourceString("d.Block", BLOCK);
    System.arraycopy(files, 0, all, 1, files.length);
    return javac().withProcessors(new ShortcutProcessor()).withOptions(options).compile(all);
  }

  // ---- the processor itself ---------------------------------------------------------------------

  @Test
  void anExceptionInsideTheProcessorBecomesAnInternalErrorOnTheDeclaration() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    Compilation c = javac()
        .withProcessors(new ShortcutProcessor(decl -> {
          throw new IllegalStateException("injected failure");
        }))
        .compile(net);
    List<Expected> all = Expected.of(c);
    assertEquals(1, all.size(), all::toString);
    assertEquals("ERROR", all.get(0).kind());
    assertEquals("@Network(inputs = 8, outputs = 2)", all.get(0).line());
    assertTrue(all.get(0).message().startsWith("internal error in the Shortcut processor, please report it: "
        + "java.lang.IllegalStateException: injected failure\n"), all.get(0).message());
    assertTrue(all.get(0).message().contains("\tat dev.shortcut.processor.Pipeline.unroll"),
        "with the stack trace");
  }

  // ---- annotations on the wrong elements ----------------------------------------------------------

  @Test
  void networkOnAnInterface() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public interface Net {
        }
        """);
    assertDiagnostics(compile(net), error("Net.java", "@Network(inputs = 8, outputs = 2)",
        "@Network belongs on a class, not on interface Net; declare it as a class"));
  }

  @Test
  void blockOnARecordStackedByANetwork() {
    JavaFileObject rec = source("Rec", """
        @ResidualBlock
        public record Rec(int x) {
        }
        """);
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Stack(repeat = 1) Rec body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    Compilation c = compile(rec, net);
    // One error, at the record; the network that stacks it adds nothing.
    assertDiagnostics(c, error("Rec.java", "@ResidualBlock",
        "@ResidualBlock belongs on a class, not on record Rec; declare it as a class"));
  }

  @Test
  void aClassThatIsBothANetworkAndABlockGetsOneErrorNotTheErrorsOfBoth() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        @ResidualBlock
        public class Net {
          @Dense(units = 4) Layer fc;
          @Stack(repeat = 1) Block tail;
        }
        """);
    assertDiagnostics(compile(net), error("Net.java", "public class Net {",
        "class Net is both a @Network and a @ResidualBlock; declare the block and the network as two classes"));
  }

  @Test
  void layerOutsideADeclaration() {
    JavaFileObject stray = source("Stray", """
        public class Stray {
          @Dense(units = 2) Layer head;
        }
        """);
    assertDiagnostics(compile(stray), error("Stray.java", "@Dense(units = 2) Layer head;",
        "@Dense field 'head' is in Stray, which is neither a @Network nor a @ResidualBlock; annotate the class or move the field"));
  }

  @Test
  void fieldBothDenseAndStackIsTheOnlyError() {
    JavaFileObject block = source("Both", """
        @ResidualBlock
        public class Both {
          @Dense(units = 2) @Stack(repeat = 1) Layer fc;
        }
        """);
    // The block's only field is dropped, but "block has no layers" would only repeat the mistake.
    assertDiagnostics(compile(block), error("Both.java", "@Dense(units = 2) @Stack(repeat = 1) Layer fc;",
        "field 'fc' is both @Dense and @Stack; keep one of them"));
  }

  @Test
  void staticLayerIsTheOnlyError() {
    JavaFileObject block = source("Static", """
        @ResidualBlock
        public class Static {
          @Dense(units = 8) static Layer fc;
        }
        """);
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Stack(repeat = 2) Static body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    Compilation c = compile(block, net);
    assertDiagnostics(c, error("Static.java", "@Dense(units = 8) static Layer fc;",
        "layer field 'fc' is static; layers belong to instances, remove 'static'"));
  }

  @Test
  void denseFieldOfTheWrongType() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Dense(units = 2, activation = Activation.NONE) int head;
        }
        """);
    assertDiagnostics(compile(net), error("Net.java", "@Dense(units = 2, activation = Activation.NONE) int head;",
        "@Dense field 'head' has type int; declare it as dev.shortcut.annotations.Layer"));
  }

  @Test
  void stackOfAClassInSourceThatIsNotABlock() {
    JavaFileObject plain = source("Plain", """
        public class Plain {
        }
        """);
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Stack(repeat = 2) Plain body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertDiagnostics(compile(plain, net), error("Net.java", "@Stack(repeat = 2) Plain body;",
        "@Stack field 'body' has type Plain, which is not a @ResidualBlock; annotate Plain with @ResidualBlock or stack a block class"));
  }

  @Test
  void stackOfATypeNoOneCanAnnotateIsToldToUseABlockClass() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Stack(repeat = 2) int body;
          @Stack(repeat = 2) String words;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertDiagnostics(compile(net),
        error("Net.java", "@Stack(repeat = 2) int body;",
            "@Stack field 'body' has type int, which cannot be a block; declare the field with a @ResidualBlock class as its type"),
        error("Net.java", "@Stack(repeat = 2) String words;",
            "@Stack field 'words' has type java.lang.String, which cannot be a block; declare the field with a @ResidualBlock class as its type"));
  }

  // ---- sizes and counts -------------------------------------------------------------------------

  @Test
  void nonPositiveUnits() {
    JavaFileObject net = network("""
        @Network(inputs = 4, outputs = 2)
        public class Net {
          @Dense(units = 0) Layer stem;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertDiagnostics(compile(net), error("Net.java", "@Dense(units = 0) Layer stem;",
        "layer 'stem' has units = 0; a layer needs at least one unit"));
  }

  @Test
  void nonPositiveInputsAndOutputs() {
    JavaFileObject net = network("""
        @Network(inputs = -1,
            outputs = 0)
        public class Net {
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertDiagnostics(compile(net),
        error("Net.java", "@Network(inputs = -1,", "inputs = -1; the network needs at least one input"),
        error("Net.java", "outputs = 0)", "outputs = 0; the network needs at least one output"));
  }

  @Test
  void nonPositiveEmptyAndDuplicateRepeats() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Stack(repeat = {0}) Block a;
          @Stack(repeat = {}) Block b;
          @Stack(repeat = {3, 3}) Block c;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertDiagnostics(compile(net),
        error("Net.java", "@Stack(repeat = {0}) Block a;", "@Stack 'a' has repeat 0; stack at least one block"),
        error("Net.java", "@Stack(repeat = {}) Block b;", "@Stack 'b' lists no repeat count; write repeat = N with N ≥ 1"),
        error("Net.java", "@Stack(repeat = {3, 3}) Block c;", "@Stack 'c' lists repeat 3 twice; list each depth once"));
  }

  @Test
  void stacksThatVaryListAsManyCounts() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Stack(repeat = {1, 2}) Block a;
          @Stack(repeat = {3, 4, 5}) Block b;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertDiagnostics(compile(net), error("Net.java", "@Stack(repeat = {3, 4, 5}) Block b;",
        "stacks 'a' (2 counts) and 'b' (3 counts) both list several repeat counts; stacks that vary do so together,"
            + " one count per network, so list as many in each (or a single count)"));
  }

  @Test
  void stacksThatListAsManyCountsVaryTogether() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Stack(repeat = {1, 2}) Block a;
          @Stack(repeat = {3, 4}) Block b;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    Compilation c = compile(net);
    assertDiagnostics(c);
    // (1 + 3) and (2 + 4) blocks of two layers, and the head.
    assertEquals(2, c.generatedSourceFiles().stream().filter(f -> f.getName().matches(".*ResidualNet(9|13)\\.java")).count());
  }

  @Test
  void noVariants() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2,
            variants = {})
        public class Net {
          @Stack(repeat = 1) Block body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    Compilation c = compile(net);
    assertDiagnostics(c, error("Net.java", "variants = {})",
        "@Network Net lists no variants; list Variant.RESIDUAL, Variant.PLAIN or both"));
  }

  @Test
  void networkWithNoLayers() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
        }
        """);
    assertDiagnostics(compile(net), error("Net.java", "@Network(inputs = 8, outputs = 2)",
        "@Network Net has no layers; add layer or @Stack fields, in forward order"));
  }

  @Test
  void blockWithNoLayers() {
    JavaFileObject empty = source("Empty", """
        @ResidualBlock
        public class Empty {
        }
        """);
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Stack(repeat = 2) Empty body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertDiagnostics(compile(empty, net), error("Empty.java", "@ResidualBlock",
        "@ResidualBlock Empty has no layers; add the layer fields of its main path"));
  }

  @Test
  void blockEndingWithAStack() {
    JavaFileObject outer = source("Outer", """
        @ResidualBlock
        public class Outer {
          @Dense(units = 8) Layer fc;
          @Stack(repeat = 1) Block inner;
        }
        """);
    assertDiagnostics(compile(outer), error("Outer.java", "@Stack(repeat = 1) Block inner;",
        "@ResidualBlock Outer ends with the stack 'inner'; end its main path with a @Dense layer, whose linear output the shortcut joins"));
  }

  @Test
  void blockThatStacksItselfThroughAnother() {
    JavaFileObject a = source("A", """
        @ResidualBlock
        public class A {
          @Stack(repeat = 1) B b;
          @Dense(units = 8) Layer fc;
        }
        """);
    JavaFileObject b = source("B", """
        @ResidualBlock
        public class B {
          @Stack(repeat = 1) A a;
          @Dense(units = 8) Layer fc;
        }
        """);
    assertDiagnostics(compile(a, b),
        error("B.java", "@Stack(repeat = 1) A a;",
            "block A contains itself: A → B → A; a block cannot stack itself, directly or through another block"),
        error("A.java", "@Stack(repeat = 1) B b;",
            "block B contains itself: B → A → B; a block cannot stack itself, directly or through another block"));
  }

  @Test
  void everyBlockIsCheckedWholeEvenWhenNoNetworkUsesIt() {
    JavaFileObject unused = source("Unused", """
        @ResidualBlock
        public class Unused {
          @Dense(units = -4096) Layer fc1;
          @Stack(repeat = -2) Block inner;
          @Stack(repeat = {1, 2}) Block a;
          @Stack(repeat = {3, 4, 5}) Block b;
          @Dense(units = 8) Layer fc2;
        }
        """);
    JavaFileObject empty = source("Empty", """
        @ResidualBlock
        public class Empty {
        }
        """);
    assertDiagnostics(compile(unused, empty),
        error("Unused.java", "@Dense(units = -4096) Layer fc1;",
            "layer 'fc1' has units = -4096; a layer needs at least one unit"),
        error("Unused.java", "@Stack(repeat = -2) Block inner;", "@Stack 'inner' has repeat -2; stack at least one block"),
        error("Unused.java", "@Stack(repeat = {3, 4, 5}) Block b;",
            "stacks 'a' (2 counts) and 'b' (3 counts) both list several repeat counts; stacks that vary do so together,"
                + " one count per network, so list as many in each (or a single count)"),
        error("Empty.java", "@ResidualBlock",
            "@ResidualBlock Empty has no layers; add the layer fields of its main path"));
  }

  @Test
  void blockWithMoreDenseLayersThanOneClassHolds() {
    StringBuilder fields = new StringBuilder();
    for (int i = 0; i < 2_049; i++) {
      fields.append("  @Dense(units = 2) Layer fc").append(i).append(";\n");
    }
    JavaFileObject longBlock = source("Long", "@ResidualBlock\npublic class Long {\n" + fields + "}\n");
    assertDiagnostics(compile(longBlock), error("Long.java", "@ResidualBlock",
        "@ResidualBlock Long has 2,049 layers in its main path; a generated class holds at most 2,048, so group them into a @Stack of smaller blocks"));
  }

  @Test
  void tooManyLayersIsRefusedBeforeAnythingIsUnrolled() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Stack(repeat = 2_000_000_000) Block body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    JavaFileObject family = source("Family", """
        @Network(inputs = 8, outputs = 2, variants = {Variant.RESIDUAL, Variant.PLAIN})
        public class Family {
          @Stack(repeat = {10_000, 20_000, 30_000}) Block body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    Compilation c = compile(net, family);
    assertDiagnostics(c,
        error("Net.java", "@Network(inputs = 8, outputs = 2)",
            "@Network Net generates 4,000,000,001 layers in all; Shortcut generates at most 100,000 per declaration (javac's time and memory grow with every layer), so lower the repeat counts"),
        error("Family.java", "@Network(inputs = 8, outputs = 2, variants = {Variant.RESIDUAL, Variant.PLAIN})",
            "@Network Family generates 240,006 layers in all; Shortcut generates at most 100,000 per declaration (javac's time and memory grow with every layer), so lower the repeat counts"));
  }

  @Test
  void sizesAreExactAndALayerTooLargeForAnArrayIsReportedAtItsUnits() {
    JavaFileObject net = network("""
        @Network(inputs = 70000, outputs = 2)
        public class Net {
          @Dense(units = 70000) Layer wide;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertDiagnostics(compile(net), error("Net.java", "@Dense(units = 70000) Layer wide;",
        "layer 'wide' has 70,000 × 70,000 = 4,900,000,000 weights; one Java array holds at most 2,147,483,639, so make it narrower"));
  }

  @Test
  void aProjectionTooLargeForAnArrayIsReportedAtItsStack() {
    JavaFileObject widen = source("Widen", """
        @ResidualBlock
        public class Widen {
          @Dense(units = 1) Layer squeeze;
          @Dense(units = 50000) Layer expand;
        }
        """);
    JavaFileObject net = network("""
        @Network(inputs = 50000, outputs = 2)
        public class Net {
          @Stack(repeat = 1) Widen up;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    // 50,000 → 1 → 50,000 fits, but W_s is 50,000 × 50,000 (AUTO would keep identity: same width).
    JavaFileObject netProjected = source("Projected", """
        @Network(inputs = 60000, outputs = 2)
        public class Projected {
          @Stack(repeat = 1) Widen up;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    Compilation c = compile(widen, net, netProjected);
    assertDiagnostics(c, error("Projected.java", "@Stack(repeat = 1) Widen up;",
        "projection shortcut of block 'up[0]' has 50,000 × 60,000 = 3,000,000,000 weights; one Java array holds at most 2,147,483,639, so make it narrower"));
  }

  @Test
  void parametersThatFitNoArrayTogether() {
    JavaFileObject net = network("""
        @Network(inputs = 40000, outputs = 2)
        public class Net {
          @Dense(units = 40000) Layer a;
          @Dense(units = 40000) Layer b;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertDiagnostics(compile(net), error("Net.java", "@Network(inputs = 40000, outputs = 2)",
        "ResidualNet has 3,200,160,002 parameters; the runtime keeps them in one Java array of at most 2,147,483,639, so make the layers narrower or fewer"));
  }

  // ---- shapes -----------------------------------------------------------------------------------

  @Test
  void identityShortcutWithUnequalWidthsShowsTheShapePath() {
    JavaFileObject wide = source("Wide", """
        @ResidualBlock(shortcut = Shortcut.IDENTITY)
        public class Wide {
          @Dense(units = 256) Layer fc1;
          @Dense(units = 64) Layer fc2;
        }
        """);
    JavaFileObject net = network("""
        @Network(inputs = 784, outputs = 10)
        public class Net {
          @Dense(units = 128) Layer stem;
          @Stack(repeat = 4) Wide body;
          @Dense(units = 10, activation = Activation.NONE) Layer head;
        }
        """);
    // Four copies, one report; the block is fed one width, so the fix is in the block.
    assertDiagnostics(compile(wide, net), error("Wide.java", "@ResidualBlock(shortcut = Shortcut.IDENTITY)",
        "identity shortcut of block 'body[0]' needs equal widths: input 128 → fc1 256 → fc2 64; use shortcut = PROJECTION or make fc2 128"));
  }

  @Test
  void identityBlockFedTwoWidthsIsToldToFixTheStackNotTheBlock() {
    JavaFileObject keep = source("Keep", """
        @ResidualBlock(shortcut = Shortcut.IDENTITY)
        public class Keep {
          @Dense(units = 8) Layer fc1;
          @Dense(units = 4) Layer fc2;
        }
        """);
    JavaFileObject net = network("""
        @Network(inputs = 4, outputs = 2)
        public class Net {
          @Stack(repeat = 2) Keep first;
          @Dense(units = 6) Layer widen;
          @Stack(repeat = 2) Keep second;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    // 'first' is fed 4 and works; making fc2 6 would break it: the fix is at 'second'.
    assertDiagnostics(compile(keep, net), error("Net.java", "@Stack(repeat = 2) Keep second;",
        "identity block Keep keeps its width only at 4 (input 6 → fc1 8 → fc2 4), but the stack 'second' feeds it 6; it is stacked at other widths elsewhere, so feed 'second' 4 values or give Keep shortcut = PROJECTION"));
  }

  @Test
  void identityBlockFedAnotherWidthByAnotherNetworkIsToldToFixTheStack() {
    JavaFileObject keep = source("Keep", """
        @ResidualBlock(shortcut = Shortcut.IDENTITY)
        public class Keep {
          @Dense(units = 8) Layer fc1;
          @Dense(units = 4) Layer fc2;
        }
        """);
    JavaFileObject good = source("Good", """
        @Network(inputs = 4, outputs = 2)
        public class Good {
          @Stack(repeat = 2) Keep body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    JavaFileObject bad = source("Bad", """
        @Network(inputs = 6, outputs = 2)
        public class Bad {
          @Stack(repeat = 2) Keep body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    // Making fc2 6 would fix Bad and break Good: the fix is at Bad's stack.
    assertDiagnostics(compile(keep, good, bad), error("Bad.java", "@Stack(repeat = 2) Keep body;",
        "identity block Keep keeps its width only at 4 (input 6 → fc1 8 → fc2 4), but the stack 'body' feeds it 6; it is stacked at other widths elsewhere, so feed 'body' 4 values or give Keep shortcut = PROJECTION"));
  }

  @Test
  void lastWidthDiffersFromOutputs() {
    JavaFileObject net = network("""
        @Network(inputs = 784, outputs = 10)
        public class Net {
          @Dense(units = 8) Layer stem;
          @Stack(repeat = {3, 5}) Block body;
          @Dense(units = 12, activation = Activation.NONE) Layer head;
        }
        """);
    // Two depths, one mistake: one report.
    assertDiagnostics(compile(net), error("Net.java", "@Dense(units = 12, activation = Activation.NONE) Layer head;",
        "the network outputs 10 but its last layer 'head' has 12 units: input 784 → stem 8 → body[0..2] 8 → head 12;"
            + " make 'head' 10 units or set outputs = 12"));
  }

  @Test
  void aSingleUnitIsAUnit() {
    JavaFileObject net = network("""
        @Network(inputs = 4, outputs = 1, loss = Loss.MEAN_SQUARED_ERROR)
        public class Net {
          @Dense(units = 3, activation = Activation.NONE) Layer head;
        }
        """);
    assertDiagnostics(compile(net), error("Net.java", "@Dense(units = 3, activation = Activation.NONE) Layer head;",
        "the network outputs 1 but its last layer 'head' has 3 units: input 4 → head 3; make 'head' 1 unit or set outputs = 3"));
  }

  @Test
  void widthMismatchComesBeforeItsConsequenceAtTheOutput() {
    JavaFileObject wide = source("Wide", """
        @ResidualBlock(shortcut = Shortcut.IDENTITY)
        public class Wide {
          @Dense(units = 256) Layer fc1;
          @Dense(units = 265) Layer fc2;
        }
        """);
    JavaFileObject net = network("""
        @Network(inputs = 784, outputs = 256, loss = Loss.MEAN_SQUARED_ERROR)
        public class Net {
          @Dense(units = 256) Layer stem;
          @Stack(repeat = 3) Wide body;
        }
        """);
    // One typo (265 for 256), two errors: the decisive one first; fixing it fixes both.
    assertDiagnostics(compile(wide, net),
        error("Wide.java", "@ResidualBlock(shortcut = Shortcut.IDENTITY)",
            "identity shortcut of block 'body[0]' needs equal widths: input 256 → fc1 256 → fc2 265; "
                + "use shortcut = PROJECTION or make fc2 256"),
        error("Wide.java", "@Dense(units = 265) Layer fc2;",
            "the network outputs 256 but its last layer 'body[2].fc2' has 265 units: input 784 → stem 256 → "
                + "body[0..2] 265; make 'body[2].fc2' 256 units or set outputs = 265"));
  }

  @Test
  void softmaxCrossEntropyWantsLogitsEvenWhenTheActivationIsTheDefault() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Dense(units = 2)
          Layer head;
        }
        """);
    // The caret is on the annotation whose (default) value is wrong, not on the field's line.
    assertDiagnostics(compile(net), error("Net.java", "@Dense(units = 2)",
        "SOFTMAX_CROSS_ENTROPY takes logits, but the last layer 'head' applies RELU; use activation = Activation.NONE"));
  }

  @Test
  void meanSquaredErrorAcceptsAnActivation() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2, loss = Loss.MEAN_SQUARED_ERROR)
        public class Net {
          @Stack(repeat = 1) Block body;
          @Dense(units = 2, activation = Activation.SIGMOID) Layer head;
        }
        """);
    assertDiagnostics(compile(net));
  }

  // ---- generated names ---------------------------------------------------------------------------

  @Test
  void twoDeclarationsThatWouldGenerateTheSameClass() {
    JavaFileObject one = network("""
        @Network(inputs = 8, outputs = 2, name = "Same")
        public class Net {
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    JavaFileObject two = source("Other", """
        @Network(inputs = 8, outputs = 2, name = "Same")
        public class Other {
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertDiagnostics(compile(one, two), error("Other.java", "@Network(inputs = 8, outputs = 2, name = \"Same\")",
        "d.Other would generate d.ResidualSame, which d.Net generates too; rename one with @Network(name = \"...\")"));
  }

  @Test
  void nestedDeclarationsOfOneNameAreToldApart() {
    JavaFileObject a = source("A", """
        public class A {
          @Network(inputs = 8, outputs = 2)
          static class Net {
            @Dense(units = 2, activation = Activation.NONE) Layer head;
          }
        }
        """);
    JavaFileObject b = source("B", """
        public class B {
          @Network(inputs = 8, outputs = 2)
          static class Net {
            @Dense(units = 2, activation = Activation.NONE) Layer head;
          }
        }
        """);
    assertDiagnostics(compile(a, b), error("B.java", "@Network(inputs = 8, outputs = 2)",
        "d.B.Net would generate d.ResidualNet, which d.A.Net generates too; rename one with @Network(name = \"...\")"));
  }

  @Test
  void aUserClassNamedLikeAGeneratedOne() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    JavaFileObject residual = source("ResidualNet", "public class ResidualNet {}\n");
    JavaFileObject family = source("OtherFamily", "public class OtherFamily {}\n");
    JavaFileObject other = source("Other", """
        @Network(inputs = 8, outputs = 2)
        public class Other {
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    Compilation c = compile(net, residual, family, other);
    assertDiagnostics(c,
        error("Net.java", "@Network(inputs = 8, outputs = 2)",
            "d.Net would generate d.ResidualNet, but the class d.ResidualNet is already declared; rename that class, or give the network another name with @Network(name = \"...\")"),
        error("Other.java", "@Network(inputs = 8, outputs = 2)",
            "d.Other would generate d.OtherFamily, but the class d.OtherFamily is already declared; rename that class, or give the network another name with @Network(name = \"...\")"));
  }

  @Test
  void networkNamesThatCannotNameAClassAreRefusedAtTheName() {
    String[][] cases = {
      {"my-net", "'-' at index 2 is not allowed", "MyNet"},
      {"1Net", "it starts with '1'", "Net"},
      {" ", "it is blank", "Net"},
      {"v2.small", "'.' at index 2 is not allowed", "V2Small"},
      {"A\u200BB", "U+200B ZERO WIDTH SPACE at index 1 is not allowed", "AB"},
    };
    for (String[] k : cases) {
      JavaFileObject net = network("""
          @Network(inputs = 8, outputs = 2,
              name = "%s")
          public class Net {
            @Dense(units = 2, activation = Activation.NONE) Layer head;
          }
          """.formatted(k[0]));
      String suggestion = k[2];
      Compilation c = compile(net);
      assertDiagnostics(c, error("Net.java", "name = \"" + k[0] + "\")", "name = \"" + k[0]
          + "\" cannot name the generated classes (" + k[1] + "): it must be a Java identifier, letters, digits and '_'"
          + " starting with a letter, such as \"" + suggestion + "\""));
    }
  }

  @Test
  void aLayerNamedShortcutInABlockWithAProjection() {
    JavaFileObject widen = source("Widen", """
        @ResidualBlock
        public class Widen {
          @Dense(units = 16) Layer fc;
          @Dense(units = 16) Layer shortcut;
        }
        """);
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Stack(repeat = 2) Widen body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    // body[0] widens 8 → 16 (a projection, whose weight is body.0.shortcut.weight); body[1] does not.
    assertDiagnostics(compile(widen, net), error("Widen.java", "@Dense(units = 16) Layer shortcut;",
        "layer 'body[0].shortcut' is named 'shortcut', but its block 'body[0]' has a projection shortcut whose"
            + " parameters are already named body.0.shortcut; rename the layer or set shortcutName"));
  }

  // ---- warnings ---------------------------------------------------------------------------------

  @Test
  void deepPlainTwinIsAWarningOnTheVariants() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2,
            variants = {Variant.RESIDUAL, Variant.PLAIN})
        public class Net {
          @Dense(units = 8) Layer stem;
          @Stack(repeat = {2, 20}) Block body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertDiagnostics(compile(net), warning("Net.java", "variants = {Variant.RESIDUAL, Variant.PLAIN})",
        "the plain twin PlainNet42 has 42 layers; plain networks this deep train worse than shallower ones (the lecture's point). Keep it for the comparison, or drop Variant.PLAIN"));
  }

  @Test
  void noShortcutsWarnsOnlyWhenAPlainTwinIsAskedFor() {
    JavaFileObject residualOnly = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Dense(units = 8) Layer stem;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    // The default variant, no blocks: nothing to say, and -Werror builds pass.
    assertDiagnostics(compileWith(List.of("-Werror"), residualOnly));

    JavaFileObject withPlain = network("""
        @Network(inputs = 8, outputs = 2,
            variants = {Variant.RESIDUAL, Variant.PLAIN})
        public class Net {
          @Dense(units = 8) Layer stem;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertDiagnostics(compile(withPlain), warning("Net.java", "variants = {Variant.RESIDUAL, Variant.PLAIN})",
        "@Network Net stacks no @ResidualBlock, so its plain twin is the same network as the residual one; drop Variant.PLAIN, or add a @Stack of blocks"));
  }

  @Test
  void warningsHonourTheSuppressionKeysOnTheElementOrAnEnclosingOne() {
    String declaration = """
        @Network(inputs = 8, outputs = 2, variants = {Variant.RESIDUAL, Variant.PLAIN})
        %s
        public static class Net {
          @Dense(units = 8) Layer stem;
          @Stack(repeat = 20) Block body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """;
    JavaFileObject all = source("Outer1", "public class Outer1 {\n"
        + declaration.formatted("@SuppressWarnings(\"shortcut\")") + "}\n");
    JavaFileObject oneKey = source("Outer2", "public class Outer2 {\n"
        + declaration.formatted("@SuppressWarnings(\"shortcut:deep-plain\")").replace("class Net", "class Net2") + "}\n");
    JavaFileObject enclosing = source("Outer3", "@SuppressWarnings({\"unchecked\", \"shortcut:deep-plain\"})\npublic class Outer3 {\n"
        + declaration.formatted("").replace("class Net", "class Net3") + "}\n");
    JavaFileObject otherKey = source("Outer4", "public class Outer4 {\n"
        + declaration.formatted("@SuppressWarnings(\"shortcut:no-shortcuts\")").replace("class Net", "class Net4") + "}\n");
    assertDiagnostics(compileWith(List.of("-Werror"), all, oneKey, enclosing));
    assertDiagnostics(compile(otherKey), warning("Outer4.java",
        "@Network(inputs = 8, outputs = 2, variants = {Variant.RESIDUAL, Variant.PLAIN})",
        "the plain twin PlainNet4 has 42 layers; plain networks this deep train worse than shallower ones (the lecture's point). Keep it for the comparison, or drop Variant.PLAIN"));
  }

  @Test
  void onRequestANoteShowsWhatEveryShortcutResolvedTo() {
    JavaFileObject wide = source("Wide", """
        @ResidualBlock
        public class Wide {
          @Dense(units = 256) Layer fc1;
          @Dense(units = 265) Layer fc2;
        }
        """);
    JavaFileObject down = source("Down", """
        @ResidualBlock(shortcut = Shortcut.PROJECTION)
        public class Down {
          @Dense(units = 128) Layer fc1;
          @Dense(units = 128) Layer fc2;
        }
        """);
    JavaFileObject net = network("""
        @Network(inputs = 784, outputs = 10, variants = {Variant.RESIDUAL, Variant.PLAIN})
        public class Net {
          @Dense(units = 256) Layer stem;
          @Stack(repeat = {3, 4}) Wide body;
          @Stack(repeat = 1) Down down;
          @Dense(units = 10, activation = Activation.NONE) Layer head;
        }
        """);
    // A typo (265 for 256) in a repeated AUTO block turns its first copy into a projection: visible here.
    String line = "@Network(inputs = 784, outputs = 10, variants = {Variant.RESIDUAL, Variant.PLAIN})";
    assertDiagnostics(compileWith(List.of("-Ashortcut.explain", "-Werror"), wide, down, net),
        note("Net.java", line, "ResidualNet10: shortcuts as resolved:\n"
            + "  body[0] (Wide) AUTO → projection 256 → 265\n"
            + "  body[1..2] (Wide) AUTO → identity 265\n"
            + "  down[0] (Down) PROJECTION → projection 265 → 128"),
        note("Net.java", line, "ResidualNet12: shortcuts as resolved:\n"
            + "  body[0] (Wide) AUTO → projection 256 → 265\n"
            + "  body[1..3] (Wide) AUTO → identity 265\n"
            + "  down[0] (Down) PROJECTION → projection 265 → 128"));
    // Without the option, nothing: notes are on request.
    assertDiagnostics(compile(wide, down, net));
  }

  @Test
  void theNoteFollowsNestedBlocks() {
    JavaFileObject outer = source("Outer", """
        @ResidualBlock
        public class Outer {
          @Stack(repeat = 2) Block inner;
          @Dense(units = 16) Layer out;
        }
        """);
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Dense(units = 8) Layer stem;
          @Stack(repeat = 2) Outer body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertDiagnostics(compileWith(List.of("-Ashortcut.explain"), outer, net),
        note("Net.java", "@Network(inputs = 8, outputs = 2)", "ResidualNet: shortcuts as resolved:\n"
            + "  body[0] (Outer) AUTO → projection 8 → 16\n"
            + "  body[0].inner[0..1] (Block) AUTO → identity 8\n"
            + "  body[1] (Outer) AUTO → identity 16\n"
            + "  body[1].inner[0] (Block) AUTO → projection 16 → 8\n"
            + "  body[1].inner[1] (Block) AUTO → identity 8"));
  }

  /**
   * A guard for the catalogue: each message's longest fixed fragment appears in an expectation of
   * these tests, so a message added without a test fails here.
   */
  @Test
  void everyMessageOfTheCatalogueIsExpectedByATest() throws java.io.IOException {
    StringBuilder tests = new StringBuilder();
    try (var files = java.nio.file.Files.walk(java.nio.file.Path.of("src/test/java"))) {
      for (java.nio.file.Path f : files.filter(p -> p.toString().endsWith("Test.java")).toList()) {
        // Literals split over lines ("…" + "…") joined again.
        tests.append(java.nio.file.Files.readString(f).replaceAll("\"\\s*\\+\\s*\"", ""));
      }
    }
    for (dev.shortcut.processor.diagnostics.Message m : dev.shortcut.processor.diagnostics.Message.values()) {
      String longest = "";
      for (String fragment : m.format(new Object[20]).split("null")) {
        if (fragment.length() > longest.length()) {
          longest = fragment;
        }
      }
      assertTrue(tests.indexOf(longest.replace("\"", "\\\"")) >= 0, m + " has no test expecting \"" + longest + "\"");
    }
  }

  // ---- what is generated --------------------------------------------------------------------------

  @Test
  void nothingIsGeneratedForADeclarationWithAnError() throws Exception {
    JavaFileObject bad = network("""
        @Network(inputs = 8, outputs = 3)
        public class Net {
          @Stack(repeat = 2) Block body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    JavaFileObject good = source("Good", """
        @Network(inputs = 8, outputs = 2)
        public class Good {
          @Stack(repeat = 2) Block body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> written = new ArrayList<>();
    StandardJavaFileManager standard = javac.getStandardFileManager(null, null, null);
    java.nio.file.Path out = java.nio.file.Files.createTempDirectory("shortcut-gen");
    standard.setLocationFromPaths(javax.tools.StandardLocation.SOURCE_OUTPUT, List.of(out));
    standard.setLocationFromPaths(javax.tools.StandardLocation.CLASS_OUTPUT, List.of(out));
    JavaFileManager recording = new ForwardingJavaFileManager<>(standard) {
      @Override
      public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
          FileObject sibling) throws java.io.IOException {
        if (kind == JavaFileObject.Kind.SOURCE) {
          written.add(className);
        }
        return super.getJavaFileForOutput(location, className, kind, sibling);
      }
    };
    JavaCompiler.CompilationTask task = javac.getTask(null, recording, d -> { }, null, null,
        List.of(JavaFileObjects.forSourceString("d.Block", BLOCK), bad, good));
    task.setProcessors(List.of(new ShortcutProcessor()));
    assertEquals(false, task.call());
    assertEquals(List.of("d.ResidualGood", "d.GoodFamily"), written);
  }
}
