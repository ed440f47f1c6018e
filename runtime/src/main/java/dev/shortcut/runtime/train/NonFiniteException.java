package dev.shortcut.runtime.train;

/**
 * A NaN or an infinity stopped training or evaluation. The message names the network, when
 * (epoch and step, or the evaluated dataset), what was not finite ({@link #source()}) and where:
 * the sample and feature of bad input data, or the first layer in forward order whose
 * activations, gradient, parameters or update are not finite. Its advice fits the cause: a NaN in
 * the data is not cured by a lower learning rate.
 *
 * <p>When it is thrown, the network's parameters are those of the last applied update: a
 * non-finite update is never applied.
 */
public final class NonFiniteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What was found not finite, with the advice that fits it. */
  public enum Source {
    /** A feature of the input data. */
    INPUT_DATA("input data", "clean or impute the data; the learning rate is not the cause"),
    /** A regression target. */
    TARGETS("target data", "clean or impute the targets; the learning rate is not the cause"),
    /** The network's parameters, before the step. */
    PARAMETERS("parameters", "the network was already broken (set by hand, or loaded from a bad checkpoint): "
        + "initialize it again or load a good checkpoint"),
    /** A layer's output in the forward pass, with finite data and parameters. */
    ACTIVATIONS("activations", "the forward pass overflowed with finite data and parameters: lower the learning "
        + "rate, standardize the inputs, or check the initialization (deep residual stacks need each block's "
        + "last layer to start at zero)"),
    /** The loss of a finite output. */
    LOSS("loss", "the loss overflowed on finite outputs: lower the learning rate or check the targets' scale"),
    /** A gradient, with a finite loss. */
    GRADIENTS("gradient", "the backward pass overflowed: lower the learning rate or clip gradients "
        + "(Trainer.Builder.clipGradientNorm)"),
    /** The update an optimizer would apply, with finite gradients. */
    UPDATE("update", "the optimizer's update would overflow the parameters or its state and was not applied: "
        + "lower the learning rate or clip gradients (Trainer.Builder.clipGradientNorm)");

    private final String noun;
    private final String advice;

    Source(String noun, String advice) {
      this.noun = noun;
      this.advice = advice;
    }

    /** What the message calls it. */
    public String noun() {
      return noun;
    }

    /** What to do about it. */
    public String advice() {
      return advice;
    }
  }

  private final String network;
  private final int epoch;
  private final long step;
  private final Source source;
  private final String layer;
  private final String detail;

  /**
   * @param when {@code "at epoch 2, step 40"}, {@code "before epoch 1, step 1"} or {@code "while
   *     evaluating 'test'"}
   * @param layer the layer (or block, for a projection) concerned, or null
   * @param detail the specific finding: which tensor, sample or feature, and its value
   */
  NonFiniteException(String network, String when, int epoch, long step, Source source, String layer, String detail) {
    super("non-finite " + source.noun() + (layer == null ? "" : " of layer " + layer) + " in " + network + " "
        + when + ": " + detail + ". " + capitalized(source.advice()));
    this.network = network;
    this.epoch = epoch;
    this.step = step;
    this.source = source;
    this.layer = layer;
    this.detail = detail;
  }

  /** The same finding, reported for a whole epoch whose every step was skipped. */
  NonFiniteException everyStepSkipped(long steps) {
    return new NonFiniteException(network, "at epoch " + epoch + ", step " + step, epoch, step, source, layer,
        "every one of the epoch's " + steps + " steps was skipped (policy SKIP), the last for this: " + detail);
  }

  private static String capitalized(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** The network's name. */
  public String network() {
    return network;
  }

  /** Epoch, from 1; 0 outside training. */
  public int epoch() {
    return epoch;
  }

  /** Step within the run, from 1; 0 outside training. */
  public long step() {
    return step;
  }

  /** What was not finite. */
  public Source source() {
    return source;
  }

  /** The layer concerned, or null (input data, a loss, or a network that cannot tell). */
  public String layer() {
    return layer;
  }

  /** {@code "loss"}, or {@code "<source> of layer <name>"}, e.g. {@code "gradient of layer body.0.fc1"}. */
  public String where() {
    return layer == null ? source.noun() : source.noun() + " of layer " + layer;
  }

  /** The specific finding (tensor, element, sample, value). */
  public String detail() {
    return detail;
  }
}
