package dev.shortcut.examples.experiment;

import dev.shortcut.examples.paper.CifarFamily;
import dev.shortcut.examples.paper.Deep1202Family;
import dev.shortcut.examples.paper.FashionFamily;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.data.ChannelStandardization;
import dev.shortcut.runtime.data.Cifar10;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.DatasetException;
import dev.shortcut.runtime.data.FashionMnist;
import dev.shortcut.runtime.data.ImageAugmentation;
import dev.shortcut.runtime.optim.Schedule;
import dev.shortcut.runtime.optim.Sgd;
import dev.shortcut.runtime.sweep.CellContext;
import dev.shortcut.runtime.sweep.CellResult;
import dev.shortcut.runtime.sweep.CellTrainer;
import dev.shortcut.runtime.sweep.NetworkSpec;
import dev.shortcut.runtime.sweep.Shard;
import dev.shortcut.runtime.sweep.SharedData;
import dev.shortcut.runtime.sweep.Sweep;
import dev.shortcut.runtime.sweep.SweepCell;
import dev.shortcut.runtime.sweep.SweepExecutor;
import dev.shortcut.runtime.train.EpochMetrics;
import dev.shortcut.runtime.train.Evaluation;
import dev.shortcut.runtime.train.NonFiniteException;
import dev.shortcut.runtime.train.Trainer;
import dev.shortcut.runtime.train.TrainingListener;
import dev.shortcut.runtime.train.TrainingRun;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paper's own experiment (He et al. 2015, section 4.2 and Figure 6), as far as a CPU allows:
 * the CIFAR family of plain and residual networks (three stages of 16/32/64 filters, option-A
 * shortcuts, batch normalization, global average pooling) trained with the paper's recipe (SGD,
 * momentum 0.9, weight decay 1e-4, learning rate 0.1 divided by 10 at half and three quarters of
 * the run, batch 128, 4-pixel padding with random crops and horizontal flips), fewer epochs than
 * the paper's; then the 1,202-layer pair for a bounded number of steps.
 *
 * <p>Each (variant, depth, seed) is a cell of a {@link Sweep}: its row goes to {@code
 * cells/<id>.json} with the configuration it ran under, its network to {@code
 * checkpoints/<id>.safetensors}, as soon as it finishes; a rerun with the same configuration takes
 * finished cells from there instead of training them again, and any executor (in-process, one
 * shard of a batch job, Spark) can train the others.
 */
final class ConvExperiment {
  /**
   * One configuration of the experiment.
   *
   * @param trainImages training images used (a prefix of the shuffled training set), all when 0
   * @param plainDepths depths of the plain networks trained; residual ones in {@code residualDepths}
   * @param curvePoints evaluations per run for the curves, at regular iterations
   * @param deepSteps steps of each 1,202-layer network, none when 0
   * @param deepEvalImages training and test images each 1,202-layer network is evaluated on
   */
  record Config(String label, int trainImages, int epochs, int batch, List<Integer> plainDepths,
      List<Integer> residualDepths, List<Long> seeds, int curvePoints, int curveTestImages, int deepSteps,
      int deepBatch, int deepEvalImages, int threads) implements Serializable {

    /** What a cell's result depends on: a finished cell is reused only under the same signature. */
    String signature(String data) {
      return String.format(Locale.ROOT, "data=%s images=%d epochs=%d batch=%d curve=%d/%d recipe=paper-sgd-v1",
          data, trainImages, epochs, batch, curvePoints, curveTestImages);
    }
  }

  /**
   * The quick run, a smoke version that fits the main job's ten minutes: 4,000 images, three
   * epochs, two depths a side, one seed, and ten steps of each 1,202-layer network. Too short to
   * show the paper's shape; the full run is the experiment.
   */
  static Config quick(int threads) {
    return new Config("quick", 4_000, 3, 128, List.of(20, 32), List.of(20, 32), List.of(1L), 10, 1_000, 10, 8,
        128, threads);
  }

