package dev.shortcut.annotations;

/** Training losses. */
public enum Loss {
  /** Softmax followed by cross-entropy; the last layer must output logits (no activation). */
  SOFTMAX_CROSS_ENTROPY,
  /** Mean squared error against a target vector. */
  MEAN_SQUARED_ERROR
}
