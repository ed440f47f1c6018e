package dev.shortcut.processor.writing;

import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The Java identifiers of one generated file, all distinct. Names derive from layer paths, and
 * distinct legal paths can derive the same name ({@code fc} and {@code FC} both give
 * {@code FC_WEIGHT}, {@code act_x} and {@code x_weight} both give {@code ACT_X_WEIGHT}, {@code ß}
 * and {@code ss} both give {@code SS}); the first path in forward order keeps the natural name and
 * later ones get a suffix ({@code FC_2_WEIGHT}), so generated code always compiles.
 */
final class Identifiers {
  private final Set<String> taken = new HashSet<>();

  Identifiers(Collection<String> reserved) {
    taken.addAll(reserved);
  }

  /**
   * Claims the first of {@code stem}, {@code stem_2}, {@code stem_3}, … for which every name made
   * by the {@code patterns} ({@code "%s_WEIGHT"}) is still free, and returns it.
   */
  String claim(String stem, String... patterns) {
    for (int n = 1; ; n++) {
      String candidate = n == 1 ? stem : stem + "_" + n;
      boolean free = true;
      for (String p : patterns) {
        free &= !taken.contains(String.format(Locale.ROOT, p, candidate));
      }
      if (free) {
        for (String p : patterns) {
          taken.add(String.format(Locale.ROOT, p, candidate));
        }
        return candidate;
      }
    }
  }

  /** Upper-snake stem of a dotted path: {@code body.3.downSample} → {@code BODY_3_DOWN_SAMPLE}. */
  static String constantStem(String path) {
    StringBuilder sb = new StringBuilder();
    String clean = identifierChars(path);
    for (int i = 0; i < clean.length(); i++) {
      char c = clean.charAt(i);
      if (c == '.') {
        sb.append('_');
      } else if (Character.isUpperCase(c) && i > 0 && Character.isLowerCase(clean.charAt(i - 1))) {
        sb.append('_').append(c);
      } else {
        sb.append(Character.toUpperCase(c));
      }
    }
    return sb.toString().toUpperCase(Locale.ROOT);
  }

  /**
   * Camel-case stem of a dotted path, block indices after an underscore so that they stay apart
   * from the names: {@code body.3.inner.0} → {@code body_3Inner_0}, {@code layer2.0} → {@code layer2_0}.
   */
  static String methodStem(String path) {
    StringBuilder sb = new StringBuilder();
    for (String segment : identifierChars(path).split("\\.")) {
      if (segment.isEmpty()) {
        continue;
      }
      if (sb.length() > 0 && Character.isDigit(segment.charAt(0))) {
        sb.append('_').append(segment);
      } else if (sb.length() > 0) {
        sb.append(Character.toUpperCase(segment.charAt(0))).append(segment.substring(1));
      } else {
        sb.append(segment);
      }
    }
    return sb.toString();
  }

  /**
   * The path without characters javac ignores inside identifiers (a zero-width joiner): two field
   * names that differ only by them then share a stem, and {@link #claim} tells them apart.
   */
  private static String identifierChars(String path) {
    StringBuilder sb = new StringBuilder(path.length());
    path.codePoints().filter(c -> !Character.isIdentifierIgnorable(c)).forEach(sb::appendCodePoint);
    return sb.toString();
  }
}
