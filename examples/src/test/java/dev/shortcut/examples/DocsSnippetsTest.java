package dev.shortcut.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the guide from rotting: every code block in {@code docs/} and the README that is marked
 * {@code <!-- snippet: PATH#TAG -->} must equal the region between {@code // tag::TAG[]} and
 * {@code // end::TAG[]} of that file, which the build compiles.
 */
class DocsSnippetsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Pattern MARKER =
      Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->\\s*\\n```java\\n(.*?)```", Pattern.DOTALL);

  @Test
  void everyMarkedSnippetIsCompiledSource() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
    }
    int checked = 0;
    for (Path page : pages) {
      Matcher m = MARKER.matcher(Files.readString(page));
      while (m.find()) {
        Path source = ROOT.resolve(m.group(1));
        assertTrue(Files.exists(source), page + " cites a missing file " + source);
        String expected = region(Files.readString(source), m.group(2), source);
        assertEquals(expected, m.group(3), page.getFileName() + ": snippet " + m.group(2)
            + " differs from " + m.group(1) + "; copy the tagged region again");
        checked++;
      }
    }
    assertTrue(checked >= 3, "expected the guide and README to cite compiled snippets, found " + checked);
  }

  private static String region(String text, String tag, Path file) {
    String begin = "// tag::" + tag + "[]\n";
    String end = "// end::" + tag + "[]";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    assertFalse(b < 0 || e < b, file + " has no region " + tag);
    return text.substring(b + begin.length(), e);
  }
}