  /**
   * The full run, a little over an hour on two cores: the paper's depths (plain 20 to 56, residual
   * 20 to 110), two seeds, 8,000 images for three epochs (189 iterations of batch 128; the paper
   * trains 64,000), curves of ten points on 1,000 test images, and 100 steps of batch 16 of each
   * 1,202-layer network.
   */
  static Config full(int threads) {
    return new Config("full", 8_000, 3, 128, List.of(20, 32, 44, 56), List.of(20, 32, 44, 56, 110),
        List.of(1L, 2L), 10, 1_000, 100, 16, 1_000, threads);
  }

  /**
   * The data: training and test images, standardized per channel, the networks that fit them, and
   * the 1,202-layer pair when one is declared for their channels.
   */
  record Data(String name, Dataset train, Dataset test, List<NetworkSpec> family, List<NetworkSpec> deep) {}

  static Data fashionMnist(Dataset paddedTrain, Dataset paddedTest) {
    ChannelStandardization norm = ChannelStandardization.of(paddedTrain);
    return new Data("Fashion-MNIST, 1×32×32 (28×28 padded)", norm.apply(paddedTrain), norm.apply(paddedTest),
        NetworkSpec.family(FashionFamily.class, FashionFamily.variants()),
        NetworkSpec.family(Deep1202Family.class, Deep1202Family.variants()));
  }

  /** CIFAR-10: the paper's data. The 1,202-layer pair is declared for one channel, so it is left out. */
  static Data cifar10(Dataset train, Dataset test) {
    ChannelStandardization norm = ChannelStandardization.of(train);
    return new Data("CIFAR-10, 3×32×32", norm.apply(train), norm.apply(test),
        NetworkSpec.family(CifarFamily.class, CifarFamily.variants()), List.of());
  }

  /** The data in {@code dir} as the main job reads it: CIFAR-10 when it holds it, else padded Fashion-MNIST. */
  static Data load(Path dir) throws DatasetException {
    if (Cifar10.isDirectory(dir)) {
      Cifar10.Splits splits = Cifar10.load(dir);
      return cifar10(splits.train(), splits.test());
    }
    FashionMnist.Splits splits = FashionMnist.loadPadded(dir);
    return fashionMnist(splits.train(), splits.test());
  }

  /**
   * The data in {@code dir}, loaded here, and by each Spark executor from the same path (which must
   * exist on every machine of a cluster).
   */
  static SharedData<Data> shared(Path dir) throws DatasetException {
    String path = dir.toAbsolutePath().toString();
    return SharedData.of("conv-experiment:" + path, load(dir), () -> load(Path.of(path)));
  }

  private final Config config;
  private final SharedData<Data> data;
  private final Path out;

  ConvExperiment(Config config, SharedData<Data> data, Path out) {
    this.config = config;
    this.data = data;
    this.out = out;
  }

  /** The sweep's runs and the very deep runs (only the finished ones), and how many cells are not. */
  record Results(List<RunRecord> runs, List<RunRecord> deep, int unfinished) {}

  /** The cells of the sweep: each seed, then each network of the configured depths. */
  List<SweepCell> cells() {
    List<SweepCell> cells = new ArrayList<>();
    for (long seed : config.seeds()) {
      for (NetworkSpec n : data.get().family()) {
        List<Integer> depths = n.residual() ? config.residualDepths() : config.plainDepths();
        if (depths.contains(n.layers())) {
          cells.add(new SweepCell(n, seed));
        }
      }
    }
    return cells;
  }

  /** The 1,202-layer pair's cells, at the first seed; none when no deep steps are configured. */
  List<SweepCell> deepCells() {
    List<SweepCell> cells = new ArrayList<>();
    if (config.deepSteps() > 0) {
      for (NetworkSpec n : data.get().deep()) {
        cells.add(new SweepCell(n, config.seeds().get(0)));
      }
    }
    return cells;
  }

