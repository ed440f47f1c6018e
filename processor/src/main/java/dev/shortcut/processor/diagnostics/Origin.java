package dev.shortcut.processor.diagnostics;

/**
 * Where a fact of a declaration came from: an element, and optionally the annotation and the
 * annotation value on it. Opaque to every stage but reading, which made it and reports on it.
 */
public interface Origin {
  /** Whether the fact can be fixed where it is: false for a class compiled elsewhere (a library). */
  default boolean editable() {
    return true;
  }

  /** A place for facts that come from no source, such as models built in tests. */
  Origin NOWHERE = new Origin() {
    @Override
    public String toString() {
      return "<nowhere>";
    }
  };
}
