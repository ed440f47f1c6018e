package dev.shortcut.examples.experiment;

import dev.shortcut.annotations.Init;
import dev.shortcut.examples.lecture.LectureFamily;
import dev.shortcut.examples.lecture.VeryDeepFamily;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.NetworkVariant;
import dev.shortcut.runtime.checkpoint.Checkpoints;
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
  /** Configuration of one run of the job. */
  record Config(List<Long> seeds, int epochs, int batch, int deepSteps, Path data, Path out, int threads, String label) {}

  private static final int WIDTH = 64;

  private Reproduce() {}

  public static void main(String[] args) throws IOException {
    Config config;
    try {
      config = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("reproduce: " + e.getMessage());
      System.err.println("usage: ./reproduce.sh [--full] [--data DIR] [--out DIR] [--threads N]");
      System.exit(2);
      return;
    }
    FashionMnist.Splits data;
    try {
      data = FashionMnist.load(config.data());
    } catch (DatasetException e) {
      System.err.println("reproduce: " + e.getMessage());
      System.exit(2);
      return;
    }
    long start = System.nanoTime();
    new Reproduce().run(config, data);
    System.out.printf(Locale.ROOT, "done in %.1f minutes; see %s/README.md%n", (System.nanoTime() - start) / 6e10,
        config.out());
  }

  static Config parse(String[] args) {
    boolean full = false;
    Path data = FashionMnist.DEFAULT_DIR;
    Path out = Path.of("results");
    int threads = Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--full" -> full = true;
        case "--quick" -> full = false;
        case "--data" -> data = Path.of(value(args, ++i, "--data"));
        case "--out" -> out = Path.of(value(args, ++i, "--out"));
        case "--threads" -> threads = positive(value(args, ++i, "--threads"));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    return full
        ? new Config(List.of(1L, 2L, 3L), 2, 128, 500, data, out, threads, "full")
        : new Config(List.of(1L, 2L), 2, 128, 200, data, out, threads, "quick");
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