  Sweep sweep() {
    return new Sweep(out, new Cells(config, data, data.get().name(), false), config.threads());
  }

  Sweep deepSweep() {
    return new Sweep(out, new Cells(config, data, data.get().name(), true), config.threads());
  }

  /**
   * Trains this shard's unfinished cells on {@code executor}, then reads every finished cell of the
   * whole experiment; writes everything under {@code out}.
   */
  Results run(SweepExecutor executor, Shard shard) throws IOException {
    Files.createDirectories(out);
    Data d = data.get();
    System.out.printf(Locale.ROOT, "%nThe paper's experiment (%s): %s, %,d training images, %d epochs, batch %d,"
            + " SGD momentum 0.9, weight decay 1e-4, learning rate 0.1 ÷ 10 at 50%% and 75%%, augmentation,"
            + " %s per run, %s%s%n", config.label(), d.name(),
        config.trainImages() == 0 ? d.train().size() : Math.min(config.trainImages(), d.train().size()),
        config.epochs(), config.batch(), Reproduce.threads(config.threads()), executor.describe(),
        shard.count() == 1 ? "" : ", shard " + shard);
    Sweep sweep = sweep();
    Sweep deepSweep = deepSweep();
    report(sweep.run(shard.select(cells()), executor), sweep);
    report(deepSweep.run(shard.select(deepCells()), executor), deepSweep);
    List<RunRecord> runs = new ArrayList<>();
    List<RunRecord> deep = new ArrayList<>();
    int unfinished = RunRecord.collect(sweep, cells(), runs)
        + RunRecord.collect(deepSweep, deepCells(), deep);
    return new Results(runs, deep, unfinished);
  }

  private static void report(List<CellResult> results, Sweep sweep) {
    for (CellResult c : results) {
      if (c.reused()) {
        RunRecord r = RunRecord.fromJson(c.row());
        System.out.printf(Locale.ROOT, "  %-9s %4d layers, seed %d: done before (%s), train error %5.2f%%, test"
            + " error %5.2f%%%n", r.variant(), r.layers(), r.seed(), sweep.rowFile(c.cell()),
            100 * r.finalTrainError(), 100 * r.finalTestError());
      }
    }
  }

  /** Trains one cell of the experiment: a network of the sweep, or one of the 1,202-layer pair. */
  static final class Cells implements CellTrainer {
    private static final long serialVersionUID = 1L;
    private final Config config;
    private final SharedData<Data> data;
    private final String dataName;
    private final boolean deep;
    private transient Dataset train;

    Cells(Config config, SharedData<Data> data, String dataName, boolean deep) {
      this.config = config;
      this.data = data;
      this.dataName = dataName;
      this.deep = deep;
    }

    @Override
    public String signature(SweepCell cell) {
      String signature = config.signature(dataName);
      return deep ? signature + String.format(Locale.ROOT, " deep=%d/%d/%d start=0.01-then-0.1",
          config.deepSteps(), config.deepBatch(), config.deepEvalImages()) : signature;
    }

    @Override
    public String train(SweepCell cell, CellContext context) throws IOException {
      RunRecord r = deep ? deep(cell, context) : sweep(cell, context);
      return r.toJson(true);
    }

    /** The training images of the configuration: made once per JVM, shared by its cells. */
    private synchronized Dataset trainingSet() {
      if (train == null) {
        Dataset all = data.get().train();
        train = config.trainImages() == 0 ? all : all.head(config.trainImages());
      }
      return train;
    }

