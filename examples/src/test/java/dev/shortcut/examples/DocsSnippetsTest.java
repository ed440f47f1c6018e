package dev.shortcut.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the guide from rotting: every code block in the Markdown pages that is marked
 * {@code <!-- snippet: PATH#TAG -->} must equal the region between {@code // tag::TAG[]} and
 * {@code // end::TAG[]} of that file (dedented, so that the block's fences sit at column 0), and
 * one marked {@code <!-- snippet: PATH -->} must equal the whole file. The build compiles every
 * cited file, so every marked snippet compiles as shown. A block marked
 * {@code <!-- generated: CLASS#method -->} quotes a method (with its comment) of a class the processor
 * generated, and {@code <!-- generated: CLASS#constants:BODY_3_ -->} its offset constants whose
 * names contain {@code BODY_3_}: what the pages show is what the generator emits.
 */
class DocsSnippetsTest {
  private static final Path GENERATED = MarkdownPages.ROOT.resolve("examples/target/generated-sources/annotations");
  private static final Pattern GENERATED_MARKER = Pattern.compile(
      "<!-- generated: ([\\w.]+)#(\\S+) -->[ \\t]*\\n```java\\n(.*?)^```[ \\t]*$",
      Pattern.DOTALL | Pattern.MULTILINE);
  private static final Pattern MARKER = Pattern.compile(
      "<!-- snippet: ([^#\\s]+)(?:#(\\S+))? -->[ \\t]*\\n```[a-z]*\\n(.*?)^```[ \\t]*$",
      Pattern.DOTALL | Pattern.MULTILINE);

  /** {@code -Dshortcut.updateSnippets=true} copies every cited region into its page instead. */
  private static final boolean UPDATE = Boolean.getBoolean("shortcut.updateSnippets");

  @Test
  void everyMarkedSnippetIsCompiledSource() throws IOException {
    int checked = 0;
    for (Path page : MarkdownPages.all()) {
      String markdown = Files.readString(page);
      Matcher m = MARKER.matcher(markdown);
      StringBuilder updated = new StringBuilder();
      while (m.find()) {
        Path source = MarkdownPages.ROOT.resolve(m.group(1));
        assertTrue(Files.exists(source), page + " cites a missing file " + source);
        String text = Files.readString(source);
        String expected = m.group(2) == null ? text : dedent(region(text, m.group(2), source));
        if (UPDATE) {
          m.appendReplacement(updated, Matcher.quoteReplacement(
              m.group().substring(0, m.start(3) - m.start()) + expected + "```"));
        } else {
          assertEquals(expected, m.group(3), MarkdownPages.ROOT.relativize(page) + ": snippet "
              + m.group(1) + (m.group(2) == null ? "" : "#" + m.group(2))
              + " differs from the source; run with -Dshortcut.updateSnippets=true and review the diff");
        }
        checked++;
      }
      if (UPDATE) {
        m.appendTail(updated);
        Files.writeString(page, updated.toString());
      }
    }
    assertTrue(checked >= 6, "expected the guide and README to cite compiled snippets, found " + checked);
  }

  @Test
  void everyQuotedPieceOfGeneratedCodeIsWhatTheProcessorEmits() throws IOException {
    int checked = 0;
    for (Path page : MarkdownPages.all()) {
      String markdown = Files.readString(page);
      Matcher m = GENERATED_MARKER.matcher(markdown);
      StringBuilder updated = new StringBuilder();
      while (m.find()) {
        Path source = GENERATED.resolve(m.group(1).replace('.', '/') + ".java");
        assertTrue(Files.exists(source), page + " quotes a class that was not generated: " + source);
        String expected = generatedPiece(Files.readString(source), m.group(2), source);
        if (UPDATE) {
          m.appendReplacement(updated, Matcher.quoteReplacement(
              m.group().substring(0, m.start(3) - m.start()) + expected + "```"));
        } else {
          assertEquals(expected, m.group(3), MarkdownPages.ROOT.relativize(page) + ": " + m.group(1) + "#"
              + m.group(2) + " differs from the generated source; run with -Dshortcut.updateSnippets=true and"
              + " review the diff");
        }
        checked++;
      }
      if (UPDATE) {
        m.appendTail(updated);
        Files.writeString(page, updated.toString());
      }
    }
    assertTrue(checked >= 4, "expected the walk-through to quote generated code, found " + checked);
  }

  /** A method with its comment, or the offset constants whose names contain a fragment, dedented. */
  static String generatedPiece(String source, String what, Path file) {
    List<String> lines = source.lines().toList();
    StringBuilder sb = new StringBuilder();
    if (what.startsWith("constants:")) {
      String fragment = what.substring("constants:".length());
      for (String l : lines) {
        if (l.matches("\\s*static final int \\w*" + Pattern.quote(fragment) + "\\w* = .*")) {
          sb.append(l.strip()).append('\n');
        }
      }
      assertFalse(sb.length() == 0, file + " has no constants with " + fragment);
      return sb.toString();
    }
    int at = -1;
    for (int i = 0; i < lines.size(); i++) {
      // A declaration sits at the class's indentation; calls to it are indented further.
      if (lines.get(i).matches("  [a-z][\\w<>\\[\\], ]* " + Pattern.quote(what) + "\\(.*")) {
        at = i;
        break;
      }
    }
    assertFalse(at < 0, file + " has no method " + what);
    int start = at;
    if (lines.get(at - 1).strip().equals("*/")) {
      while (!lines.get(start - 1).strip().startsWith("/**")) {
        start--;
      }
      start--;
    }
    int end = at;
    while (!lines.get(end).equals("  }")) {
      end++;
    }
    for (int i = start; i <= end; i++) {
      sb.append(lines.get(i)).append('\n');
    }
    return dedent(sb.toString());
  }

  @Test
  void theReadmeShowsTheQuickstartProjectsPomWhole() throws IOException {
    // The README's Maven set-up is the pom of quickstart/, a project without our parent POM that
    // .ci/run builds and tests on its own: the snippet a new user copies cannot rot.
    String readme = Files.readString(MarkdownPages.ROOT.resolve("README.md"));
    assertTrue(readme.contains("<!-- snippet: quickstart/pom.xml -->"), "README cites quickstart/pom.xml");
    String ci = Files.readString(MarkdownPages.ROOT.resolve(".ci/run"));
    assertTrue(ci.contains("-f quickstart/pom.xml"), ".ci/run builds the quickstart project on its own");
  }

  /** The lines between the two markers, with their common indentation removed. */
  static String region(String text, String tag, Path file) {
    String begin = "// tag::" + tag + "[]\n";
    String end = "// end::" + tag + "[]";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    assertFalse(b < 0 || e < b, file + " has no region " + tag);
    String body = text.substring(b + begin.length(), e);
    return body.substring(0, body.lastIndexOf('\n') + 1);
  }

  static String dedent(String block) {
    List<String> lines = block.lines().toList();
    int indent = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    StringBuilder sb = new StringBuilder();
    for (String l : lines) {
      sb.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
    }
    return sb.toString();
  }
}
