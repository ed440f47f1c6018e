package dev.shortcut.examples.experiment;

import java.util.List;

/**
 * One training run of the experiment, as written to {@code results/degradation.json}.
 *
 * @param variant {@code "plain"} or {@code "residual"}
 * @param layers number of weight layers
 * @param epochs epochs trained
 * @param seed the seed of initialization and shuffling
 * @param trainError error over the whole training set after each epoch (index 0 = epoch 1)
 * @param testError error over the test set after each epoch
 * @param seconds wall time of training and evaluation
 * @param stepLoss mean training loss of each logged step interval (deep runs), else empty
 * @param secondsPerStep wall time of one training step, averaged
 */
public record RunRecord(
    String variant,
    int layers,
    int epochs,
    long seed,
    List<Double> trainError,
    List<Double> testError,
    double seconds,
    List<Double> stepLoss,
    double secondsPerStep) {

  /** Training error after the last epoch. */
  public double finalTrainError() {
    return trainError.get(trainError.size() - 1);
  }

  /** Test error after the last epoch. */
  public double finalTestError() {
    return testError.get(testError.size() - 1);
  }

  /** The record as one JSON object, fields in the documented order. */
  String toJson() {
    StringBuilder sb = new StringBuilder("{");
    sb.append("\"variant\": ").append(Json.string(variant));
    sb.append(", \"layers\": ").append(layers);
    sb.append(", \"epochs\": ").append(epochs);
    sb.append(", \"seed\": ").append(seed);
    sb.append(", \"train_error\": ").append(Json.numbers(trainError));
    sb.append(", \"test_error\": ").append(Json.numbers(testError));
    sb.append(", \"seconds\": ").append(Json.number(seconds));
    if (!stepLoss.isEmpty()) {
      sb.append(", \"step_loss\": ").append(Json.numbers(stepLoss));
      sb.append(", \"seconds_per_step\": ").append(Json.number(secondsPerStep));
    }
    return sb.append('}').toString();
  }
}
