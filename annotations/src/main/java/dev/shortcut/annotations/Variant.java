package dev.shortcut.annotations;

/** The two networks the lecture compares. */
public enum Variant {
  /** The declared network, with its shortcuts. */
  RESIDUAL,
  /** The same stack with every shortcut removed. */
  PLAIN
}
