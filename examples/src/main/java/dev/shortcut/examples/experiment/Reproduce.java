package dev.shortcut.examples.experiment;

import dev.shortcut.annotations.Init;
import dev.shortcut.examples.lecture.VeryDeepFamily;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.NetworkVariant;
import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.data.Cifar10;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.DatasetException;
import dev.shortcut.runtime.data.FashionMnist;
import dev.shortcut.runtime.init.Initialization;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.loss.SoftmaxCrossEntropy;
import dev.shortcut.runtime.optim.Sgd;
import dev.shortcut.runtime.report.GradientNorms;
import dev.shortcut.runtime.report.ModelSummary;
import dev.shortcut.runtime.sweep.NetworkSpec;
import dev.shortcut.runtime.sweep.Shard;
import dev.shortcut.runtime.sweep.SharedData;
import dev.shortcut.runtime.sweep.Sweep;
import dev.shortcut.runtime.sweep.SweepCell;
import dev.shortcut.runtime.sweep.SweepException;
import dev.shortcut.runtime.sweep.SweepExecutor;
import dev.shortcut.runtime.train.NonFiniteException;
import dev.shortcut.runtime.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The main job: the lecture's experiment on Fashion-MNIST. Trains the residual network and its
 * plain twin at 6 to 110 layers with the same optimizer, budget and seeds; records training error
 * over the whole training set and test error after every epoch; then trains a 1,002-layer pair;
 * then the convolutional experiment ({@link ConvExperiment}). Writes {@code
 * results/degradation.json}, the figures and {@code results/README.md}.
 *
 * <p>Every network trained is a cell of a sweep ({@link DenseExperiment}, {@link ConvExperiment}),
 * written under its id as soon as it finishes and reused by a rerun. {@code --executor} chooses
 * where cells train ({@code inprocess}, the default, or {@code spark}); {@code --shard i/N} trains
 * one slice of them, for a batch scheduler's array job, and a last run without it assembles the
 * results.
 */
public final class Reproduce {
  /**
   * Configuration of one run of the job.
   *
   * @param threads kernel threads of each network's training (Spark: {@code spark.task.cpus})
   * @param parts which experiments run: {@code "dense"}, {@code "conv"}, or both
   * @param executor where the cells train: {@code "inprocess"} or {@code "spark"}
   * @param shard the slice of the cells this process trains ({@code 1/1}: all)
   */
  record Config(List<Long> seeds, int epochs, int batch, int deepSteps, Path data, Path out, int threads, String label,
      boolean full, java.util.Set<String> parts, String executor, Shard shard) {}

  static final String USAGE = "usage: ./reproduce.sh [--full] [--data DIR] [--out DIR] [--threads N] "
      + "[--only dense|conv] [--executor inprocess|spark] [--shard i/N]";

  private static final int WIDTH = 64;

  private Reproduce() {}

