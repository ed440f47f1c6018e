package dev.shortcut.examples.experiment;

import java.util.List;
import java.util.Locale;

/** The few JSON forms the results files need; no dependency for a writer this small. */
final class Json {
  private Json() {}

  static String string(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  static String number(double d) {
    if (!Double.isFinite(d)) {
      return "null"; // JSON has no NaN; a diverged run reads as missing, not as a number
    }
    return String.format(Locale.ROOT, "%.6g", d).replaceFirst("\\.?0+(e|$)", "$1");
  }

  /** A number that reads back to the same double ({@code null} for NaN and infinities). */
  static String exact(double d) {
    return Double.isFinite(d) ? Double.toString(d) : "null";
  }

  static String exactNumbers(List<Double> values) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(exact(values.get(i)));
    }
    return sb.append(']').toString();
  }

  static String numbers(List<Double> values) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(number(values.get(i)));
    }
    return sb.append(']').toString();
  }

  static String records(List<RunRecord> runs) {
    StringBuilder sb = new StringBuilder("[\n");
    for (int i = 0; i < runs.size(); i++) {
      sb.append("  ").append(runs.get(i).toJson()).append(i + 1 < runs.size() ? ",\n" : "\n");
    }
    return sb.append("]\n").toString();
  }
}
