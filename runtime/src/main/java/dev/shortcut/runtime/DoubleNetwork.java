package dev.shortcut.runtime;

/**
 * A network of 64-bit doubles. Every array is the network's own storage, laid out once; rows are
 * samples, row-major (NHWC for images). Parameters follow {@link Architecture#parameters()}.
 */
public interface DoubleNetwork extends Network {
  /** All parameters, one array. */
  double[] parameters();

  /** Gradients, same layout as {@link #parameters()}. */
  double[] gradients();

  /** Input rows, {@code [maxBatch][inputs]}. */
  double[] input();

  /** Output rows (logits), {@code [maxBatch][outputs]}. */
  double[] output();

  /** Gradient of the loss with respect to the output, written by the loss before backward. */
  double[] outputGradient();

  /** Gradient with respect to the input, after {@code backward(batch, true)}. */
  double[] inputGradient();

  /**
   * Every batch normalization's running mean and running variance, one array laid out as {@link
   * Architecture#buffers()} says: the network's own storage, saved and loaded with the parameters,
   * never touched by an optimizer. Generated networks with batch normalization override it; the
   * default, for networks without, is empty.
   */
  default double[] buffers() {
    return new double[0];
  }
}
