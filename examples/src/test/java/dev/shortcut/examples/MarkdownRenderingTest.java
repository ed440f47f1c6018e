package dev.shortcut.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Heading;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Test;

/**
 * Every page renders as its author meant: each {@code #} heading written outside a code fence is
 * a heading to a CommonMark parser too. A closing fence indented four spaces, for example, does not
 * close its block, and every heading after it would silently render as code.
 */
class MarkdownRenderingTest {
  private static final Pattern ATX = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern FENCE = Pattern.compile("^\\s*(```+|~~~+)");

  @Test
  void everyHeadingOutsideFencesRendersAsAHeading() throws IOException {
    List<Path> pages = MarkdownPages.all();
    assertTrue(pages.size() >= 6, "found only " + pages);
    Parser parser = Parser.builder().build();
    for (Path page : pages) {
      String text = Files.readString(page);
      assertEquals(intendedHeadings(text), renderedHeadings(parser, text),
          MarkdownPages.ROOT.relativize(page) + ": headings the author wrote vs headings CommonMark renders");
    }
  }

  @Test
  void aClosingFenceIndentedFourSpacesIsCaught() {
    String broken = "# Title\n\n```java\nint x;\n    ```\n\n## Next\n";
    Parser parser = Parser.builder().build();
    assertEquals(List.of("Title", "Next"), intendedHeadings(broken));
    assertEquals(List.of("Title"), renderedHeadings(parser, broken));
  }

  /** Headings by the author's intent: any line starting with a fence opens or closes code. */
  static List<String> intendedHeadings(String text) {
    List<String> headings = new ArrayList<>();
    boolean inCode = false;
    for (String line : text.lines().toList()) {
      if (FENCE.matcher(line).find()) {
        inCode = !inCode;
        continue;
      }
      var m = ATX.matcher(line);
      if (!inCode && m.matches()) {
        headings.add(m.group(2).replaceAll("[`*]", ""));
      }
    }
    return headings;
  }

  static List<String> renderedHeadings(Parser parser, String text) {
    List<String> headings = new ArrayList<>();
    parser.parse(text).accept(new AbstractVisitor() {
      @Override
      public void visit(Heading heading) {
        StringBuilder sb = new StringBuilder();
        heading.accept(new AbstractVisitor() {
          @Override
          public void visit(Text t) {
            sb.append(t.getLiteral());
          }

          @Override
          public void visit(org.commonmark.node.Code c) {
            sb.append(c.getLiteral());
          }
        });
        headings.add(sb.toString().replaceAll("[`*]", ""));
      }
    });
    return headings;
  }
}
