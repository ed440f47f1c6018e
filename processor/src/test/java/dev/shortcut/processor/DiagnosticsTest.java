package dev.shortcut.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
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
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * One test per diagnostic: the message, the file and the line it points at, and that nothing is
 * generated for a declaration with an error.
 */
class DiagnosticsTest {
  private static final String BLOCK = """
      package d;
      import dev.shortcut.annotations.*;
      @ResidualBlock
      public class Block {
        @Dense(units = 8) Layer fc1;
        @Dense(units = 8) Layer fc2;
      }
      """;

  private static JavaFileObject network(String body) {
    return JavaFileObjects.forSourceString("d.Net", """
        package d;
        import dev.shortcut.annotations.*;
        """ + body);
  }

  private static Compilation compile(JavaFileObject... files) {
    JavaFileObject[] all = new JavaFileObject[files.length + 1];
    all[0] = JavaFileObjects.forSourceString("d.Block", BLOCK);
    System.arraycopy(files, 0, all, 1, files.length);
    return javac().withProcessors(new ShortcutProcessor()).compile(all);
  }

  private static void assertErrorAt(Compilation c, JavaFileObject file, String message, String line) {
    assertThat(c).failed();
    assertThat(c).hadErrorContaining(message).inFile(file).onLineContaining(line);
    for (Diagnostic<?> d : c.errors()) {
      assertTrue(!d.getMessage(null).contains("cannot find symbol"), "no cascade: " + d.getMessage(null));
    }
  }