    private RunRecord sweep(SweepCell cell, CellContext context) throws IOException {
      NetworkSpec v = cell.network();
      long seed = cell.seed();
      Dataset train = trainingSet();
      Dataset test = data.get().test();
      Network net = context.createNetwork(config.batch());
      long stepsPerEpoch = (train.size() + config.batch() - 1) / config.batch();
      long totalSteps = stepsPerEpoch * config.epochs();
      java.util.Set<Long> curveSteps = new java.util.TreeSet<>();
      for (int k = 1; k <= config.curvePoints(); k++) {
        curveSteps.add(Math.max(1, Math.round(k * (double) totalSteps / config.curvePoints())));
      }
      Dataset curveTest = test.head(config.curveTestImages());
      List<Double> trainError = new ArrayList<>();
      List<Double> testError = new ArrayList<>();
      Curve curve = new Curve(net, curveTest, curveSteps);
      // The paper warms its deepest networks up at 0.01 for about 400 iterations; 110 layers here too.
      Schedule schedule = Schedule.multiStep(0.1, 0.5, 0.75);
      if (v.layers() >= 110) {
        schedule = schedule.withConstantWarmup(Math.min(400, totalSteps / 10 + 1), 0.1);
      }
      Trainer trainer = Trainer.builder(Sgd.withLearningRate(0.1).momentum(0.9).weightDecay(1e-4))
          .schedule(schedule).epochs(config.epochs()).batchSize(config.batch()).seed(seed)
          .augmentation(ImageAugmentation.paperCifar())
          .progress(context.progressBar())
          .listener(curve)
          .listener(new TrainingListener() {
            @Override
            public boolean onEpochEnd(EpochMetrics m) {
              // Between epochs the errors of subsets keep evaluation cheap; the last epoch's are
              // those of the whole training and test sets, in evaluation mode.
              boolean last = m.epoch() == config.epochs();
              trainError.add(Trainer.evaluate(net, last ? train : train.head(config.curveTestImages())).error());
              testError.add(last ? Trainer.evaluate(net, test).error() : 1 - m.validationAccuracy());
              return true;
            }
          })
          .build();
      long t0 = System.nanoTime();
      trainer.fit(net, train, curveTest);
      double seconds = (System.nanoTime() - t0) / 1e9;
      RunRecord r = new RunRecord(v.variant(), v.layers(), config.epochs(), seed, trainError, testError, seconds,
          List.of(), seconds / totalSteps, curve.iterations, curve.trainError, curve.testError);
      context.saveCheckpoint(net, null, Map.of("seed", Long.toString(seed), "epochs",
          Integer.toString(config.epochs()), "data", dataName));
      System.out.printf(Locale.ROOT, "  %-9s %4d layers, seed %d: train error %5.2f%%, test error %5.2f%% (%.0f s)%n",
          v.variant(), v.layers(), seed, 100 * r.finalTrainError(), 100 * r.finalTestError(), seconds);
      return r;
    }

