package dev.shortcut.runtime.train;

import dev.shortcut.annotations.Loss;
import dev.shortcut.runtime.DoubleNetwork;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.loss.MeanSquaredError;
import dev.shortcut.runtime.loss.SoftmaxCrossEntropy;
import dev.shortcut.runtime.optim.GradientClipping;
import dev.shortcut.runtime.optim.Optimizer;
import dev.shortcut.runtime.optim.Schedule;
import dev.shortcut.runtime.report.GradientNorms;
import dev.shortcut.runtime.report.MetricsLog;
import dev.shortcut.runtime.report.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Trains any generated network: shuffled mini-batches each epoch, an optimizer and a learning-rate
 * schedule, optional clipping, validation, early stopping, listeners, progress and a metrics log.
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder(Adam.withLearningRate(1e-3)).epochs(5).batchSize(128).seed(7).build();
 * TrainingHistory history = trainer.fit(net, train, test);
 * }</pre>
 *
 * <p>Deterministic: the same seed, data and kernel thread count give bit-identical parameters.
 * Buffers are allocated when a run starts; the steps themselves allocate nothing.
 */
public final class Trainer {
  private final Optimizer optimizer;
  private final Schedule schedule;
  private final int epochs;
  private final int batchSize;
  private final long seed;
  private final double clipNorm;
  private final int patience;
  private final double minDelta;
  private final List<TrainingListener> listeners;
  private final boolean progress;
  private final Path metricsLog;
  private final boolean gradientNorms;
  private final NonFinitePolicy onNonFinite;
  private final long maxSteps;
  private final int completedEpochs;

  private Trainer(Builder b) {
    this.optimizer = b.optimizer;
    this.schedule = b.schedule;
    this.epochs = b.epochs;
    this.batchSize = b.batchSize;
    this.seed = b.seed;
    this.clipNorm = b.clipNorm;
    this.patience = b.patience;
    this.minDelta = b.minDelta;
    this.listeners = List.copyOf(b.listeners);
    this.progress = b.progress;
    this.metricsLog = b.metricsLog;
    this.gradientNorms = b.gradientNorms;
    this.onNonFinite = b.onNonFinite;
    this.maxSteps = b.maxSteps;
    this.completedEpochs = b.completedEpochs;
  }

  /** Starts a configuration around {@code optimizer}. */
  public static Builder builder(Optimizer optimizer) {
    return new Builder(optimizer);
  }

  /** The optimizer, whose state a checkpoint can save. */
  public Optimizer optimizer() {
    return optimizer;
  }

