package dev.shortcut.examples.experiment;

import dev.shortcut.examples.lecture.LectureFamily;
import dev.shortcut.examples.lecture.VeryDeepFamily;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.data.DatasetException;
import dev.shortcut.runtime.data.FashionMnist;
import dev.shortcut.runtime.optim.Adam;
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
import dev.shortcut.runtime.train.Trainer;
import dev.shortcut.runtime.train.TrainingListener;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The lecture's experiment on dense networks, as two sweeps: the residual networks and their
 * plain twins at 6 to 110 layers for each seed (Adam, the same budget), and the 1,002-layer pair
 * (SGD with momentum, a few hundred steps). Each network is a cell written under its id ({@code
 * cells/<id>.json}, {@code checkpoints/<id>.safetensors}); reruns take finished cells from there.
 */
final class DenseExperiment {
  /** Every {@code DEEP_LOG_EVERY} steps the deep pair's mean loss is logged. */
  static final int DEEP_LOG_EVERY = 10;

  /**
   * What the cells' training depends on.
   *
   * @param deepSteps steps of each 1,002-layer network
   */
  record Recipe(int epochs, int batch, int deepSteps) implements Serializable {}

  /**
   * Fashion-MNIST in {@code dir}, loaded here, and by each Spark executor from the same path (which
   * must exist on every machine of a cluster).
   */
  static SharedData<FashionMnist.Splits> shared(Path dir) throws DatasetException {
    String path = dir.toAbsolutePath().toString();
    return SharedData.of("fashion-mnist:" + path, FashionMnist.load(dir), () -> FashionMnist.load(Path.of(path)));
  }

  private final Recipe recipe;
  private final List<Long> seeds;
  private final SharedData<FashionMnist.Splits> data;
  private final Path out;
  private final int threads;

  DenseExperiment(Recipe recipe, List<Long> seeds, SharedData<FashionMnist.Splits> data, Path out, int threads) {
    this.recipe = recipe;
    this.seeds = seeds;
    this.data = data;
    this.out = out;
    this.threads = threads;
  }

  /** The sweep's networks: the lecture's family, residual then plain, by depth. */
  static List<NetworkSpec> family() {
    return NetworkSpec.family(LectureFamily.class, LectureFamily.variants());
  }

  /** The sweep's cells: each seed, then each network. */
  List<SweepCell> cells() {
    List<SweepCell> cells = new ArrayList<>();
    for (long seed : seeds) {
      for (NetworkSpec n : family()) {
        cells.add(new SweepCell(n, seed));
      }
    }
    return cells;
  }

  /** The 1,002-layer pair's cells, at the first seed. */
  List<SweepCell> deepCells() {
    return NetworkSpec.family(VeryDeepFamily.class, VeryDeepFamily.variants()).stream()
        .map(n -> new SweepCell(n, seeds.get(0))).toList();
  }

  Sweep sweep() {
    return new Sweep(out, new Cells(recipe, data, false), threads);
  }

  Sweep deepSweep() {
    return new Sweep(out, new Cells(recipe, data, true), threads);
  }

  /** The finished runs of the sweep and of the deep pair, and how many cells are not finished. */
  record Results(List<RunRecord> runs, List<RunRecord> deep, int unfinished) {}

