package dev.shortcut.runtime.train;

import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.checkpoint.CheckpointException;
import dev.shortcut.runtime.checkpoint.CheckpointSaver;
import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.checkpoint.SafeTensors;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.ImageAugmentation;
import dev.shortcut.runtime.data.ImageShape;
import dev.shortcut.runtime.optim.Optimizer;
import dev.shortcut.runtime.optim.Schedule;
import dev.shortcut.runtime.report.Progress;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Trains any generated network: shuffled mini-batches each epoch, an optimizer and a learning-rate
 * schedule, optional clipping and image augmentation, validation. Everything else is a {@link
 * TrainingListener} on the loop, as Keras's callbacks are: early stopping ({@link EarlyStopping}),
 * the metrics log, the progress bar, checkpoints ({@link
 * dev.shortcut.runtime.checkpoint.CheckpointSaver}) and the reaction to a NaN; the builder keeps
 * sugar that adds them ({@code earlyStopping}, {@code metricsLog}, {@code checkpointEvery}, ...).
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder(Adam.withLearningRate(1e-3)).epochs(5).batchSize(128).seed(7).build();
 * TrainingHistory history = trainer.fit(net, train, test);
 * }</pre>
 *
 * <p>Deterministic: the same seed, data and kernel thread count give bit-identical parameters.
 * Buffers are allocated when a run starts; the steps themselves allocate nothing.
 *
 * <p>Training steps run in training mode and validation in evaluation mode ({@link
 * Network#setTraining}); {@link #fit} and {@link #evaluate} leave the network in the mode they
 * found it in.
 *
 * <p>A trainer is a configuration; the optimizer holds the state of one network. {@link #fit}
 * on the network the trainer's optimizer serves (or on the first network, before it serves any)
 * continues that optimizer, which must not be past the run's first step: a second {@code fit} of
 * the same network is refused, since its run is over (use {@code resumeFrom} to train on).
 * {@code fit} on any other network trains it with {@code optimizer().fresh()}, found in the
 * returned history.
 *
 * <p>No step applies a non-finite update. Each step checks the output and loss of the forward
 * pass, and the optimizer checks the update (gradients included) before writing it; a bad step
 * throws {@link NonFiniteException} naming its cause, or, with {@link NonFinitePolicy#SKIP}, is
 * skipped and leaves the network as it was. Parameters are checked once when a run starts, and
 * validation fails on outputs that are not finite, so listeners only ever see a finite network.
 */
public final class Trainer {
  final Optimizer optimizer;
  final Schedule schedule;
  final int epochs;
  final int batchSize;
  final long seed;
  final double clipNorm;
  final List<TrainingListener> listeners;
  final boolean progress;
  final Path metricsLog;
  final boolean gradientNorms;
  final NonFinitePolicy onNonFinite;
  final long maxSteps;
  final int completedEpochs;
  final Path resumeFrom;
  final ImageAugmentation augmentation;

  private Trainer(Builder b) {
    this.optimizer = b.optimizer;
    this.schedule = b.schedule;
    this.epochs = b.epochs;
    this.batchSize = b.batchSize;
    this.seed = b.seed;
    this.clipNorm = b.clipNorm;
    this.listeners = List.copyOf(b.listeners);
    this.progress = b.progress;
    this.metricsLog = b.metricsLog;
    this.gradientNorms = b.gradientNorms;
    this.onNonFinite = b.onNonFinite;
    this.maxSteps = b.maxSteps;
    this.completedEpochs = b.completedEpochs;
    this.resumeFrom = b.resumeFrom;
    this.augmentation = b.augmentation;
  }

  /** Starts a configuration around {@code optimizer}. */
  public static Builder builder(Optimizer optimizer) {
    return new Builder(optimizer);
  }

  /**
   * The optimizer this trainer was built with, whose state a checkpoint can save: that of the
   * network it serves. A run on another network uses a fresh copy, in its {@link TrainingHistory}.
   */
  public Optimizer optimizer() {
    return optimizer;
  }

  /**
   * Trains {@code net} on {@code train}, evaluating on {@code validation} (may be null) after each
   * epoch.
   *
   * @throws NonFiniteException on a NaN or an infinity in the data, the network or a step (unless
   *     the policy is SKIP and the epoch still applied some update); the network keeps the last
   *     applied update
   * @throws IllegalArgumentException when the data do not fit the network (width, image shape,
   *     classes), a set is empty, a listener cannot work on this run, or the run has no step left
   * @throws IllegalStateException when the trainer's optimizer has already taken this run's steps
   *     on {@code net}
   */
  public TrainingHistory fit(Network net, Dataset train, Dataset validation) {
    Objects.requireNonNull(net, "net");
    DataChecks.requireSamples(train, "training set");
    DataChecks.fit(net, train);
    if (validation != null) {
      DataChecks.requireSamples(validation, "validation set");
      DataChecks.fit(net, validation);
    }
    if (batchSize > net.maxBatch()) {
      throw new IllegalArgumentException("batch size " + batchSize + " exceeds the network's maxBatch "
          + net.maxBatch() + "; build the network with a larger maxBatch");
    }
    DataChecks.batchesForNormalization(net, train.size(), batchSize);
    ImageShape images = augmentedShape(train);
    long stepsPerEpoch = (train.size() + batchSize - 1) / batchSize;
    long totalSteps = maxSteps > 0 ? Math.min(maxSteps, stepsPerEpoch * epochs) : stepsPerEpoch * epochs;
    int completed = completedEpochs;
    long start = completed * stepsPerEpoch; // where an uninterrupted run would be now
    Optimizer optimizer;
    if (resumeFrom != null) {
      TrainingPosition at = position(resumeFrom);
      checkResumable(at, train, stepsPerEpoch, totalSteps);
      completed = at.epoch();
      start = at.step();
      optimizer = this.optimizer.network() == null || this.optimizer.network() == net ? this.optimizer
          : this.optimizer.fresh();
      try {
        Checkpoints.load(net, optimizer, resumeFrom); // checks both files whole before it changes anything
      } catch (CheckpointException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
    } else {
      if (start >= totalSteps) {
        throw new IllegalArgumentException("resumeAfter(" + completed + ") starts at step " + (start + 1)
            + ", but maxSteps(" + maxSteps + ") ends the run before it: nothing is left to train");
      }
      optimizer = optimizerFor(net, start);
    }
    String before = "before epoch " + (completed + 1) + ", step " + (start + 1);
    NonFiniteException broken = Diagnosis.parameters(net, before, completed + 1, start + 1);
    if (broken == null && optimizer.network() == net) {
      broken = Diagnosis.optimizerState(net, optimizer, before, completed + 1, start + 1);
    }
    if (broken != null) {
      throw broken; // whatever the policy: no step could repair it
    }
    TrainingRun state = new TrainingRun(net, optimizer, train, validation, completed + 1, epochs, totalSteps,
        batchSize, seed);
    state.step = start;
    TrainingLoop run = new TrainingLoop(this, state, images, listenersFor());
    boolean wasTraining = net.isTraining();
    List<TrainingListener> begun = new ArrayList<>();
    TrainingHistory history = null;
    Throwable failure = null;
    try {
      for (TrainingListener l : run.listeners) {
        l.onTrainBegin(state);
        begun.add(l);
      }
      net.setTraining(true);
      history = run.train(validation);
      return history;
    } catch (RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      net.setTraining(wasTraining);
      end(begun, history, failure);
    }
  }

  /** Every listener of one run, in order: the log, the bar, the user's, then the NaN policy. */
  private List<TrainingListener> listenersFor() {
    List<TrainingListener> all = new ArrayList<>();
    if (metricsLog != null) {
      all.add(new MetricsLogListener(metricsLog));
    }
    if (progress) {
      all.add(new ProgressListener());
    }
    all.addAll(listeners);
    all.add(new NonFiniteCheck(onNonFinite));
    return all;
  }

  /** Tells every listener that began that the run is over; a failure keeps its own exception. */
  private static void end(List<TrainingListener> begun, TrainingHistory history, Throwable failure) {
    RuntimeException first = null;
    for (TrainingListener l : begun) {
      try {
        l.onTrainEnd(history, failure);
      } catch (RuntimeException e) {
        if (failure != null) {
          failure.addSuppressed(e);
        } else if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** The shape augmentation transforms, or null without augmentation; refuses sets without images. */
  private ImageShape augmentedShape(Dataset train) {
    if (augmentation == null || augmentation.isNone()) {
      return null;
    }
    return train.imageShape().orElseThrow(() -> new IllegalArgumentException("augmentation (" + augmentation
        + ") transforms images, but the training set '" + train.name() + "' has no image shape: declare it with "
        + "withImageShape(ImageShape.of(channels, height, width))"));
  }

  /** The position recorded in {@code checkpoint}, refusing one that records none. */
  private static TrainingPosition position(Path checkpoint) {
    Map<String, String> metadata;
    try {
      metadata = SafeTensors.readMetadata(checkpoint);
    } catch (CheckpointException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    try {
      return TrainingPosition.fromMetadata(metadata).orElseThrow(() -> new IllegalArgumentException(checkpoint
          + " records no training position (epoch, step, schedule): it was not written during a run. Checkpoints "
          + "written by checkpointEvery, checkpointBest or CheckpointSaver record one; for this file, load it with "
          + "Checkpoints.load(net, optimizer, file) and say how many epochs it completed with resumeAfter(epochs)"));
    } catch (IllegalArgumentException e) {
      if (e.getMessage().startsWith(checkpoint.toString())) {
        throw e;
      }
      throw new IllegalArgumentException(checkpoint + " records an incomplete training position (" + e.getMessage()
          + "): an older checkpoint? Load it with Checkpoints.load(net, optimizer, file) and say how many epochs it "
          + "completed with resumeAfter(epochs)", e);
    }
  }

  /**
   * Refuses to resume a run that this configuration would not continue: another batch size or
   * training set (other steps per epoch), another seed (other shuffles), a position part-way
   * through an epoch, or nothing left to train.
   */
  private void checkResumable(TrainingPosition at, Dataset train, long stepsPerEpoch, long totalSteps) {
    String file = resumeFrom.toString();
    if (at.stepsPerEpoch() != stepsPerEpoch || at.batchSize() != batchSize || at.trainingSamples() != train.size()) {
      throw new IllegalArgumentException(file + " was written by a run of batch size " + at.batchSize() + " over "
          + at.trainingSamples() + " training samples (" + at.stepsPerEpoch() + " steps per epoch); this trainer takes "
          + "batch size " + batchSize + " over " + train.size() + " (" + stepsPerEpoch + " steps): resuming would "
          + "not continue that run. Use the same batch size and training set, or load the weights with "
          + "Checkpoints.load(net, file) and start a new run");
    }
    if (at.seed() != seed) {
      throw new IllegalArgumentException(file + " was written by a run with seed " + at.seed() + ", and this trainer "
          + "has seed " + seed + ": its epochs would be shuffled otherwise. Use seed(" + at.seed() + ") to continue "
          + "the run, or load the weights with Checkpoints.load(net, file) and start a new run");
    }
    if (at.step() != at.epoch() * stepsPerEpoch) {
      throw new IllegalArgumentException(file + " was written at step " + at.step() + ", part-way through epoch "
          + at.epoch() + " (maxSteps ended that run): a run resumes from a whole epoch");
    }
    if (at.epoch() >= epochs || at.step() >= totalSteps) {
      throw new IllegalArgumentException(file + " completed epoch " + at.epoch() + " (step " + at.step() + "), and "
          + "this trainer's run ends at epoch " + epochs + (maxSteps > 0 ? " or step " + maxSteps : "")
          + ": nothing is left to train. To train on, ask for more epochs (epochs counts the whole run)");
    }
  }

  /**
   * The optimizer for a run of {@code net} starting after {@code start} steps: the trainer's own
   * when it serves {@code net} or no network yet, a fresh copy for any other network.
   */
  private Optimizer optimizerFor(Network net, long start) {
    if (optimizer.network() != null && optimizer.network() != net) {
      return optimizer.fresh();
    }
    if (optimizer.steps() > start) {
      throw new IllegalStateException("the trainer's " + optimizer.name() + " optimizer has already applied "
          + optimizer.steps() + " updates to " + net.name() + ", but this run starts at step " + (start + 1)
          + " (epoch " + (completedEpochs + 1) + "): a trainer's run trains epochs " + (completedEpochs + 1)
          + " to " + epochs + " once. To train on, build a trainer with more epochs and resumeFrom(<its "
          + "checkpoint>), or resumeAfter(<epochs done>) around the same optimizer; to start a new run, build one with optimizer().fresh()");
    }
    return optimizer;
  }

  /**
   * Mean loss and accuracy of {@code net} over {@code data}, in batches of {@code maxBatch}, in
   * evaluation mode (the network's mode is restored afterwards).
   *
   * @throws NonFiniteException when an output or a loss is not finite, naming the cause
   * @throws IllegalArgumentException when {@code data} is empty or does not fit the network
   */
  public static Evaluation evaluate(Network net, Dataset data) {
    Objects.requireNonNull(net, "net");
    DataChecks.requireSamples(data, "evaluation set");
    DataChecks.fit(net, data);
    return EvaluationLoop.evaluate(net, data, "while evaluating '" + data.name() + "'", 0, 0);
  }

  /** The first layer, in forward order, with a non-finite gradient; null when all are finite. */
  static String firstNonFiniteLayer(Network net) {
    ParameterTable.Parameter p = Diagnosis.firstNonFiniteTensor(net, true);
    return p == null ? null : p.layer();
  }

  /** Configuration of a {@link Trainer}. */
  public static final class Builder {
    private final Optimizer optimizer;
    private Schedule schedule = Schedule.constant();
    private int epochs = 1;
    private int batchSize = 32;
    private long seed;
    private double clipNorm;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private boolean progress = Progress.enabledByDefault();
    private Path metricsLog;
    private boolean gradientNorms;
    private NonFinitePolicy onNonFinite = NonFinitePolicy.FAIL;
    private long maxSteps;
    private int completedEpochs;
    private Path resumeFrom;
    private ImageAugmentation augmentation;

    private Builder(Optimizer optimizer) {
      this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
    }

    /** Learning-rate schedule (default constant). */
    public Builder schedule(Schedule schedule) {
      this.schedule = Objects.requireNonNull(schedule, "schedule");
      return this;
    }

    /** Passes over the training set (default 1). */
    public Builder epochs(int epochs) {
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs must be ≥ 1, got " + epochs);
      }
      this.epochs = epochs;
      return this;
    }

    /** Samples per step (default 32); at most the network's maxBatch. */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be ≥ 1, got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /** Seed of each epoch's shuffle. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Clips the global gradient norm to {@code maxNorm} before each update (0 = off). */
    public Builder clipGradientNorm(double maxNorm) {
      if (!(maxNorm >= 0) || maxNorm == Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException("the clipping norm must be finite and ≥ 0 (0 = off), got " + maxNorm);
      }
      this.clipNorm = maxNorm;
      return this;
    }

    /**
     * Stops when the validation loss has not improved by {@code minDelta} for {@code patience}
     * epochs (needs a validation set): {@code listener(EarlyStopping.of(Metric.VALIDATION_LOSS,
     * patience, minDelta))}. For another metric, or to restore the best weights, add an {@link
     * EarlyStopping} with {@link #listener}.
     */
    public Builder earlyStopping(int patience, double minDelta) {
      return listener(EarlyStopping.of(Metric.VALIDATION_LOSS, patience, minDelta));
    }

    /**
     * Saves the network and the run's optimizer to {@code file} (atomically, replacing it) after
     * every {@code epochs}-th epoch, for {@code resumeAfter}: {@code
     * listener(CheckpointSaver.every(epochs, file))}.
     */
    public Builder checkpointEvery(int epochs, Path file) {
      return listener(CheckpointSaver.every(epochs, file));
    }

    /**
     * Saves the network and the run's optimizer to {@code file} (atomically) after each epoch
     * whose {@code metric} is the best so far: {@code listener(CheckpointSaver.best(metric, file))}.
     */
    public Builder checkpointBest(Metric metric, Path file) {
      return listener(CheckpointSaver.best(metric, file));
    }

    /**
     * Transforms each training batch right after it is copied into the network's input (never a
     * validation batch), keyed by {@code ImageAugmentation.stepKey(seed, epoch, step)} with the
     * step counted from epoch 1, so a resumed run augments every batch as the uninterrupted one did.
     * The training set must declare its image shape.
     */
    public Builder augmentation(ImageAugmentation augmentation) {
      this.augmentation = Objects.requireNonNull(augmentation, "augmentation");
      return this;
    }

    /** Adds a listener. */
    public Builder listener(TrainingListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Shows a console progress bar (default: on a terminal, unless {@code CI} is set). */
    public Builder progress(boolean progress) {
      this.progress = progress;
      return this;
    }

    /** Appends one JSON line of metrics per epoch to {@code file}. */
    public Builder metricsLog(Path file) {
      this.metricsLog = file;
      return this;
    }

    /** Records per-layer gradient norms at the end of each epoch. */
    public Builder gradientNorms(boolean on) {
      this.gradientNorms = on;
      return this;
    }

    /** What a NaN or infinity does (default {@link NonFinitePolicy#FAIL}). */
    public Builder onNonFinite(NonFinitePolicy policy) {
      this.onNonFinite = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Stops after this many steps in total (0 = no limit), for short runs of deep networks. */
    public Builder maxSteps(long maxSteps) {
      if (maxSteps < 0) {
        throw new IllegalArgumentException("maxSteps must be ≥ 0 (0 = no limit), got " + maxSteps);
      }
      this.maxSteps = maxSteps;
      return this;
    }

    /**
     * Resumes a run whose first {@code completed} epochs are done: training starts at epoch
     * {@code completed + 1} with the same shuffles and schedule position as an uninterrupted run
     * (load the optimizer's state from the checkpoint first). Must be fewer than {@link #epochs}.
     * For a checkpoint that records its position, {@link #resumeFrom} does all of this.
     */
    public Builder resumeAfter(int completed) {
      if (completed < 0) {
        throw new IllegalArgumentException("completed epochs must be ≥ 0, got " + completed);
      }
      this.completedEpochs = completed;
      return this;
    }

    /**
     * Continues the run that wrote {@code checkpoint} (with {@link #checkpointEvery}, {@link
     * #checkpointBest} or a {@link CheckpointSaver}): {@code fit} loads the network and this
     * trainer's optimizer from it (the optimizer's state from the file beside it) and trains from
     * the epoch after the one it recorded, with the same shuffles, augmentation and schedule
     * position as an uninterrupted run, so the parameters come out bit-identical. {@code epochs}
     * still counts the whole run; a larger count than the first run's trains on, with the schedule
     * laid over the new length. The batch size, the training set's size and the seed must be the
     * run's; {@code fit} says which differs.
     */
    public Builder resumeFrom(Path checkpoint) {
      this.resumeFrom = Objects.requireNonNull(checkpoint, "checkpoint");
      return this;
    }

    /** The trainer; refuses a configuration that leaves nothing to train. */
    public Trainer build() {
      if (resumeFrom != null && completedEpochs > 0) {
        throw new IllegalArgumentException("resumeFrom(" + resumeFrom + ") reads the completed epochs from the "
            + "checkpoint; resumeAfter(" + completedEpochs + ") would say it twice: use one of them");
      }
      if (completedEpochs >= epochs) {
        throw new IllegalArgumentException("resumeAfter(" + completedEpochs + ") with epochs(" + epochs
            + ") leaves nothing to train: epochs counts the whole run, so ask for more than the "
            + completedEpochs + " already done");
      }
      return new Trainer(this);
    }
  }
}
