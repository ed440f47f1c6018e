package dev.shortcut.annotations;

/** Whether a convolution adds a per-channel bias. */
public enum Bias {
  /** A bias unless a {@link BatchNorm} follows, whose shift β makes it redundant (torchvision's choice). */
  AUTO,
  /** Always a bias. */
  YES,
  /** Never a bias. */
  NO
}
