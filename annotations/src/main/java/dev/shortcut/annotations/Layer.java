package dev.shortcut.annotations;

/**
 * The declared type of a {@link Dense} field. It carries nothing: the annotation says what the
 * layer is, and the generated network owns its parameters.
 */
public final class Layer {
  private Layer() {}
}
