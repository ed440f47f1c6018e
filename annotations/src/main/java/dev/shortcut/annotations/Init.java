package dev.shortcut.annotations;

/** Weight initialization schemes. Biases always start at zero. */
public enum Init {
  /** He normal for ReLU-like activations, Xavier normal otherwise. */
  AUTO,
  /** Normal with standard deviation {@code sqrt(2 / fanIn)} (He, Kaiming). */
  HE_NORMAL,
  /** Uniform in {@code ±sqrt(6 / fanIn)}. */
  HE_UNIFORM,
  /** Normal with standard deviation {@code sqrt(2 / (fanIn + fanOut))} (Glorot). */
  XAVIER_NORMAL,
  /** Uniform in {@code ±sqrt(6 / (fanIn + fanOut))}. */
  XAVIER_UNIFORM,
  /** All zeros. */
  ZERO
}
