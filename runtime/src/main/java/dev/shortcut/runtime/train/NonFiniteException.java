package dev.shortcut.runtime.train;

/**
 * Training produced a NaN or an infinity. The message names the epoch, the step and where: the
 * loss, or the first layer (in forward order) whose gradient is not finite.
 */
public final class NonFiniteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int epoch;
  private final long step;
  private final String where;

  NonFiniteException(String network, int epoch, long step, String where) {
    super("non-finite " + where + " in " + network + " at epoch " + epoch + ", step " + step
        + "; lower the learning rate, clip gradients, or check the initialization"
        + " (deep residual stacks need each block's last layer to start at zero)");
    this.epoch = epoch;
    this.step = step;
    this.where = where;
  }

  /** Epoch, from 1. */
  public int epoch() {
    return epoch;
  }

  /** Step within the run, from 1. */
  public long step() {
    return step;
  }

  /** {@code "loss"} or {@code "gradient of layer <name>"}. */
  public String where() {
    return where;
  }
}
