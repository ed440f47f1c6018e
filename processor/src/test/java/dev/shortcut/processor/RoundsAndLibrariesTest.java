package dev.shortcut.processor;

import static com.google.testing.compile.Compiler.javac;
import static dev.shortcut.processor.DiagnosticsTest.source;
import static dev.shortcut.processor.Expected.assertDiagnostics;
import static dev.shortcut.processor.Expected.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.shortcut.runtime.FloatNetwork;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Declarations that depend on what is not in the sources yet: a type another processor generates
 * in a later round, a type that does not exist at all, a value javac cannot resolve, and blocks
 * compiled elsewhere (a library on the classpath).
 */
class RoundsAndLibrariesTest {

  /** Writes {@code d.Gen}, a block, in its first round, as a second processor would. */
  static final class GeneratesABlock extends AbstractProcessor {
    private boolean done;

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      if (!done) {
        done = true;
        try (Writer w = processingEnv.getFiler().createSourceFile("d.Gen").openWriter()) {
          w.write("""
              package d;
              import dev.shortcut.annotations.*;
              @ResidualBlock
              public class Gen {
                @Dense(units = 8) Layer fc1;
                @Dense(units = 8) Layer fc2;
              }
              """);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return false;
    }
  }

  @Test
  void aStackOfATypeGeneratedInALaterRoundWaitsForIt() {
    JavaFileObject net = source("Net", """
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Dense(units = 8) Layer stem;
          @Stack(repeat = 2) Gen body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    Compilation c = javac().withProcessors(new ShortcutProcessor(), new GeneratesABlock()).compile(net);
    assertDiagnostics(c);
    FloatNetwork n = Compiled.from(c).network("d.ResidualNet", 2, 1);
    assertEquals(6, n.architecture().layerCount());
  }

  @Test
  void aStackOfATypeThatNeverAppearsIsLeftToJavac() {
    JavaFileObject net = source("Net", """
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Dense(units = 8) Layer stem;
          @Stack(repeat = 2) Blokc body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    JavaFileObject block = source("Outer", """
        @ResidualBlock
        public class Outer {
          @Stack(repeat = 1) Missing inner;
          @Dense(units = 8) Layr fc;
        }
        """);
    Compilation c = javac().withProcessors(new ShortcutProcessor()).compile(net, block);
    // javac's own errors only: no "not a @ResidualBlock", no "has type Layr", no shape guesses.
    assertDiagnostics(c,
        error("Net.java", "@Stack(repeat = 2) Blokc body;",
            "cannot find symbol\n  symbol:   class Blokc\n  location: class d.Net"),
        error("Outer.java", "@Stack(repeat = 1) Missing inner;",
            "cannot find symbol\n  symbol:   class Missing\n  location: class d.Outer"),
        error("Outer.java", "@Dense(units = 8) Layr fc;",
            "cannot find symbol\n  symbol:   class Layr\n  location: class d.Outer"));
  }

  @Test
  void valuesJavacCannotResolveAreLeftToJavac() {
    JavaFileObject net = source("Net", """
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Dense(units = SIZE) Layer stem;
          @Dense
          Layer middle;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    Compilation c = javac().withProcessors(new ShortcutProcessor()).compile(net);
    List<Expected> all = Expected.of(c);
    // Both are javac's own errors, which JDK 17 and JDK 25 report in different orders.
    assertEquals(2, all.size(), all::toString);
    assertEquals(java.util.Set.of(
        error("Net.java", "@Dense(units = SIZE) Layer stem;",
            "cannot find symbol\n  symbol:   variable SIZE\n  location: class d.Net"),
        error("Net.java", "@Dense", "annotation @dev.shortcut.annotations.Dense is missing a default value for the element 'units'")),
        java.util.Set.copyOf(all));
  }

  // ---- blocks compiled elsewhere --------------------------------------------------------------------

  /** Compiles {@code sources} without any processor into {@code dir}: a library built elsewhere. */
  private static File library(Path dir, JavaFileObject... sources) {
    Compilation lib = javac().withOptions("-proc:none", "-d", dir.toString()).compile(sources);
    assertEquals(Compilation.Status.SUCCESS, lib.status(), () -> lib.diagnostics().toString());
    for (JavaFileObject f : lib.generatedFiles()) {
      if (f.getKind() == JavaFileObject.Kind.CLASS) {
        String name = f.toUri().getPath().replaceFirst("^/CLASS_OUTPUT/", "");
        try (var in = f.openInputStream()) {
          Path target = dir.resolve(name);
          Files.createDirectories(target.getParent());
          Files.write(target, in.readAllBytes());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return dir.toFile();
  }

  private static List<File> classpathWith(File library) {
    List<File> path = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      path.add(new File(entry));
    }
    path.add(library);
    return path;
  }

  @Test
  void errorsInALibraryBlockAreReportedAtTheStackThatUsesItNamingTheLibraryClass(@TempDir Path dir) {
    File lib = library(dir,
        JavaFileObjects.forSourceString("lib.Bad", """
            package lib;
            import dev.shortcut.annotations.*;
            @ResidualBlock
            public class Bad {
              @Dense(units = -4096) Layer fc1;
              @Dense(units = 8) Layer fc2;
            }
            """),
        JavaFileObjects.forSourceString("lib.Empty", """
            package lib;
            import dev.shortcut.annotations.*;
            @ResidualBlock
            public class Empty {
            }
            """),
        JavaFileObjects.forSourceString("lib.Narrow", """
            package lib;
            import dev.shortcut.annotations.*;
            @ResidualBlock(shortcut = Shortcut.IDENTITY)
            public class Narrow {
              @Dense(units = 8) Layer fc1;
              @Dense(units = 4) Layer fc2;
            }
            """));
    JavaFileObject net = source("Net", """
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Stack(repeat = 2) lib.Bad bad;
          @Stack(repeat = 1) lib.Empty empty;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    JavaFileObject widths = source("Widths", """
        @Network(inputs = 8, outputs = 2)
        public class Widths {
          @Stack(repeat = 2) lib.Narrow body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    Compilation c = javac().withProcessors(new ShortcutProcessor()).withClasspath(classpathWith(lib))
        .compile(net, widths);
    assertDiagnostics(c,
        error("Net.java", "@Stack(repeat = 2) lib.Bad bad;", "in lib.Bad (compiled elsewhere, used here): "
            + "layer 'fc1' has units = -4096; a layer needs at least one unit"),
        error("Net.java", "@Stack(repeat = 1) lib.Empty empty;", "in lib.Empty (compiled elsewhere, used here): "
            + "@ResidualBlock Empty has no layers; add the layer fields of its main path"),
        error("Widths.java", "@Stack(repeat = 2) lib.Narrow body;",
            "identity block Narrow, compiled elsewhere, keeps its width only at 4 (input 8 → fc1 8 → fc2 4), but the "
                + "stack 'body' feeds it 8; feed 'body' 4 values, or stack a block with shortcut = PROJECTION"));
  }

  @Test
  void aGoodLibraryBlockIsStackedLikeAnyOther(@TempDir Path dir) {
    File lib = library(dir, JavaFileObjects.forSourceString("lib.Pair", """
        package lib;
        import dev.shortcut.annotations.*;
        @ResidualBlock
        public class Pair {
          @Dense(units = 8) Layer fc1;
          @Dense(units = 8) Layer fc2;
        }
        """));
    JavaFileObject net = source("Net", """
        @Network(inputs = 8, outputs = 2)
        public class Net {
          @Dense(units = 8) Layer stem;
          @Stack(repeat = 3) lib.Pair body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    Compilation c = javac().withProcessors(new ShortcutProcessor()).withClasspath(classpathWith(lib)).compile(net);
    assertDiagnostics(c);
    assertTrue(c.generatedSourceFile("d.ResidualNet").isPresent());
  }
}
