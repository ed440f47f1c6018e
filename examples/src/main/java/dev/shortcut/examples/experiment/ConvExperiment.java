package dev.shortcut.examples.experiment;

import dev.shortcut.examples.paper.CifarFamily;
import dev.shortcut.examples.paper.Deep1202Family;
import dev.shortcut.examples.paper.FashionFamily;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.NetworkVariant;
import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.data.ChannelStandardization;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.ImageAugmentation;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.optim.Schedule;
import dev.shortcut.runtime.optim.Sgd;
import dev.shortcut.runtime.train.EpochMetrics;
import dev.shortcut.runtime.train.Evaluation;
import dev.shortcut.runtime.train.NonFiniteException;
import dev.shortcut.runtime.train.Trainer;
import dev.shortcut.runtime.train.TrainingListener;
import dev.shortcut.runtime.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * <p>Each (variant, depth, seed) is a cell whose result is written as soon as it finishes, under
 * {@code cells/}, with the configuration it ran under: a rerun with the same configuration takes
 * finished cells from there instead of training them again.
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
      int deepBatch, int deepEvalImages, int threads) {

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
   * The full run, about two hours on two cores: the paper's depths (plain 20 to 56, residual 20 to
   * 110), two seeds, 16,000 images for three epochs (375 iterations of batch 128; the paper trains
   * 64,000), and 100 steps of batch 16 of each 1,202-layer network.
   */
  static Config full(int threads) {
    return new Config("full", 16_000, 3, 128, List.of(20, 32, 44, 56), List.of(20, 32, 44, 56, 110),
        List.of(1L, 2L), 15, 2_000, 100, 16, 1_000, threads);
  }

  /**
   * The data: training and test images, standardized per channel, the networks that fit them, and
   * the 1,202-layer pair when one is declared for their channels.
   */
  record Data(String name, Dataset train, Dataset test, List<NetworkVariant<FloatNetwork>> family,
      List<NetworkVariant<FloatNetwork>> deep) {}

  static Data fashionMnist(Dataset paddedTrain, Dataset paddedTest) {
    ChannelStandardization norm = ChannelStandardization.of(paddedTrain);
    return new Data("Fashion-MNIST, 1×32×32 (28×28 padded)", norm.apply(paddedTrain), norm.apply(paddedTest),
        FashionFamily.variants(), Deep1202Family.variants());
  }

  /** CIFAR-10: the paper's data. The 1,202-layer pair is declared for one channel, so it is left out. */
  static Data cifar10(Dataset train, Dataset test) {
    ChannelStandardization norm = ChannelStandardization.of(train);
    return new Data("CIFAR-10, 3×32×32", norm.apply(train), norm.apply(test), CifarFamily.variants(), List.of());
  }

  private final Config config;
  private final Data data;
  private final Path out;
  private final Kernels kernels;

  ConvExperiment(Config config, Data data, Path out) {
    this.config = config;
    this.data = data;
    this.out = out;
    this.kernels = Kernels.withThreads(config.threads());
  }

  /** The runs of the sweep, then of the very deep pair; writes everything under {@code out}. */
  Results run() throws IOException {
    Files.createDirectories(out.resolve("cells"));
    Files.createDirectories(out.resolve("checkpoints"));
    Dataset train = config.trainImages() == 0 ? data.train() : data.train().head(config.trainImages());
    System.out.printf(Locale.ROOT, "%nThe paper's experiment (%s): %s, %,d training images, %d epochs, batch %d,"
            + " SGD momentum 0.9, weight decay 1e-4, learning rate 0.1 ÷ 10 at 50%% and 75%%, augmentation,"
            + " %d threads%n", config.label(), data.name(), train.size(), config.epochs(), config.batch(),
        config.threads());
    List<RunRecord> runs = new ArrayList<>();
    for (long seed : config.seeds()) {
      for (NetworkVariant<FloatNetwork> v : data.family()) {
        List<Integer> depths = v.residual() ? config.residualDepths() : config.plainDepths();
        if (depths.contains(v.layers())) {
          runs.add(cell(v, seed, train));
        }
      }
    }
    List<RunRecord> deep = new ArrayList<>();
    if (config.deepSteps() > 0) {
      for (NetworkVariant<FloatNetwork> v : data.deep()) {
        deep.add(deepCell(v, config.seeds().get(0), train));
      }
    }
    return new Results(runs, deep);
  }

  /** The sweep's runs and the very deep runs. */
  record Results(List<RunRecord> runs, List<RunRecord> deep) {}

  private RunRecord cell(NetworkVariant<FloatNetwork> v, long seed, Dataset train) throws IOException {
    String id = v.variantName() + "-" + v.layers() + "-seed" + seed;
    Path file = out.resolve("cells").resolve(id + ".json");
    String signature = config.signature(data.name());
    RunRecord done = CellFiles.read(file, signature);
    if (done != null) {
      System.out.printf(Locale.ROOT, "  %-9s %4d layers, seed %d: done before (%s), train error %5.2f%%, test"
          + " error %5.2f%%%n", v.variantName(), v.layers(), seed, file, 100 * done.finalTrainError(),
          100 * done.finalTestError());
      return done;
    }
    Network net = v.create(config.batch(), seed, kernels);
    long stepsPerEpoch = (train.size() + config.batch() - 1) / config.batch();
    long totalSteps = stepsPerEpoch * config.epochs();
    java.util.Set<Long> curveSteps = new java.util.TreeSet<>();
    for (int k = 1; k <= config.curvePoints(); k++) {
      curveSteps.add(Math.max(1, Math.round(k * (double) totalSteps / config.curvePoints())));
    }
    Dataset curveTest = data.test().head(config.curveTestImages());
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
        .listener(curve)
        .listener(new TrainingListener() {
          @Override
          public boolean onEpochEnd(EpochMetrics m) {
            // Between epochs the errors of subsets keep evaluation cheap; the last epoch's are
            // those of the whole training and test sets, in evaluation mode.
            boolean last = m.epoch() == config.epochs();
            trainError.add(Trainer.evaluate(net, last ? train : train.head(config.curveTestImages())).error());
            testError.add(last ? Trainer.evaluate(net, data.test()).error() : 1 - m.validationAccuracy());
            return true;
          }
        })
        .build();
    long t0 = System.nanoTime();
    trainer.fit(net, train, curveTest);
    double seconds = (System.nanoTime() - t0) / 1e9;
    RunRecord r = new RunRecord(v.variantName(), v.layers(), config.epochs(), seed, trainError, testError, seconds,
        List.of(), seconds / totalSteps, curve.iterations, curve.trainError, curve.testError);
    if (seed == config.seeds().get(0)) {
      Checkpoints.save(net, null, out.resolve("checkpoints").resolve(v.variantName() + "-" + v.layers()
          + ".safetensors"), Map.of("seed", Long.toString(seed), "epochs", Integer.toString(config.epochs()),
          "data", data.name()));
    }
    CellFiles.write(file, signature, r);
    System.out.printf(Locale.ROOT, "  %-9s %4d layers, seed %d: train error %5.2f%%, test error %5.2f%% (%.0f s)%n",
        v.variantName(), v.layers(), seed, 100 * r.finalTrainError(), 100 * r.finalTestError(), seconds);
    return r;
  }

  /**
   * A 1,202-layer network for a bounded number of steps: the paper's warm-up rate 0.01, then 0.1,
   * its loss logged every few steps, then its error on {@code deepEvalImages} training and test images.
   */
  private RunRecord deepCell(NetworkVariant<FloatNetwork> v, long seed, Dataset train) throws IOException {
    String id = v.variantName() + "-" + v.layers() + "-seed" + seed;
    Path file = out.resolve("cells").resolve(id + ".json");
    String signature = config.signature(data.name()) + String.format(Locale.ROOT, " deep=%d/%d/%d start=0.01-then-0.1",
        config.deepSteps(), config.deepBatch(), config.deepEvalImages());
    RunRecord done = CellFiles.read(file, signature);
    if (done != null) {
      System.out.printf(Locale.ROOT, "  %-9s %4d layers: done before (%s)%n", v.variantName(), v.layers(), file);
      return done;
    }
    Network net = v.create(config.deepBatch(), seed, kernels);
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
    System.out.printf(Locale.ROOT, "  %-9s %4d layers: %d steps of batch %d ...%n", v.variantName(), v.layers(),
        config.deepSteps(), config.deepBatch());
    long t0 = System.nanoTime();
    String stopped = "";
    try {
      trainer.fit(net, train, null);
    } catch (NonFiniteException e) {
      // A result, not a crash: a plain network this deep overflows float on the way back to its
      // stem (PyTorch's twin does too). The update was refused; the network is as it was.
      stopped = String.format(Locale.ROOT, "after %d of %d steps: %s", taken[0], config.deepSteps(), e.getMessage());
    }
    long steps = Math.max(taken[0], 1);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Evaluation trainEval = Trainer.evaluate(net, train.head(config.deepEvalImages()));
    Evaluation testEval = Trainer.evaluate(net, data.test().head(config.deepEvalImages()));
    RunRecord r = new RunRecord(v.variantName(), v.layers(), epochs, seed, List.of(trainEval.error()),
        List.of(testEval.error()), seconds, logged, seconds / steps, List.of(), List.of(), List.of(), stopped);
    Checkpoints.save(net, null, out.resolve("checkpoints").resolve(v.variantName() + "-" + v.layers()
        + ".safetensors"), Map.of("seed", Long.toString(seed), "steps", Long.toString(taken[0]), "data", data.name()));
    CellFiles.write(file, signature, r);
    if (stopped.isEmpty()) {
      System.out.printf(Locale.ROOT, "  %-9s %4d layers: loss %.3f → %.3f over %d steps, error on %,d training"
              + " images %.1f%%, %.1f s per step%n", v.variantName(), v.layers(), logged.get(0),
          logged.get(logged.size() - 1), taken[0], config.deepEvalImages(), 100 * trainEval.error(), seconds / steps);
    } else {
      System.out.printf(Locale.ROOT, "  %-9s %4d layers: stopped %s%n", v.variantName(), v.layers(), stopped);
    }
    return r;
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

  /** A finished cell's file: its configuration signature and its record, written atomically. */
  static final class CellFiles {
    private CellFiles() {}

    static RunRecord read(Path file, String signature) throws IOException {
      if (!Files.exists(file)) {
        return null;
      }
      RunRecord.Cell cell = RunRecord.Cell.parse(Files.readString(file));
      return cell != null && cell.signature().equals(signature) ? cell.record() : null;
    }

    static void write(Path file, String signature, RunRecord r) throws IOException {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, new RunRecord.Cell(signature, r).toJson());
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