  /** Trains this shard's unfinished cells on {@code executor}, then reads every finished cell. */
  Results run(SweepExecutor executor, Shard shard) {
    Sweep sweep = sweep();
    Sweep deepSweep = deepSweep();
    report(sweep.run(shard.select(cells()), executor), sweep);
    System.out.printf(Locale.ROOT, "%nVery deep: 1,002 layers, SGD momentum 0.9, learning rate 1e-3, %d steps%n",
        recipe.deepSteps());
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
        System.out.printf(Locale.ROOT, "  seed %d %-9s %4d layers: done before (%s), train error %5.2f%%, test error "
            + "%5.2f%%%n", r.seed(), r.variant(), r.layers(), sweep.rowFile(c.cell()), 100 * r.finalTrainError(),
            100 * r.finalTestError());
      }
    }
  }

  /** Trains one cell: a network of the sweep with Adam, or one of the 1,002-layer pair with SGD. */
  static final class Cells implements CellTrainer {
    private static final long serialVersionUID = 1L;
    private final Recipe recipe;
    private final SharedData<FashionMnist.Splits> data;
    private final boolean deep;

    Cells(Recipe recipe, SharedData<FashionMnist.Splits> data, boolean deep) {
      this.recipe = recipe;
      this.data = data;
      this.deep = deep;
    }

    @Override
    public String signature(SweepCell cell) {
      return deep
          ? String.format(Locale.ROOT, "data=fashion-mnist steps=%d batch=%d recipe=sgd-momentum-1e-3-v1",
              recipe.deepSteps(), recipe.batch())
          : String.format(Locale.ROOT, "data=fashion-mnist epochs=%d batch=%d recipe=adam-1e-3-v1", recipe.epochs(),
              recipe.batch());
    }

    @Override
    public String train(SweepCell cell, CellContext context) throws IOException {
      return (deep ? deep(cell, context) : sweep(cell, context)).toJson(true);
    }

    /** Adam at 1e-3; training error over the whole training set and test error after each epoch. */
    private RunRecord sweep(SweepCell cell, CellContext context) throws IOException {
      FashionMnist.Splits splits = data.get();
      Network net = context.createNetwork(recipe.batch());
      List<Double> trainError = new ArrayList<>();
      List<Double> testError = new ArrayList<>();
      Trainer trainer = Trainer.builder(Adam.withLearningRate(1e-3)).epochs(recipe.epochs()).batchSize(recipe.batch())
          .seed(cell.seed()).progress(context.progressBar())
          .listener(new TrainingListener() {
            @Override
            public boolean onEpochEnd(EpochMetrics m) {
              trainError.add(Trainer.evaluate(net, splits.train()).error());
              testError.add(1 - m.validationAccuracy());
              return true;
            }
          })
          .build();
      long t0 = System.nanoTime();
      trainer.fit(net, splits.train(), splits.test());
      double seconds = (System.nanoTime() - t0) / 1e9;
      NetworkSpec v = cell.network();
      RunRecord r = new RunRecord(v.variant(), v.layers(), recipe.epochs(), cell.seed(), trainError, testError, seconds,
          List.of(), 0);
      context.saveCheckpoint(net, null, Map.of("seed", Long.toString(cell.seed()), "epochs",
          Integer.toString(recipe.epochs())));
      System.out.printf(Locale.ROOT, "  seed %d %-9s %3d layers: train error %5.2f%%, test error %5.2f%% (%.0f s)%n",
          cell.seed(), v.variant(), v.layers(), 100 * r.finalTrainError(), 100 * r.finalTestError(), r.seconds());
      return r;
    }

    /** SGD with momentum for a few hundred steps, the loss logged every ten. */
    private RunRecord deep(SweepCell cell, CellContext context) throws IOException {
      FashionMnist.Splits splits = data.get();
      Network net = context.createNetwork(recipe.batch());
      List<Double> logged = new ArrayList<>();
      double[] window = new double[1];
      // As many epochs as the step budget needs; maxSteps ends the run.
      int epochs = (int) Math.ceil(recipe.deepSteps() * (double) recipe.batch() / splits.train().size());
      Trainer trainer = Trainer.builder(Sgd.withLearningRate(1e-3).momentum(0.9)).epochs(epochs)
          .batchSize(recipe.batch()).seed(cell.seed()).maxSteps(recipe.deepSteps()).progress(context.progressBar())
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
      long steps = trainer.fit(net, splits.train(), null).steps();
      double seconds = (System.nanoTime() - t0) / 1e9;
      Evaluation train = Trainer.evaluate(net, splits.train().head(10_000));
      Evaluation test = Trainer.evaluate(net, splits.test());
      NetworkSpec v = cell.network();
      RunRecord r = new RunRecord(v.variant(), v.layers(), epochs, cell.seed(), List.of(train.error()),
          List.of(test.error()), seconds, logged, seconds / steps);
      context.saveCheckpoint(net, null, Map.of("seed", Long.toString(cell.seed()), "steps",
          Integer.toString(recipe.deepSteps())));
      System.out.printf(Locale.ROOT, "  %-9s %d layers: loss %.3f → %.3f, train error %.1f%% (first 10k), %.0f ms/step%n",
          v.variant(), v.layers(), logged.get(0), logged.get(logged.size() - 1), 100 * train.error(),
          1000 * seconds / steps);
      return r;
    }
  }
}
