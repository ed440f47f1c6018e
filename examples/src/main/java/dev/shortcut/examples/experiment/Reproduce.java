package dev.shortcut.examples.experiment;

import dev.shortcut.annotations.Init;
import dev.shortcut.examples.lecture.LectureFamily;
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
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.optim.Sgd;
import dev.shortcut.runtime.report.GradientNorms;
import dev.shortcut.runtime.report.ModelSummary;
import dev.shortcut.runtime.train.EpochMetrics;
import dev.shortcut.runtime.train.Evaluation;
import dev.shortcut.runtime.train.NonFiniteException;
import dev.shortcut.runtime.train.Trainer;
import dev.shortcut.runtime.train.TrainingListener;
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
 * over the whole training set and test error after every epoch; then trains a 1,002-layer pair.
 * Writes {@code results/degradation.json}, the figures and {@code results/README.md}.
 */
public final class Reproduce {
  /**
   * Configuration of one run of the job.
   *
   * @param parts which experiments run: {@code "dense"}, {@code "conv"}, or both
   */
  record Config(List<Long> seeds, int epochs, int batch, int deepSteps, Path data, Path out, int threads, String label,
      boolean full, java.util.Set<String> parts) {}

  private static final int WIDTH = 64;

  private Reproduce() {}

  public static void main(String[] args) throws IOException {
    Config config;
    try {
      config = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("reproduce: " + e.getMessage());
      System.err.println("usage: ./reproduce.sh [--full] [--data DIR] [--out DIR] [--threads N] [--only dense|conv]");
      System.exit(2);
      return;
    }
    long start = System.nanoTime();
    try {
      boolean cifar = Cifar10.isDirectory(config.data());
      if (cifar && config.parts().contains("dense")) {
        System.out.println("reproduce: " + config.data() + " holds CIFAR-10: the dense experiment is Fashion-MNIST's "
            + "(784 inputs) and is skipped; running the convolutional one on CIFAR-10");
      }
      if (!cifar && config.parts().contains("dense")) {
        new Reproduce().run(config, FashionMnist.load(config.data()));
      }
      if (config.parts().contains("conv")) {
        ConvExperiment.Data data;
        if (cifar) {
          Cifar10.Splits splits = Cifar10.load(config.data());
          data = ConvExperiment.cifar10(splits.train(), splits.test());
        } else {
          FashionMnist.Splits splits = FashionMnist.loadPadded(config.data());
          data = ConvExperiment.fashionMnist(splits.train(), splits.test());
        }
        convolutional(config, data);
      }
    } catch (DatasetException e) {
      System.err.println("reproduce: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.out.printf(Locale.ROOT, "done in %.1f minutes; see %s/README.md%n", (System.nanoTime() - start) / 6e10,
        config.out());
  }

  /** The paper's experiment: the sweep, the 1,202-layer pair, their figures and their section. */
  static void convolutional(Config config, ConvExperiment.Data data) throws IOException {
    ConvExperiment.Config conv = config.full() ? ConvExperiment.full(config.threads())
        : ConvExperiment.quick(config.threads());
    Path dir = config.out().resolve("conv");
    ConvExperiment.Results results = new ConvExperiment(conv, data, dir).run();
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
  }

  static Config parse(String[] args) {
    boolean full = false;
    Path data = FashionMnist.DEFAULT_DIR;
    Path out = Path.of("results");
    int threads = Runtime.getRuntime().availableProcessors();
    java.util.Set<String> parts = new java.util.LinkedHashSet<>(List.of("dense", "conv"));
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
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    return full
        ? new Config(List.of(1L, 2L, 3L), 2, 128, 500, data, out, threads, "full", true, parts)
        : new Config(List.of(1L, 2L), 2, 128, 200, data, out, threads, "quick", false, parts);
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

  /** The lecture's experiment on dense networks. */
  void run(Config c, FashionMnist.Splits data) throws IOException {
    Files.createDirectories(c.out().resolve("checkpoints"));
    Kernels kernels = Kernels.withThreads(c.threads());
    List<NetworkVariant<FloatNetwork>> family = LectureFamily.variants();
    NetworkVariant<FloatNetwork> deepest = family.stream().filter(NetworkVariant::residual)
        .max((a, b) -> Integer.compare(a.layers(), b.layers())).orElseThrow();
    System.out.println(ModelSummary.of(deepest.create(1).architecture()).lines().limit(12)
        .reduce("", (a, b) -> a + b + "\n") + "  ...\n");
    System.out.printf(Locale.ROOT, "Sweep (%s): %d networks × %d seeds, %d epochs each, batch %d, Adam 1e-3, %d threads%n",
        c.label(), family.size(), c.seeds().size(), c.epochs(), c.batch(), c.threads());

    List<RunRecord> runs = new ArrayList<>();
    Map<String, double[]> norms = new LinkedHashMap<>();
    for (long seed : c.seeds()) {
      for (NetworkVariant<FloatNetwork> v : family) {
        Network net = v.create(c.batch(), seed, kernels);
        boolean measureNorms = seed == c.seeds().get(0) && v.layers() == deepest.layers();
        if (measureNorms) {
          norms.put(v.variantName() + " at init", gradientNorms(net, data.train()));
        }
        RunRecord r = train(net, v, seed, c, data);
        runs.add(r);
        if (measureNorms) {
          norms.put(v.variantName() + " trained", gradientNorms(net, data.train()));
        }
        if (seed == c.seeds().get(0)) {
          Checkpoints.save(net, null, c.out().resolve("checkpoints").resolve(v.variantName() + "-" + v.layers()
              + ".safetensors"), Map.of("seed", Long.toString(seed), "epochs", Integer.toString(c.epochs())));
        }
        System.out.printf(Locale.ROOT, "  seed %d %-9s %3d layers: train error %5.2f%%, test error %5.2f%% (%.0f s)%n",
            seed, v.variantName(), v.layers(), 100 * r.finalTrainError(), 100 * r.finalTestError(), r.seconds());
      }
    }

    List<RunRecord> deep = new ArrayList<>();
    String deepNotes = veryDeep(c, data, kernels, deep);

    Files.writeString(c.out().resolve("degradation.json"), Json.records(concat(runs, deep)));
    Figures.save(Figures.errorVersusDepth(runs), c.out(), "error-vs-depth");
    Figures.save(Figures.errorVersusEpoch(runs), c.out(), "error-vs-epoch");
    Figures.save(Figures.gradientNorms(deepest.layers(), norms), c.out(), "gradient-norms");
    if (!deep.isEmpty()) {
      Figures.save(Figures.deepLoss(deep, DEEP_LOG_EVERY), c.out(), "deep-loss");
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
  }

  private static RunRecord train(Network net, NetworkVariant<FloatNetwork> v, long seed, Config c, FashionMnist.Splits data) {
    List<Double> trainError = new ArrayList<>();
    List<Double> testError = new ArrayList<>();
    Trainer trainer = Trainer.builder(Adam.withLearningRate(1e-3)).epochs(c.epochs()).batchSize(c.batch()).seed(seed)
        .listener(new TrainingListener() {
          @Override
          public boolean onEpochEnd(EpochMetrics m) {
            trainError.add(Trainer.evaluate(net, data.train()).error());
            testError.add(1 - m.validationAccuracy());
            return true;
          }
        })
        .build();
    long t0 = System.nanoTime();
    trainer.fit(net, data.train(), data.test());
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new RunRecord(v.variantName(), v.layers(), c.epochs(), seed, trainError, testError, seconds, List.of(), 0);
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

  static final int DEEP_LOG_EVERY = 10;

  /** The 1,002-layer pair: SGD with momentum, a few hundred steps, loss logged every ten. */
  private static String veryDeep(Config c, FashionMnist.Splits data, Kernels kernels, List<RunRecord> out)
      throws IOException {
    System.out.printf(Locale.ROOT, "%nVery deep: 1,002 layers, SGD momentum 0.9, learning rate 1e-3, %d steps%n",
        c.deepSteps());
    StringBuilder notes = new StringBuilder();
    for (NetworkVariant<FloatNetwork> v : VeryDeepFamily.variants()) {
      long seed = c.seeds().get(0);
      Network net = v.create(c.batch(), seed, kernels);
      List<Double> logged = new ArrayList<>();
      double[] window = new double[1];
      // As many epochs as the step budget needs; maxSteps ends the run.
      int epochs = (int) Math.ceil(c.deepSteps() * (double) c.batch() / data.train().size());
      Trainer trainer = Trainer.builder(Sgd.withLearningRate(1e-3).momentum(0.9)).epochs(epochs)
          .batchSize(c.batch()).seed(seed).maxSteps(c.deepSteps())
          .listener(new TrainingListener() {
            @Override
            public void onStep(int epoch, long step, double loss) {
              window[0] += loss;
              if (step % DEEP_LOG_EVERY == 0) {
                logged.add(window[0] / DEEP_LOG_EVERY);
                window[0] = 0;
              }
            }
          }).build();
      long t0 = System.nanoTime();
      long steps = trainer.fit(net, data.train(), null).steps();
      double seconds = (System.nanoTime() - t0) / 1e9;
      Evaluation train = Trainer.evaluate(net, data.train().head(10_000));
      Evaluation test = Trainer.evaluate(net, data.test());
      out.add(new RunRecord(v.variantName(), v.layers(), epochs, seed, List.of(train.error()), List.of(test.error()),
          seconds, logged, seconds / steps));
      Checkpoints.save(net, null, c.out().resolve("checkpoints").resolve(v.variantName() + "-" + v.layers()
          + ".safetensors"), Map.of("seed", Long.toString(seed), "steps", Integer.toString(c.deepSteps())));
      System.out.printf(Locale.ROOT, "  %-9s %d layers: loss %.3f → %.3f, train error %.1f%% (first 10k), %.0f ms/step%n",
          v.variantName(), v.layers(), logged.get(0), logged.get(logged.size() - 1), 100 * train.error(),
          1000 * seconds / steps);
    }
    // Without zero-initialized block outputs the residual stack's variance grows with depth.
    NetworkVariant<FloatNetwork> residual = VeryDeepFamily.variants().stream().filter(NetworkVariant::residual).findFirst().orElseThrow();
    Network he = residual.create(c.batch(), c.seeds().get(0), kernels);
    Initialization.declared().override("body.*.fc2.weight", Init.HE_NORMAL).initialize(he, c.seeds().get(0));
    try {
      Trainer.builder(Sgd.withLearningRate(1e-3).momentum(0.9)).batchSize(c.batch()).maxSteps(3).progress(false)
          .build().fit(he, data.train(), null);
      notes.append("With He initialization on every layer (no zeroing) the 1,002-layer residual network "
          + "trained 3 steps without overflow.");
    } catch (NonFiniteException e) {
      notes.append("With He initialization on every layer, including each block's last, the residual network "
          + "does not start: Shortcut stops with \"").append(e.getMessage()).append("\"");
    }
    System.out.println("  " + notes);
    return notes.toString();
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
