package dev.shortcut.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 6: a declaration in a named module compiles whether or not the module reads
 * {@code java.compiler}. {@code @Generated} lives there; the generated classes carry it only where
 * the module can see it, instead of failing with "package javax.annotation.processing is not
 * visible".
 */
class NamedModuleTest {
  @TempDir Path dir;

  private static final String NETWORK = """
      package com.example.m;
      import dev.shortcut.annotations.*;
      @Network(inputs = 4, outputs = 2)
      public class Net {
        @Dense(units = 8) Layer stem;
        @Dense(units = 2, activation = Activation.NONE) Layer head;
      }
      """;

  /** The runtime's module and the modules it requires, from the test class path. */
  private static String modulePath() {
    List<String> wanted = List.of("annotations", "runtime", "ejml-core", "jackson-core", "progressbar", "jline");
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> wanted.stream().anyMatch(w -> p.contains("shortcut-" + w) || p.contains(File.separator + w
            + File.separator + "target") || Path.of(p).getFileName().toString().startsWith(w + "-")))
        .collect(Collectors.joining(File.pathSeparator));
  }

  private String compile(String moduleInfo) throws IOException {
    Path src = dir.resolve("src" + moduleInfo.hashCode());
    Path out = dir.resolve("out" + moduleInfo.hashCode());
    Files.createDirectories(src.resolve("com/example/m"));
    Files.createDirectories(out);
    Files.writeString(src.resolve("module-info.java"), moduleInfo);
    Files.writeString(src.resolve("com/example/m/Net.java"), NETWORK);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    List<String> options = new ArrayList<>(List.of("--module-path", modulePath(),
        "-processorpath", System.getProperty("java.class.path"),
        "-processor", ShortcutProcessor.class.getName(), "-d", out.toString(), "-s", out.toString(),
        "-Xlint:-options"));
    List<String> files = List.of(src.resolve("module-info.java").toString(), src.resolve("com/example/m/Net.java")
        .toString());
    boolean ok = javac.getTask(diagnostics, null, null, options, null,
        javac.getStandardFileManager(null, null, null).getJavaFileObjectsFromStrings(files)).call();
    assertTrue(ok, "compilation failed:\n" + diagnostics + "\nmodule path: " + modulePath());
    assertTrue(Files.exists(out.resolve("com/example/m/ResidualNet.class")));
    return Files.readString(out.resolve("com/example/m/ResidualNet.java"))
        + Files.readString(out.resolve("com/example/m/NetFamily.java"));
  }

  @Test
  void aModuleThatDoesNotReadJavaCompilerGetsClassesWithoutGenerated() throws IOException {
    String generated = compile("module com.example.m { requires dev.shortcut.runtime; }");
    assertFalse(generated.contains("@Generated"), generated.lines().limit(30).collect(Collectors.joining("\n")));
  }

  @Test
  void aModuleThatReadsJavaCompilerKeepsGenerated() throws IOException {
    String generated = compile("module com.example.m { requires dev.shortcut.runtime; requires static java.compiler; }");
    assertEquals(2, generated.split("@Generated\\(\"dev.shortcut.processor.ShortcutProcessor\"\\)", -1).length - 1);
  }
}
