package dev.shortcut.examples.experiment;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import dev.shortcut.runtime.sweep.Sweep;
import dev.shortcut.runtime.sweep.SweepCell;
import java.util.List;
import java.util.Optional;

/**
 * One training run of the experiment, as written to {@code degradation.json}.
 *
 * @param variant {@code "plain"} or {@code "residual"}
 * @param layers number of weight layers
 * @param epochs epochs trained
 * @param seed the seed of initialization and shuffling
 * @param trainError error over the training set after each epoch (index 0 = epoch 1)
 * @param testError error over the test set after each epoch
 * @param seconds wall time of training and evaluation
 * @param stepLoss mean training loss of each logged step interval (deep runs), else empty
 * @param secondsPerStep wall time of one training step, averaged
 * @param curveIterations iterations at which the curves were measured, else empty
 * @param curveTrainError training error of the steps since the previous curve point
 * @param curveTestError error on a fixed part of the test set at each curve point
 * @param stopped why the run stopped before its last step (a refused non-finite update), or empty
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
    double secondsPerStep,
    List<Double> curveIterations,
    List<Double> curveTrainError,
    List<Double> curveTestError,
    String stopped) {

  /** A run that took all its steps. */
  public RunRecord(String variant, int layers, int epochs, long seed, List<Double> trainError, List<Double> testError,
      double seconds, List<Double> stepLoss, double secondsPerStep, List<Double> curveIterations,
      List<Double> curveTrainError, List<Double> curveTestError) {
    this(variant, layers, epochs, seed, trainError, testError, seconds, stepLoss, secondsPerStep, curveIterations,
        curveTrainError, curveTestError, "");
  }

  /** A run without curves. */
  public RunRecord(String variant, int layers, int epochs, long seed, List<Double> trainError, List<Double> testError,
      double seconds, List<Double> stepLoss, double secondsPerStep) {
    this(variant, layers, epochs, seed, trainError, testError, seconds, stepLoss, secondsPerStep, List.of(), List.of(),
        List.of());
  }

  /** Training error after the last epoch. */
  public double finalTrainError() {
    return trainError.get(trainError.size() - 1);
  }

  /** Test error after the last epoch. */
  public double finalTestError() {
    return testError.get(testError.size() - 1);
  }

  /** The record as one JSON object, fields in the documented order, numbers to 6 digits. */
  String toJson() {
    return toJson(false);
  }

  /**
   * The record as one JSON object; {@code exact} writes every number so that it reads back to the
   * same double (a sweep's cells, reused by later runs), and every field.
   */
  String toJson(boolean exact) {
    java.util.function.DoubleFunction<String> num = exact ? Json::exact : Json::number;
    java.util.function.Function<List<Double>, String> nums = exact ? Json::exactNumbers : Json::numbers;
    StringBuilder sb = new StringBuilder("{");
    sb.append("\"variant\": ").append(Json.string(variant));
    sb.append(", \"layers\": ").append(layers);
    sb.append(", \"epochs\": ").append(epochs);
    sb.append(", \"seed\": ").append(seed);
    sb.append(", \"train_error\": ").append(nums.apply(trainError));
    sb.append(", \"test_error\": ").append(nums.apply(testError));
    sb.append(", \"seconds\": ").append(num.apply(seconds));
    if (exact || !stepLoss.isEmpty()) {
      sb.append(", \"step_loss\": ").append(nums.apply(stepLoss));
      sb.append(", \"seconds_per_step\": ").append(num.apply(secondsPerStep));
    }
    if (exact || !curveIterations.isEmpty()) {
      sb.append(", \"curve_iterations\": ").append(nums.apply(curveIterations));
      sb.append(", \"curve_train_error\": ").append(nums.apply(curveTrainError));
      sb.append(", \"curve_test_error\": ").append(nums.apply(curveTestError));
    }
    if (exact || !stopped.isEmpty()) {
      sb.append(", \"stopped\": ").append(Json.string(stopped));
    }
    return sb.append('}').toString();
  }

  /**
   * Adds the records of {@code sweep}'s finished cells among {@code cells} to {@code into}, in the
   * cells' order; answers how many are not finished.
   */
  static int collect(Sweep sweep, List<SweepCell> cells, List<RunRecord> into) {
    int unfinished = 0;
    for (SweepCell c : cells) {
      Optional<String> row = sweep.finishedRow(c);
      if (row.isPresent()) {
        into.add(fromJson(row.get()));
      } else {
        unfinished++;
      }
    }
    return unfinished;
  }

  /**
   * The record in {@code json}, one object as {@link #toJson(boolean)} writes it: how a sweep's
   * rows ({@code cells/<id>.json}) are read back.
   *
   * @throws IllegalArgumentException when {@code json} is not such an object
   */
  static RunRecord fromJson(String json) {
    try (JsonParser p = new JsonFactory().createParser(json)) {
      p.nextToken();
      return parseRecord(p);
    } catch (IOException | IllegalStateException e) {
      throw new IllegalArgumentException("not a run record: " + e.getMessage(), e);
    }
  }

  private static RunRecord parseRecord(JsonParser p) throws IOException {
    expect(p.currentToken(), JsonToken.START_OBJECT);
    String variant = null;
    int layers = 0;
    int epochs = 0;
    long seed = 0;
    double seconds = 0;
    double perStep = 0;
    List<Double> train = List.of();
    List<Double> test = List.of();
    List<Double> loss = List.of();
    List<Double> iterations = List.of();
    List<Double> curveTrain = List.of();
    List<Double> curveTest = List.of();
    String stopped = "";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "variant" -> variant = p.getText();
        case "layers" -> layers = p.getIntValue();
        case "epochs" -> epochs = p.getIntValue();
        case "seed" -> seed = p.getLongValue();
        case "seconds" -> seconds = number(p);
        case "seconds_per_step" -> perStep = number(p);
        case "train_error" -> train = numbers(p);
        case "test_error" -> test = numbers(p);
        case "step_loss" -> loss = numbers(p);
        case "curve_iterations" -> iterations = numbers(p);
        case "curve_train_error" -> curveTrain = numbers(p);
        case "curve_test_error" -> curveTest = numbers(p);
        case "stopped" -> stopped = p.getText();
        default -> p.skipChildren();
      }
    }
    return new RunRecord(variant, layers, epochs, seed, train, test, seconds, loss, perStep, iterations,
        curveTrain, curveTest, stopped);
  }

  private static List<Double> numbers(JsonParser p) throws IOException {
    expect(p.currentToken(), JsonToken.START_ARRAY);
    List<Double> values = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      values.add(number(p));
    }
    return values;
  }

  /** A number, or NaN for the {@code null} a diverged run's value is written as. */
  private static double number(JsonParser p) throws IOException {
    return p.currentToken() == JsonToken.VALUE_NULL ? Double.NaN : p.getDoubleValue();
  }

  private static void expect(JsonToken actual, JsonToken expected) {
    if (actual != expected) {
      throw new IllegalStateException("expected " + expected + ", found " + actual);
    }
  }
}