  @Test
  void identityShortcutWithUnequalWidthsShowsTheShapePath() {
    JavaFileObject wide = JavaFileObjects.forSourceString("d.Wide", """
        package d;
        import dev.shortcut.annotations.*;
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
    Compilation c = compile(wide, net);
    assertErrorAt(c, wide, "identity shortcut of block 'body[0]' needs equal widths: input 128 → fc1 256 → fc2 64;"
        + " use shortcut = PROJECTION or make fc2 128", "shortcut = Shortcut.IDENTITY");
    assertEquals(1, c.errors().size(), "four copies, one report: " + c.errors());
  }

  @Test
  void nonPositiveUnits() {
    JavaFileObject net = network("""
        @Network(inputs = 4, outputs = 2)
        public class Net {
          @Dense(units = 0) Layer stem;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertErrorAt(compile(net), net, "layer 'stem' has units = 0; a layer needs at least one unit", "units = 0");
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
    Compilation c = compile(net);
    assertErrorAt(c, net, "inputs = -1; the network needs at least one input", "inputs = -1");
    assertThat(c).hadErrorContaining("outputs = 0").inFile(net).onLineContaining("outputs = 0");
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
    Compilation c = compile(net);
    assertErrorAt(c, net, "@Stack 'a' has repeat 0; stack at least one block", "repeat = {0}");
    assertThat(c).hadErrorContaining("@Stack 'b' lists no repeat count").inFile(net).onLineContaining("repeat = {}");
    assertThat(c).hadErrorContaining("@Stack 'c' lists repeat 3 twice").inFile(net).onLineContaining("repeat = {3, 3}");
  }

  @Test
  void stackOfATypeThatIsNotABlock() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Stack(repeat = 2) String body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertErrorAt(compile(net), net, "@Stack field 'body' has type String, which is not a @ResidualBlock", "String body");
  }

  @Test
  void blockWithNoLayers() {
    JavaFileObject empty = JavaFileObjects.forSourceString("d.Empty", """
        package d;
        import dev.shortcut.annotations.*;
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
    assertErrorAt(compile(empty, net), empty, "@ResidualBlock Empty has no layers", "public class Empty");
  }

  @Test
  void blockEndingWithAStack() {
    JavaFileObject outer = JavaFileObjects.forSourceString("d.Outer", """
        package d;
        import dev.shortcut.annotations.*;
        @ResidualBlock
        public class Outer {
          @Dense(units = 8) Layer fc;
          @Stack(repeat = 1) Block inner;
        }
        """);
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Stack(repeat = 1) Outer body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertErrorAt(compile(outer, net), outer, "@ResidualBlock Outer ends with the stack 'inner'", "Block inner");
  }

  @Test
  void networkWithNoLayers() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
        }
        """);
    assertErrorAt(compile(net), net, "@Network Net has no layers", "public class Net");
  }

  @Test
  void lastWidthDiffersFromOutputs() {
    JavaFileObject net = network("""
        @Network(inputs = 784, outputs = 10)
        public class Net {
          @Dense(units = 8) Layer stem;
          @Stack(repeat = 3) Block body;
          @Dense(units = 12, activation = Activation.NONE) Layer head;
        }
        """);
    assertErrorAt(compile(net), net,
        "the network outputs 10 but its last layer 'head' has 12 units: input 784 → stem 8 → body[0..2] 8 → head 12;"
            + " make 'head' 10 units or set outputs = 12", "units = 12");
  }

  @Test
  void blockThatStacksItselfThroughAnother() {
    JavaFileObject a = JavaFileObjects.forSourceString("d.A", """
        package d;
        import dev.shortcut.annotations.*;
        @ResidualBlock
        public class A {
          @Stack(repeat = 1) B b;
          @Dense(units = 8) Layer fc;
        }
        """);
    JavaFileObject b = JavaFileObjects.forSourceString("d.B", """
        package d;
        import dev.shortcut.annotations.*;
        @ResidualBlock
        public class B {
          @Stack(repeat = 1) A a;
          @Dense(units = 8) Layer fc;
        }
        """);
    Compilation c = compile(a, b);
    assertThat(c).failed();
    assertThat(c).hadErrorContaining("contains itself: A → B → A; a block cannot stack itself");
  }

  @Test
  void softmaxCrossEntropyWantsLogits() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Dense(units = 2, activation = Activation.RELU) Layer head;
        }
        """);
    assertErrorAt(compile(net), net,
        "SOFTMAX_CROSS_ENTROPY takes logits, but the last layer 'head' applies RELU; use activation = Activation.NONE",
        "Activation.RELU");
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
    assertThat(compile(net)).succeeded();
  }

  @Test
  void annotationsOnElementsOfTheWrongKind() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public interface Net {
        }
        """);
    assertErrorAt(compile(net), net, "@Network belongs on a class, not on interface Net", "interface Net");

    JavaFileObject wrongType = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Dense(units = 2, activation = Activation.NONE) int head;
        }
        """);
    assertErrorAt(compile(wrongType), wrongType, "@Dense field 'head' has type int; declare it as dev.shortcut.annotations.Layer",
        "int head");

    JavaFileObject statics = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Dense(units = 2, activation = Activation.NONE) static Layer head;
        }
        """);
    assertErrorAt(compile(statics), statics, "layer field 'head' is static", "static Layer head");

    JavaFileObject stray = network("""
        public class Net {
          @Dense(units = 2) Layer head;
        }
        """);
    assertErrorAt(compile(stray), stray, "@Dense field 'head' is in Net, which is neither a @Network nor a @ResidualBlock",
        "Layer head");

    JavaFileObject both = network("""
        @Network(inputs = 8, outputs = 2)
        @ResidualBlock
        public class Net {
          @Dense(units = 2, activation = Activation.NONE) @Stack(repeat = 1) Layer head;
        }
        """);
    Compilation c = compile(both);
    assertErrorAt(c, both, "class Net is both a @Network and a @ResidualBlock", "public class Net");
    assertThat(c).hadErrorContaining("field 'head' is both @Dense and @Stack").inFile(both).onLineContaining("Layer head");
  }

  @Test
  void twoDeclarationsThatWouldGenerateTheSameClass() {
    JavaFileObject one = network("""
        @Network(inputs = 8, outputs = 2, name = "Same")
        public class Net {
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    JavaFileObject two = JavaFileObjects.forSourceString("d.Other", """
        package d;
        import dev.shortcut.annotations.*;
        @Network(inputs = 8, outputs = 2, name = "Same")
        public class Other {
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    Compilation c = javac().withProcessors(new ShortcutProcessor()).compile(one, two);
    assertThat(c).failed();
    assertThat(c).hadErrorContaining("would generate d.ResidualSame, which Net generates too; rename one with "
        + "@Network(name = \"...\")").inFile(two).onLineContaining("public class Other");
  }

  @Test
  void onlyOneStackMayVary() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Stack(repeat = {1, 2}) Block a;
          @Stack(repeat = {3, 4}) Block b;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    assertErrorAt(compile(net), net, "stacks 'a' and 'b' both list several repeat counts", "repeat = {3, 4}");
  }

  @Test
  void deepPlainTwinIsAWarningOnly() {
    JavaFileObject net = network("""
        @Network(inputs = 8, outputs = 2, variants = {Variant.RESIDUAL, Variant.PLAIN})
        public class Net {
          @Dense(units = 8) Layer stem;
          @Stack(repeat = {2, 20}) Block body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    Compilation c = compile(net);
    assertThat(c).succeeded();
    assertThat(c).hadWarningContaining("the plain twin PlainNet42 has 42 layers; plain networks this deep train worse")
        .inFile(net).onLineContaining("public class Net");
    assertEquals(1, c.warnings().stream().filter(w -> w.getMessage(null).contains("plain twin")).count());
  }

  @Test
  void nothingIsGeneratedForADeclarationWithAnError() throws Exception {
    JavaFileObject bad = network("""
        @Network(inputs = 8, outputs = 3)
        public class Net {
          @Stack(repeat = 2) Block body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    JavaFileObject good = JavaFileObjects.forSourceString("d.Good", """
        package d;
        import dev.shortcut.annotations.*;
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
