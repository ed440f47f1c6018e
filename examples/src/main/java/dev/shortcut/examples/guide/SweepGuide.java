package dev.shortcut.examples.guide;

import dev.shortcut.examples.lecture.LectureFamily;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.data.DatasetException;
import dev.shortcut.runtime.data.FashionMnist;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.sweep.CellContext;
import dev.shortcut.runtime.sweep.CellResult;
import dev.shortcut.runtime.sweep.CellTrainer;
import dev.shortcut.runtime.sweep.NetworkSpec;
import dev.shortcut.runtime.sweep.Shard;
import dev.shortcut.runtime.sweep.SharedData;
import dev.shortcut.runtime.sweep.Sweep;
import dev.shortcut.runtime.sweep.SweepCell;
import dev.shortcut.runtime.sweep.SweepExecutor;
import dev.shortcut.runtime.sweep.SweepGrid;
import dev.shortcut.runtime.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sweeps chapter's code ({@code docs/sweeps.md}), compiled by the build: the lecture's residual
 * networks up to 20 layers × two seeds × three learning rates of Adam, in this JVM, one slice of a
 * batch job, or on Spark. {@code SweepGuide [inprocess|spark] [i/N] [data dir]}; run with {@code
 * --add-modules jdk.incubator.vector}.
 */
public final class SweepGuide {
  private SweepGuide() {}

  // tag::trainer[]
  /** One cell: its network trained with Adam at the cell's learning rate; the row is its test accuracy. */
  static final class LearningRates implements CellTrainer {
    private final SharedData<FashionMnist.Splits> data;

    LearningRates(SharedData<FashionMnist.Splits> data) {
      this.data = data;
    }

    @Override
    public String signature(SweepCell cell) {
      return "fashion-mnist epochs=2 batch=128 adam";     // a finished cell is reused only if this matches
    }

    @Override
    public String train(SweepCell cell, CellContext context) throws IOException {
      Network net = context.createNetwork(128);            // by class name, from the cell's seed
      Adam adam = Adam.withLearningRate(cell.numberSetting("lr"));
      Trainer.builder(adam).epochs(2).batchSize(128).seed(cell.seed()).progress(context.progressBar())
          .build().fit(net, data.get().train(), null);
      context.saveCheckpoint(net, adam, Map.of());          // checkpoints/<id>.safetensors
      double accuracy = Trainer.evaluate(net, data.get().test()).accuracy();
      return String.format(Locale.ROOT, "{\"cell\": \"%s\", \"test_accuracy\": %s}", cell.id(), accuracy);
    }
  }
  // end::trainer[]

  /** Runs the slice {@code shard} of the guide's grid on {@code executor}, writing under {@code out}. */
  public static List<CellResult> run(SharedData<FashionMnist.Splits> data, Path out, SweepExecutor executor,
      Shard shard) {
    // tag::grid[]
    SweepGrid grid = SweepGrid.builder()
        .networks(NetworkSpec.family(LectureFamily.class, LectureFamily.variants()).stream()
            .filter(n -> n.residual() && n.layers() <= 20).toList())
        .seeds(1, 2)
        .axis("lr", "3e-4", "1e-3", "3e-3")
        .build();                                            // 3 networks × 2 seeds × 3 rates = 18 cells
    Sweep sweep = new Sweep(out, new LearningRates(data), 1); // 1 kernel thread per cell
    List<CellResult> results = sweep.run(shard.select(grid.cells()), executor);
    // end::grid[]
    return results;
  }

  public static void main(String[] args) throws IOException {
    String executorName = args.length > 0 ? args[0] : "inprocess";
    Shard shard = args.length > 1 ? Shard.parse(args[1]) : Shard.all();
    String dir = args.length > 2 ? args[2] : FashionMnist.DEFAULT_DIR.toString();
    SharedData<FashionMnist.Splits> data;
    try {
      // tag::data[]
      data = SharedData.of("fashion-mnist:" + dir, FashionMnist.load(Path.of(dir)),
          () -> FashionMnist.load(Path.of(dir)));           // how a Spark executor loads its own copy
      // end::data[]
    } catch (DatasetException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    // tag::executor[]
    try (SweepExecutor executor = SweepExecutor.named(executorName)) { // "inprocess" or "spark"
      for (CellResult r : run(data, Path.of("sweep-results"), executor, shard)) {
        System.out.println((r.reused() ? "done before: " : "trained: ") + r.row());
      }
    }
    // end::executor[]
  }
}
