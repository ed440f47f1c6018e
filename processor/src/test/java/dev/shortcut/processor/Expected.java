package dev.shortcut.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * One diagnostic as a test expects it: kind, file, the source line it points at (trimmed) and the
 * exact message. Tests compare the complete list of a compilation's diagnostics with these, in
 * order, so that an extra or a misplaced diagnostic fails as surely as a missing one.
 */
record Expected(String kind, String file, String line, String message) {

  static Expected error(String file, String line, String message) {
    return new Expected("ERROR", file, line, message);
  }

  static Expected warning(String file, String line, String message) {
    return new Expected("WARNING", file, line, message);
  }

  static Expected note(String file, String line, String message) {
    return new Expected("NOTE", file, line, message);
  }

  /** Every diagnostic of {@code c}, in order, as {@link Expected} values. */
  static List<Expected> of(Compilation c) {
    List<Expected> all = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : c.diagnostics()) {
      String file = "-";
      String line = "-";
      if (d.getSource() != null) {
        String name = d.getSource().getName();
        file = name.substring(name.lastIndexOf('/') + 1);
        if (d.getLineNumber() > 0) {
          try {
            line = d.getSource().getCharContent(true).toString().split("\n", -1)[(int) d.getLineNumber() - 1].trim();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
      String kind = d.getKind() == Diagnostic.Kind.MANDATORY_WARNING ? "WARNING" : d.getKind().name();
      all.add(new Expected(kind, file, line, d.getMessage(Locale.ROOT)));
    }
    return all;
  }

  /** Asserts that {@code c} reported exactly {@code expected}, in order. */
  static void assertDiagnostics(Compilation c, Expected... expected) {
    assertEquals(List.of(expected), of(c), "the complete list of diagnostics");
    boolean anyError = List.of(expected).stream().anyMatch(e -> e.kind().equals("ERROR"));
    assertEquals(anyError ? Compilation.Status.FAILURE : Compilation.Status.SUCCESS, c.status());
  }
}
