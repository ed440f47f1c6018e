package dev.shortcut.annotations;

/** Element type of a generated network. */
public enum Precision {
  /** 32-bit floats: the fast default. */
  FLOAT,
  /** 64-bit doubles: for verification and gradient checks. */
  DOUBLE
}
