package dev.shortcut.processor;

import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import javax.tools.JavaFileObject;

/** Compiles declarations with the processor in memory and loads what it generated. */
final class Compiled {
  final Compilation compilation;
  private final Map<String, byte[]> classes = new HashMap<>();
  private final ClassLoader loader;

  private Compiled(Compilation compilation) {
    this.compilation = compilation;
    for (JavaFileObject f : compilation.generatedFiles()) {
      if (f.getKind() == JavaFileObject.Kind.CLASS) {
        String name = f.toUri().getPath().replaceFirst("^/CLASS_OUTPUT/", "").replaceFirst("\\.class$", "").replace('/', '.');
        try (InputStream in = f.openInputStream()) {
          classes.put(name, in.readAllBytes());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    this.loader = new ClassLoader(Compiled.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
          throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
      }
    };
  }

  /** Compiles {@code sources} (pairs of qualified name and text) and expects success. */
  static Compiled compile(String... namesAndSources) {
    JavaFileObject[] files = new JavaFileObject[namesAndSources.length / 2];
    for (int i = 0; i < files.length; i++) {
      files[i] = JavaFileObjects.forSourceString(namesAndSources[2 * i], namesAndSources[2 * i + 1]);
    }
    Compilation c = javac().withProcessors(new ShortcutProcessor()).compile(files);
    assertEquals(Compilation.Status.SUCCESS, c.status(), () -> "compilation failed: " + c.diagnostics());
    return new Compiled(c);
  }

  /** A compilation that must have succeeded, with its classes loadable. */
  static Compiled from(Compilation c) {
    assertEquals(Compilation.Status.SUCCESS, c.status(), () -> "compilation failed: " + c.diagnostics());
    return new Compiled(c);
  }

  /** Class-file bytes of every generated and compiled class, by binary name. */
  Map<String, byte[]> classFiles() {
    return classes;
  }

  /** Loads a compiled class. */
  Class<?> loadClass(String className) throws ClassNotFoundException {
    return loader.loadClass(className);
  }

  /** Instantiates a generated network with {@code (int maxBatch, long seed)}. */
  @SuppressWarnings("unchecked")
  <T> T network(String className, int maxBatch, long seed) {
    try {
      Class<?> c = loader.loadClass(className);
      return (T) c.getConstructor(int.class, long.class).newInstance(maxBatch, seed);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot instantiate " + className, e);
    }
  }

  /** The text of a generated source file. */
  String source(String qualifiedName) {
    String path = "/SOURCE_OUTPUT/" + qualifiedName.replace('.', '/') + ".java";
    for (JavaFileObject f : compilation.generatedSourceFiles()) {
      if (f.toUri().getPath().equals(path)) {
        try {
          return f.getCharContent(true).toString();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new AssertionError("no generated source " + qualifiedName);
  }
}