  /**
   * Trains {@code net} on {@code train}, evaluating on {@code validation} (may be null) after each
   * epoch.
   *
   * @throws NonFiniteException on a NaN or infinite loss or gradient, unless the policy is SKIP
   */
  public TrainingHistory fit(Network net, Dataset train, Dataset validation) {
    check(net, train);
    if (validation != null) {
      check(net, validation);
    }
    if (batchSize > net.maxBatch()) {
      throw new IllegalArgumentException("batch size " + batchSize + " exceeds the network's maxBatch "
          + net.maxBatch() + "; build the network with a larger maxBatch");
    }
    Run run = new Run(net, train);
    run.step = optimizer.steps(); // non-zero when resuming from a checkpoint
    List<EpochMetrics> history = new ArrayList<>();
    long stepsPerEpoch = (train.size() + batchSize - 1) / batchSize;
    long totalSteps = maxSteps > 0 ? Math.min(maxSteps, stepsPerEpoch * epochs) : stepsPerEpoch * epochs;
    double best = Double.POSITIVE_INFINITY;
    int sinceBest = 0;
    boolean stoppedEarly = false;
    try (MetricsLog log = metricsLog == null ? null : MetricsLog.open(metricsLog)) {
      for (int epoch = completedEpochs + 1; epoch <= epochs && run.step < totalSteps; epoch++) {
        EpochMetrics m = run.epoch(epoch, totalSteps, validation);
        history.add(m);
        if (log != null) {
          log.write(net.name(), m);
        }
        boolean go = true;
        for (TrainingListener l : listeners) {
          go &= l.onEpochEnd(m);
        }
        if (!go) {
          stoppedEarly = true;
          break;
        }
        if (patience > 0 && validation != null) {
          if (m.validationLoss() < best - minDelta) {
            best = m.validationLoss();
            sinceBest = 0;
          } else if (++sinceBest >= patience) {
            stoppedEarly = true;
            break;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the metrics log " + metricsLog, e);
    }
    return new TrainingHistory(List.copyOf(history), stoppedEarly, run.skipped, run.step);
  }

  /** Mean loss and accuracy of {@code net} over {@code data}, in batches of {@code maxBatch}. */
  public static Evaluation evaluate(Network net, Dataset data) {
    check(net, data);
    Scratch s = new Scratch(net, data.size());
    for (int i = 0; i < s.order.length; i++) {
      s.order[i] = i;
    }
    double loss = 0;
    long correct = 0;
    for (int start = 0; start < data.size(); start += net.maxBatch()) {
      int b = Math.min(net.maxBatch(), data.size() - start);
      s.load(data, start, b);
      net.forward(b);
      loss += s.lossAndGradient(data, start, b);
      correct += s.correct(data, b);
    }
    return new Evaluation(loss / data.size(), data.isClassification() ? (double) correct / data.size() : Double.NaN,
        data.size());
  }

  private static void check(Network net, Dataset data) {
    var a = net.architecture();
    if (data.width() != a.inputs()) {
      throw new IllegalArgumentException(data.name() + " has " + data.width() + " features but "
          + net.name() + " takes " + a.inputs());
    }
    if (a.loss() == Loss.SOFTMAX_CROSS_ENTROPY) {
      if (!data.isClassification()) {
        throw new IllegalArgumentException(data.name() + " has no class labels, but " + net.name()
            + " trains with softmax cross-entropy");
      }
      if (data.classes() > a.outputs()) {
        throw new IllegalArgumentException(data.name() + " has " + data.classes() + " classes but "
            + net.name() + " outputs " + a.outputs());
      }
    } else if (data.isClassification() || data.targetWidth() != a.outputs()) {
      throw new IllegalArgumentException(data.name() + " needs target rows of width " + a.outputs()
          + " for mean squared error");
    }
  }

  /** Buffers for one network and dataset, allocated once. */
  private static final class Scratch {
    final Network net;
    final FloatNetwork f;
    final DoubleNetwork d;
    final int[] order;
    final int[] labels;
    final float[] targets;
    final int outputs;

    Scratch(Network net, int size) {
      this.net = net;
      this.f = net instanceof FloatNetwork x ? x : null;
      this.d = net instanceof DoubleNetwork x ? x : null;
      this.order = new int[size];
      this.outputs = net.architecture().outputs();
      this.labels = new int[net.maxBatch()];
      this.targets = new float[net.maxBatch() * outputs];
    }

    void load(Dataset data, int start, int b) {
      if (f != null) {
        data.copyRows(order, start, b, f.input());
      } else {
        data.copyRows(order, start, b, d.input());
      }
      if (data.isClassification()) {
        data.copyLabels(order, start, b, labels);
      } else {
        data.copyTargets(order, start, b, targets);
      }
    }

    /** Summed loss of the batch; writes the output gradient. */
    double lossAndGradient(Dataset data, int start, int b) {
      if (data.isClassification()) {
        return f != null
            ? SoftmaxCrossEntropy.lossAndGradient(f.output(), b, outputs, labels, 0, f.outputGradient())
            : SoftmaxCrossEntropy.lossAndGradient(d.output(), b, outputs, labels, 0, d.outputGradient());
      }
      return f != null
          ? MeanSquaredError.lossAndGradient(f.output(), b, outputs, targets, 0, f.outputGradient())
          : MeanSquaredError.lossAndGradient(d.output(), b, outputs, targets, 0, d.outputGradient());
    }

    int correct(Dataset data, int b) {
      if (!data.isClassification()) {
        return 0;
      }
      return f != null
          ? SoftmaxCrossEntropy.correct(f.output(), b, outputs, labels, 0)
          : SoftmaxCrossEntropy.correct(d.output(), b, outputs, labels, 0);
    }
  }

  /** One call of {@link #fit}: its buffers and counters. */
  private final class Run {
    final Network net;
    final Dataset train;
    final Scratch s;
    long step;
    long skipped;

    Run(Network net, Dataset train) {
      this.net = net;
      this.train = train;
      this.s = new Scratch(net, train.size());
    }

    EpochMetrics epoch(int epoch, long totalSteps, Dataset validation) {
      // Each epoch's order depends on the seed and the epoch alone, so a resumed run sees the same.
      for (int i = 0; i < s.order.length; i++) {
        s.order[i] = i;
      }
      shuffle(s.order, new SplittableRandom(seed * 1_000_003L + epoch));
      long start = System.nanoTime();
      double lossSum = 0;
      long correct = 0;
      long seen = 0;
      long skippedBefore = skipped;
      double rate = optimizer.learningRate();
      Progress bar = progress ? Progress.start(net.name() + " epoch " + epoch, train.size()) : Progress.NONE;
      try {
        for (int at = 0; at < train.size() && step < totalSteps; at += batchSize) {
          int b = Math.min(batchSize, train.size() - at);
          step++;
          s.load(train, at, b);
          net.forward(b);
          double loss = s.lossAndGradient(train, at, b);
          int right = s.correct(train, b);
          rate = schedule.rate(optimizer.learningRate(), step - 1, totalSteps);
          if (!Double.isFinite(loss)) {
            if (nonFinite(epoch, "loss")) {
              continue;
            }
          }
          net.zeroGradients();
          net.backward(b, false);
          String bad = firstNonFiniteLayer(net);
          if (bad != null && nonFinite(epoch, "gradient of layer " + bad)) {
            continue;
          }
          if (clipNorm > 0) {
            GradientClipping.clipByGlobalNorm(net, clipNorm);
          }
          optimizer.step(net, rate);
          lossSum += loss;
          correct += right;
          seen += b;
          for (int l = 0; l < listeners.size(); l++) { // indexed: no iterator on the hot path
            listeners.get(l).onStep(epoch, step, loss / b);
          }
          bar.advance(b, lossSum / Math.max(seen, 1), (double) correct / Math.max(seen, 1));
        }
      } finally {
        bar.close();
      }
      Map<String, Double> norms = gradientNorms ? GradientNorms.perLayerMap(net) : Map.of();
      double validationLoss = Double.NaN;
      double validationAccuracy = Double.NaN;
      if (validation != null) {
        Evaluation e = evaluate(net, validation);
        validationLoss = e.loss();
        validationAccuracy = e.accuracy();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new EpochMetrics(epoch, lossSum / Math.max(seen, 1),
          train.isClassification() ? (double) correct / Math.max(seen, 1) : Double.NaN,
          validationLoss, validationAccuracy, rate, seconds, seen / seconds, skipped - skippedBefore, norms);
    }

    /** Returns true when the step is to be skipped, or throws. */
    private boolean nonFinite(int epoch, String where) {
      if (onNonFinite == NonFinitePolicy.SKIP) {
        skipped++;
        return true;
      }
      throw new NonFiniteException(net.name(), epoch, step, where);
    }
  }

  /** The first layer, in forward order, with a non-finite gradient; null when all are finite. */
  static String firstNonFiniteLayer(Network net) {
    ParameterTable table = net.architecture().parameters();
    if (net instanceof FloatNetwork f) {
      float[] g = f.gradients();
      float sum = 0;
      for (float v : g) {
        sum += v * 0; // NaN or ±Inf anywhere makes the sum NaN; one vectorizable pass
      }
      if (sum == 0) {
        return null;
      }
      for (ParameterTable.Parameter p : table.all()) {
        for (int i = p.offset(); i < p.offset() + p.size(); i++) {
          if (!Float.isFinite(g[i])) {
            return p.layer();
          }
        }
      }
    } else {
      double[] g = ((DoubleNetwork) net).gradients();
      for (ParameterTable.Parameter p : table.all()) {
        for (int i = p.offset(); i < p.offset() + p.size(); i++) {
          if (!Double.isFinite(g[i])) {
            return p.layer();
          }
        }
      }
    }
    return null;
  }

  private static void shuffle(int[] order, SplittableRandom random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  /** Configuration of a {@link Trainer}. */
  public static final class Builder {
    private final Optimizer optimizer;
    private Schedule schedule = Schedule.constant();
    private int epochs = 1;
    private int batchSize = 32;
    private long seed;
    private double clipNorm;
    private int patience;
    private double minDelta;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private boolean progress = Progress.enabledByDefault();
    private Path metricsLog;
    private boolean gradientNorms;
    private NonFinitePolicy onNonFinite = NonFinitePolicy.FAIL;
    private long maxSteps;
    private int completedEpochs;

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
      this.clipNorm = maxNorm;
      return this;
    }

    /** Stops when the validation loss has not improved by {@code minDelta} for {@code patience} epochs. */
    public Builder earlyStopping(int patience, double minDelta) {
      this.patience = patience;
      this.minDelta = minDelta;
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
      this.maxSteps = maxSteps;
      return this;
    }

    /**
     * Resumes a run whose first {@code completed} epochs are done: training starts at epoch
     * {@code completed + 1} with the same shuffles and schedule position as an uninterrupted run
     * (load the optimizer's state from the checkpoint first).
     */
    public Builder resumeAfter(int completed) {
      if (completed < 0) {
        throw new IllegalArgumentException("completed epochs must be ≥ 0, got " + completed);
      }
      this.completedEpochs = completed;
      return this;
    }

    /** The trainer. */
    public Trainer build() {
      return new Trainer(this);
    }
  }
}
