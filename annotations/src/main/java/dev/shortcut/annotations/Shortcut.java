package dev.shortcut.annotations;

/** How a residual block's input reaches the addition before the last activation. */
public enum Shortcut {
  /** {@link #IDENTITY} when the block's input and output widths match, else {@link #PROJECTION}. */
  AUTO,
  /** {@code a[l]} unchanged; the widths must match. */
  IDENTITY,
  /** A learned linear map {@code W_s a[l]} (no bias), as in the ResNet paper. */
  PROJECTION
}
