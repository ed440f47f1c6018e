package dev.shortcut.processor.diagnostics;

import dev.shortcut.processor.diagnostics.Origin;
import java.util.ArrayList;
import java.util.List;

/** Collects diagnostics; the adapter forwards them to javac, tests read them. */
public final class Diagnostics {

  /** One reported problem. */
  public record Diagnostic(Message message, Origin origin, String text) {}

  private final List<Diagnostic> reported = new ArrayList<>();

  /** Records {@code message} at {@code origin}; identical reports are kept once. */
  public void report(Message message, Origin origin, Object... args) {
    add(new Diagnostic(message, origin, message.format(args)));
  }

  /**
   * Records {@code message} at {@code origin} unless that message is already there: one fault in
   * a depth family (whose traces differ from depth to depth) is one diagnostic, the first model's.
   */
  public void reportOnce(Message message, Origin origin, Object... args) {
    for (Diagnostic d : reported) {
      if (d.message() == message && d.origin().equals(origin)) {
        return;
      }
    }
    report(message, origin, args);
  }

  /** Records an already formatted diagnostic, unless an identical one is already here. */
  public void add(Diagnostic d) {
    if (!reported.contains(d)) {
      reported.add(d);
    }
  }

  /** Everything reported so far, in order. */
  public List<Diagnostic> all() {
    return List.copyOf(reported);
  }

  /** Number of errors (not warnings or notes) so far. */
  public int errorCount() {
    return (int) reported.stream().filter(d -> d.message().kind() == Message.Kind.ERROR).count();
  }
}
