package dev.shortcut.runtime;

/** How a block's input reaches its addition, once the processor has resolved the declaration. */
public enum ShortcutKind {
  /** No shortcut: the block of a plain twin. */
  NONE,
  /** {@code a[l]} added unchanged. */
  IDENTITY,
  /** {@code W_s a[l]} added; {@code W_s} is a parameter named {@code <block>.shortcut.weight}. */
  PROJECTION
}