    /**
     * A 1,202-layer network for a bounded number of steps: the paper's warm-up rate 0.01, then
     * 0.1, its loss logged every few steps, then its error on {@code deepEvalImages} training and
     * test images. A run whose update is refused (a plain network this deep overflows float on its
     * way back to the stem, as PyTorch's twin does) is a result, recorded with its reason.
     */
    private RunRecord deep(SweepCell cell, CellContext context) throws IOException {
      NetworkSpec v = cell.network();
      long seed = cell.seed();
      Dataset train = trainingSet();
      Network net = context.createNetwork(config.deepBatch());
      int logEvery = Math.max(1, config.deepSteps() / 12);
      List<Double> logged = new ArrayList<>();
      double[] window = new double[2];
      long[] taken = new long[1];
      int epochs = (int) Math.ceil(config.deepSteps() * (double) config.deepBatch() / train.size());
      // The paper's start for ResNet-1202: 0.01 until training is under way, then 0.1 (here for the
      // first fifth of the steps, which the paper's "error below 80 %" takes at this budget).
      Schedule warmup = Schedule.constant().withConstantWarmup(Math.max(1, config.deepSteps() / 5), 0.1);
      Trainer trainer = Trainer.builder(Sgd.withLearningRate(0.1).momentum(0.9).weightDecay(1e-4))
          .schedule(warmup)
          .epochs(epochs).batchSize(config.deepBatch()).seed(seed).maxSteps(config.deepSteps())
          .augmentation(ImageAugmentation.paperCifar())
          .progress(context.progressBar())
          .listener(new TrainingListener() {
            @Override
            public void onStep(int epoch, long step, double loss) {
              taken[0] = step;
              window[0] += loss;
              window[1]++;
              if (step % logEvery == 0) {
                logged.add(window[0] / window[1]);
                window[0] = 0;
                window[1] = 0;
              }
            }
          }).build();
      System.out.printf(Locale.ROOT, "  %-9s %4d layers: %d steps of batch %d ...%n", v.variant(), v.layers(),
          config.deepSteps(), config.deepBatch());
      long t0 = System.nanoTime();
      String stopped = "";
      try {
        trainer.fit(net, train, null);
      } catch (NonFiniteException e) {
        stopped = String.format(Locale.ROOT, "after %d of %d steps: %s", taken[0], config.deepSteps(),
            e.getMessage());
      }
      long steps = Math.max(taken[0], 1);
      double seconds = (System.nanoTime() - t0) / 1e9;
      Evaluation trainEval = Trainer.evaluate(net, train.head(config.deepEvalImages()));
      Evaluation testEval = Trainer.evaluate(net, data.get().test().head(config.deepEvalImages()));
      RunRecord r = new RunRecord(v.variant(), v.layers(), epochs, seed, List.of(trainEval.error()),
          List.of(testEval.error()), seconds, logged, seconds / steps, List.of(), List.of(), List.of(), stopped);
      context.saveCheckpoint(net, null, Map.of("seed", Long.toString(seed), "steps", Long.toString(taken[0]),
          "data", dataName));
      if (stopped.isEmpty()) {
        System.out.printf(Locale.ROOT, "  %-9s %4d layers: loss %.3f → %.3f over %d steps, error on %,d training"
                + " images %.1f%%, %.1f s per step%n", v.variant(), v.layers(), logged.get(0),
            logged.get(logged.size() - 1), taken[0], config.deepEvalImages(), 100 * trainEval.error(),
            seconds / steps);
      } else {
        System.out.printf(Locale.ROOT, "  %-9s %4d layers: stopped %s%n", v.variant(), v.layers(), stopped);
      }
      return r;
    }
  }

  /**
   * The Figure 6 curves: at regular iterations, the training error of the steps since the last
   * point (the augmented batches, in training mode, as the paper plots it) and the error on a fixed
   * part of the test set (evaluation mode).
   */
  private static final class Curve implements TrainingListener {
    final List<Double> iterations = new ArrayList<>();
    final List<Double> trainError = new ArrayList<>();
    final List<Double> testError = new ArrayList<>();
    private final Network net;
    private final Dataset test;
    private final java.util.Set<Long> at;
    private TrainingRun run;
    private double correctAtLastPoint;
    private long samplesAtLastPoint;

    Curve(Network net, Dataset test, java.util.Set<Long> at) {
      this.net = net;
      this.test = test;
      this.at = at;
    }

    @Override
    public void onTrainBegin(TrainingRun run) {
      this.run = run;
    }

    @Override
    public void onEpochBegin(int epoch) {
      correctAtLastPoint = 0;
      samplesAtLastPoint = 0;
    }

    @Override
    public void onStep(int epoch, long step, double loss) {
      if (!at.contains(step)) {
        return;
      }
      double correct = run.epochAccuracy() * run.epochSamples();
      long samples = run.epochSamples() - samplesAtLastPoint;
      iterations.add((double) step);
      trainError.add(samples == 0 ? Double.NaN : 1 - (correct - correctAtLastPoint) / samples);
      testError.add(Trainer.evaluate(net, test).error());
      correctAtLastPoint = correct;
      samplesAtLastPoint = run.epochSamples();
    }
  }
}
