package dev.shortcut.runtime.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a run stood at the end of an epoch, as a checkpoint records it in its metadata, so that
 * {@link Trainer.Builder#resumeFrom} continues the run from there: the same shuffles, the same
 * augmentation and the schedule at the same step, with no epoch arithmetic left to the user.
 *
 * @param epoch epochs completed (from 1)
 * @param step steps taken, counted from the first step of epoch 1 (skipped steps included)
 * @param epochs the epoch the run was configured to end at
 * @param totalSteps the run's length in steps, over which the schedule is laid out
 * @param stepsPerEpoch steps of one epoch: {@code ceil(trainingSamples / batchSize)}
 * @param batchSize samples per step
 * @param seed the seed of the epochs' shuffles
 * @param trainingSamples size of the training set
 */
public record TrainingPosition(int epoch, long step, int epochs, long totalSteps, long stepsPerEpoch, int batchSize,
    long seed, int trainingSamples) {

  static final String EPOCH = "epoch";
  static final String STEP = "step";
  static final String EPOCHS = "epochs";
  static final String TOTAL_STEPS = "total_steps";
  static final String STEPS_PER_EPOCH = "steps_per_epoch";
  static final String BATCH_SIZE = "batch_size";
  static final String SEED = "seed";
  static final String TRAINING_SAMPLES = "training_samples";

  /** The position as checkpoint metadata (string values, as safetensors keeps them). */
  public Map<String, String> metadata() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(EPOCH, Integer.toString(epoch));
    m.put(STEP, Long.toString(step));
    m.put(EPOCHS, Integer.toString(epochs));
    m.put(TOTAL_STEPS, Long.toString(totalSteps));
    m.put(STEPS_PER_EPOCH, Long.toString(stepsPerEpoch));
    m.put(BATCH_SIZE, Integer.toString(batchSize));
    m.put(SEED, Long.toString(seed));
    m.put(TRAINING_SAMPLES, Integer.toString(trainingSamples));
    return m;
  }

  /**
   * The position recorded in a checkpoint's {@code metadata}, or empty when it records none (a
   * checkpoint saved outside a run, or by PyTorch).
   *
   * @throws IllegalArgumentException when the position is there but incomplete or not numbers,
   *     naming the key
   */
  public static Optional<TrainingPosition> fromMetadata(Map<String, String> metadata) {
    if (!metadata.containsKey(EPOCH) && !metadata.containsKey(STEPS_PER_EPOCH)) {
      return Optional.empty();
    }
    TrainingPosition p = new TrainingPosition(
        (int) number(metadata, EPOCH, 1, Integer.MAX_VALUE),
        number(metadata, STEP, 1, Long.MAX_VALUE),
        (int) number(metadata, EPOCHS, 1, Integer.MAX_VALUE),
        number(metadata, TOTAL_STEPS, 1, Long.MAX_VALUE),
        number(metadata, STEPS_PER_EPOCH, 1, Long.MAX_VALUE),
        (int) number(metadata, BATCH_SIZE, 1, Integer.MAX_VALUE),
        number(metadata, SEED, Long.MIN_VALUE, Long.MAX_VALUE),
        (int) number(metadata, TRAINING_SAMPLES, 1, Integer.MAX_VALUE));
    if (p.step > p.epoch * p.stepsPerEpoch || p.step <= (p.epoch - 1L) * p.stepsPerEpoch) {
      throw new IllegalArgumentException("the position is inconsistent: step " + p.step + " does not lie in epoch "
          + p.epoch + " of " + p.stepsPerEpoch + " steps");
    }
    return Optional.of(p);
  }

  private static long number(Map<String, String> metadata, String key, long min, long max) {
    String text = metadata.get(key);
    if (text == null) {
      throw new IllegalArgumentException("the position has no '" + key + "' (it records " + metadata.keySet() + ")");
    }
    try {
      long v = Long.parseLong(text);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("'" + key + "' is '" + text + "', not an integer in [" + min + ", " + max + "]");
  }
}
