package dev.shortcut.runtime;

/**
 * A network of 32-bit floats. Every array is the network's own storage, laid out once; rows are
 * samples, row-major (NHWC for images). Parameters follow {@link Architecture#parameters()}.
 */
public interface FloatNetwork extends Network {
  /** All parameters, one array. */
  float[] parameters();

  /** Gradients, same layout as {@link #parameters()}. */
  float[] gradients();

  /** Input rows, {@code [maxBatch][inputs]}. */
  float[] input();

  /** Output rows (logits), {@code [maxBatch][outputs]}. */
  float[] output();

  /** Gradient of the loss with respect to the output, written by the loss before backward. */
  float[] outputGradient();

  /** Gradient with respect to the input, after {@code backward(batch, true)}. */
  float[] inputGradient();

  /**
   * Every batch normalization's running mean and running variance, one array laid out as {@link
   * Architecture#buffers()} says: the network's own storage, saved and loaded with the parameters,
   * never touched by an optimizer. Generated networks with batch normalization override it; the
   * default, for networks without, is empty.
   */
  default float[] buffers() {
    return new float[0];
  }
}
