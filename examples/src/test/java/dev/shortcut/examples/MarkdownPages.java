package dev.shortcut.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Every Markdown page of the repository, outside build output. */
final class MarkdownPages {
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  private MarkdownPages() {}

  static List<Path> all() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT)) {
      return files.filter(p -> p.toString().endsWith(".md"))
          .filter(p -> {
            Path rel = ROOT.relativize(p);
            for (Path part : rel) {
              String s = part.toString();
              if (s.startsWith("target") || s.startsWith(".") || s.equals("node_modules")) {
                return false;
              }
            }
            return true;
          })
          .sorted()
          .toList();
    }
  }
}