  public static void main(String[] args) throws IOException {
    Config config;
    SweepExecutor executor;
    try {
      config = parse(args);
      executor = SweepExecutor.named(config.executor());
    } catch (IllegalArgumentException e) {
      System.err.println("reproduce: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    long start = System.nanoTime();
    boolean complete = true;
    try (executor) {
      boolean cifar = Cifar10.isDirectory(config.data());
      if (cifar && config.parts().contains("dense")) {
        System.out.println("reproduce: " + config.data() + " holds CIFAR-10: the dense experiment is Fashion-MNIST's "
            + "(784 inputs) and is skipped; running the convolutional one on CIFAR-10");
      }
      if (!cifar && config.parts().contains("dense")) {
        complete &= new Reproduce().run(config, DenseExperiment.shared(config.data()), executor);
      }
      if (config.parts().contains("conv")) {
        complete &= convolutional(config, ConvExperiment.shared(config.data()), executor);
      }
    } catch (DatasetException e) {
      System.err.println("reproduce: " + e.getMessage());
      System.exit(2);
      return;
    } catch (SweepException e) {
      System.err.println("reproduce: " + e.getMessage());
      System.err.println("Rerun the same command to train the cells that are missing.");
      System.exit(1);
      return;
    }
    System.out.printf(Locale.ROOT, "done in %.1f minutes; %s%n", (System.nanoTime() - start) / 6e10,
        complete ? "see " + config.out() + "/README.md"
            : "shard " + config.shard() + " is finished. When every shard is, run once more without --shard (it "
                + "trains nothing then) to write the tables and figures");
  }

  /**
   * Reports the cells left to other shards; answers whether every cell is finished.
   */
  private static boolean complete(String part, int unfinished, Config config) {
    if (unfinished == 0) {
      return true;
    }
    System.out.printf(Locale.ROOT, "%n%s: %d cells are still to train (shard %s trained its own); the results are "
        + "written when all are finished%n", part, unfinished, config.shard());
    return false;
  }

  /**
   * The paper's experiment: the sweep, the 1,202-layer pair, their figures and their section;
   * answers whether every cell is finished (the rest waits for the other shards).
   */
  static boolean convolutional(Config config, SharedData<ConvExperiment.Data> shared, SweepExecutor executor)
      throws IOException {
    ConvExperiment.Config conv = config.full() ? ConvExperiment.full(config.threads())
        : ConvExperiment.quick(config.threads());
    Path dir = config.out().resolve("conv");
    ConvExperiment.Data data = shared.get();
    ConvExperiment.Results results = new ConvExperiment(conv, shared, dir).run(executor, config.shard());
    if (!complete("convolutional", results.unfinished(), config)) {
      return false;
    }
    List<RunRecord> all = concat(results.runs(), results.deep());
    Files.writeString(dir.resolve("degradation.json"), Json.records(all));
    Figures.save(Figures.errorVersusIterations(results.runs(), "plain"), dir, "curves-plain");
    Figures.save(Figures.errorVersusIterations(results.runs(), "residual"), dir, "curves-residual");
    Figures.save(Figures.errorVersusDepth(results.runs()), dir, "error-vs-depth");
    if (!results.deep().isEmpty()) {
      int every = Math.max(1, conv.deepSteps() / 12);
      Figures.save(Figures.deepLoss(results.deep(), every, "Training loss, 1,202 layers"), dir, "deep-loss");
    }
    String verdict = ConvResultsPage.verdict(results.runs(), results.deep());
    String configuration = String.format(Locale.ROOT, "%s run on %s: %s training images, %d epochs, batch %d, SGD "
            + "with momentum 0.9 and weight decay 1e-4, learning rate 0.1 divided by 10 at 50%% and 75%% of the run "
            + "(0.01 for the first iterations at 110 layers, as the paper does), 4-pixel padding with random crops "
            + "and horizontal flips, per-channel standardization; seeds %s; plain depths %s, residual depths %s. "
            + "The paper trains 64,000 iterations (182 epochs) on 50,000 images; this is %s of that. Training error "
            + "after each epoch is measured on the un-augmented training images in evaluation mode; the curves' "
            + "training error is that of the augmented batches since the previous point (training mode), as the "
            + "paper plots it, and their test error that of the first %,d test images.%s",
        conv.label(), data.name(), conv.trainImages() == 0 ? "all " + String.format(Locale.ROOT, "%,d",
            data.train().size()) : String.format(Locale.ROOT, "%,d", conv.trainImages()), conv.epochs(),
        conv.batch(), conv.seeds(), conv.plainDepths(), conv.residualDepths(),
        String.format(Locale.ROOT, "%.1f %%", 100.0 * conv.epochs() * (conv.trainImages() == 0 ? data.train().size()
            : conv.trainImages()) / (64_000.0 * 128)), conv.curveTestImages(),
        results.deep().isEmpty() ? "" : String.format(Locale.ROOT, " The 1,202-layer pair: %d steps of batch %d, "
            + "learning rate 0.01 for the first %d steps then 0.1, loss logged %d times.", conv.deepSteps(),
            conv.deepBatch(), Math.max(1, conv.deepSteps() / 5), Math.min(12, conv.deepSteps())));
    ConvResultsPage.write(config.out().resolve("README.md"),
        ConvResultsPage.section(configuration, results.runs(), results.deep(), verdict));
    System.out.println();
    System.out.println(ResultsPage.depthTable(results.runs()));
    System.out.println(verdict);
    return true;
  }

  /** {@code "1 thread"}, {@code "2 threads"}. */
  static String threads(int n) {
    return n + (n == 1 ? " thread" : " threads");
  }

  static Config parse(String[] args) {
    boolean full = false;
    Path data = FashionMnist.DEFAULT_DIR;
    Path out = Path.of("results");
    int threads = Runtime.getRuntime().availableProcessors();
    java.util.Set<String> parts = new java.util.LinkedHashSet<>(List.of("dense", "conv"));
    String executor = "inprocess";
    Shard shard = Shard.all();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--full" -> full = true;
        case "--quick" -> full = false;
        case "--data" -> data = Path.of(value(args, ++i, "--data"));
        case "--out" -> out = Path.of(value(args, ++i, "--out"));
        case "--threads" -> threads = positive(value(args, ++i, "--threads"));
        case "--only" -> {
          String part = value(args, ++i, "--only");
          if (!part.equals("dense") && !part.equals("conv")) {
            throw new IllegalArgumentException("--only takes dense or conv, got " + part);
          }
          parts = java.util.Set.of(part);
        }
        case "--executor" -> executor = value(args, ++i, "--executor");
        case "--shard" -> shard = Shard.parse(value(args, ++i, "--shard"));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    return full
        ? new Config(List.of(1L, 2L, 3L), 2, 128, 500, data, out, threads, "full", true, parts, executor, shard)
        : new Config(List.of(1L, 2L), 2, 128, 200, data, out, threads, "quick", false, parts, executor, shard);
  }

  private static int positive(String text) {
    try {
      int n = Integer.parseInt(text);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--threads needs a positive number, got " + text);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  /**
   * The lecture's experiment on dense networks: the sweep and the 1,002-layer pair on {@code
   * executor}, then (once every cell is finished) the gradient norms, figures and page; answers
   * whether every cell is finished.
   */
  boolean run(Config c, SharedData<FashionMnist.Splits> shared, SweepExecutor executor) throws IOException {
    Files.createDirectories(c.out());
    FashionMnist.Splits data = shared.get();
    Kernels kernels = Kernels.withThreads(c.threads());
    List<NetworkSpec> family = DenseExperiment.family();
    int deepestLayers = family.stream().filter(NetworkSpec::residual).mapToInt(NetworkSpec::layers).max()
        .orElseThrow();
    NetworkSpec deepest = family.stream().filter(n -> n.residual() && n.layers() == deepestLayers).findFirst()
        .orElseThrow();
    System.out.println(ModelSummary.of(deepest.create(1, 0, kernels).architecture()).lines().limit(12)
        .reduce("", (a, b) -> a + b + "\n") + "  ...\n");
    System.out.printf(Locale.ROOT, "Sweep (%s): %d networks × %d seeds, %d epochs each, batch %d, Adam 1e-3, %s per "
        + "run, %s%s%n", c.label(), family.size(), c.seeds().size(), c.epochs(), c.batch(), threads(c.threads()),
        executor.describe(), c.shard().count() == 1 ? "" : ", shard " + c.shard());

    DenseExperiment experiment = new DenseExperiment(new DenseExperiment.Recipe(c.epochs(), c.batch(), c.deepSteps()),
        c.seeds(), shared, c.out(), c.threads());
    DenseExperiment.Results results = experiment.run(executor, c.shard());
    if (!complete("dense", results.unfinished(), c)) {
      return false;
    }
    List<RunRecord> runs = results.runs();
    List<RunRecord> deep = results.deep();

    // The deepest pair at the first seed, at initialization and as trained (from its checkpoint).
    Map<String, double[]> norms = new LinkedHashMap<>();
    Sweep sweep = experiment.sweep();
    for (NetworkSpec n : family) {
      if (n.layers() == deepestLayers) {
        SweepCell cell = new SweepCell(n, c.seeds().get(0));
        norms.put(n.variant() + " at init", gradientNorms(cell.network().create(c.batch(), cell.seed(), kernels),
            data.train()));
        Network trained = cell.network().create(c.batch(), cell.seed(), kernels);
        Checkpoints.load(trained, sweep.checkpointFile(cell));
        norms.put(n.variant() + " trained", gradientNorms(trained, data.train()));
      }
    }
    String deepNotes = heInitialization(c, data, kernels);

    Files.writeString(c.out().resolve("degradation.json"), Json.records(concat(runs, deep)));
    Figures.save(Figures.errorVersusDepth(runs), c.out(), "error-vs-depth");
    Figures.save(Figures.errorVersusEpoch(runs), c.out(), "error-vs-epoch");
    Figures.save(Figures.gradientNorms(deepestLayers, norms), c.out(), "gradient-norms");
    if (!deep.isEmpty()) {
      Figures.save(Figures.deepLoss(deep, DenseExperiment.DEEP_LOG_EVERY), c.out(), "deep-loss");
    }
    String verdict = verdict(runs);
    String configuration = String.format(Locale.ROOT,
        "%s run: width %d, batch %d, %d epochs, Adam (learning rate 1e-3), He initialization with each "
            + "residual block's last layer starting at zero, seeds %s, %d kernel threads. Training error is "
            + "measured over all 60,000 training images after each epoch; test error over the 10,000 test images.",
        c.label(), WIDTH, c.batch(), c.epochs(), c.seeds(), c.threads());
    ResultsPage.write(c.out().resolve("README.md"), configuration, runs, deep, deepNotes, verdict);
    System.out.println();
    System.out.println(ResultsPage.depthTable(runs));
    System.out.println(verdict);
    return true;
  }

  /** Norm of each layer's weight gradient on one fixed batch of training data. */
  static double[] gradientNorms(Network net, Dataset train) {
    FloatNetwork f = (FloatNetwork) net;
    int b = net.maxBatch();
    int[] order = new int[b];
    int[] labels = new int[b];
    for (int i = 0; i < b; i++) {
      order[i] = i;
    }
    train.copyRows(order, 0, b, f.input());
    train.copyLabels(order, 0, b, labels);
    net.forward(b);
    SoftmaxCrossEntropy.lossAndGradient(f.output(), b, net.architecture().outputs(), labels, 0, f.outputGradient());
    net.zeroGradients();
    net.backward(b, false);
    return GradientNorms.perLayer(net);
  }

  /**
   * Without zero-initialized block outputs the residual stack's variance grows with depth: the
   * 1,002-layer residual network with He initialization on every layer, for three steps.
   */
  private static String heInitialization(Config c, FashionMnist.Splits data, Kernels kernels) {
    NetworkVariant<FloatNetwork> residual = VeryDeepFamily.variants().stream().filter(NetworkVariant::residual).findFirst()
        .orElseThrow();
    Network he = residual.create(c.batch(), c.seeds().get(0), kernels);
    Initialization.declared().override("body.*.fc2.weight", Init.HE_NORMAL).initialize(he, c.seeds().get(0));
    String notes;
    try {
      Trainer.builder(Sgd.withLearningRate(1e-3).momentum(0.9)).batchSize(c.batch()).maxSteps(3).progress(false)
          .build().fit(he, data.train(), null);
      notes = "With He initialization on every layer (no zeroing) the 1,002-layer residual network "
          + "trained 3 steps without overflow.";
    } catch (NonFiniteException e) {
      notes = "With He initialization on every layer, including each block's last, the residual network "
          + "does not start: Shortcut stops with \"" + e.getMessage() + "\"";
    }
    System.out.println("  " + notes);
    return notes;
  }

  static String verdict(List<RunRecord> runs) {
    Map<String, Map<Integer, List<Double>>> byVariant = new LinkedHashMap<>();
    for (RunRecord r : runs) {
      byVariant.computeIfAbsent(r.variant(), k -> new java.util.TreeMap<>())
          .computeIfAbsent(r.layers(), k -> new ArrayList<>()).add(r.finalTrainError());
    }
    StringBuilder sb = new StringBuilder();
    for (String variant : List.of("plain", "residual")) {
      Map<Integer, List<Double>> m = byVariant.get(variant);
      if (m == null) {
        continue;
      }
      int bestDepth = -1;
      double best = Double.POSITIVE_INFINITY;
      int deepestDepth = -1;
      double deepestError = 0;
      for (Map.Entry<Integer, List<Double>> e : m.entrySet()) {
        double mean = Stats.of(e.getValue()).mean();
        if (mean < best) {
          best = mean;
          bestDepth = e.getKey();
        }
        deepestDepth = e.getKey();
        deepestError = mean;
      }
      sb.append(String.format(Locale.ROOT, "%s: best training error %.2f%% at %d layers; at %d layers %.2f%%. ",
          variant, 100 * best, bestDepth, deepestDepth, 100 * deepestError));
    }
    return sb.toString().trim();
  }

  private static List<RunRecord> concat(List<RunRecord> a, List<RunRecord> b) {
    List<RunRecord> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
