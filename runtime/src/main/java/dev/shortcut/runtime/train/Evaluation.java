package dev.shortcut.runtime.train;

/** Mean loss and accuracy of a network over a whole dataset. */
public record Evaluation(double loss, double accuracy, int samples) {
  /** {@code 1 − accuracy}. */
  public double error() {
    return 1 - accuracy;
  }
}
