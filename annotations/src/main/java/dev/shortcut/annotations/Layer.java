package dev.shortcut.annotations;

/**
 * The declared type of a layer field ({@link Dense}, {@link Conv}, {@link BatchNorm}, pooling). It
 * carries nothing: the annotation says what the layer is, and the generated network owns its
 * parameters.
 */
public final class Layer {
  private Layer() {}
}
