package dev.shortcut.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.optim.Sgd;
import dev.shortcut.runtime.sweep.CellContext;
import dev.shortcut.runtime.sweep.CellResult;
import dev.shortcut.runtime.sweep.CellTrainer;
import dev.shortcut.runtime.sweep.InProcessExecutor;
import dev.shortcut.runtime.sweep.NetworkSpec;
import dev.shortcut.runtime.sweep.SharedData;
import dev.shortcut.runtime.sweep.Sweep;
import dev.shortcut.runtime.sweep.SweepCell;
import dev.shortcut.runtime.sweep.SweepException;
import dev.shortcut.runtime.sweep.SweepExecutor;
import dev.shortcut.runtime.sweep.SweepGrid;
import dev.shortcut.runtime.train.Trainer;
import dev.shortcut.spark.nets.TinyFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep on Spark ({@code local[2]}, loopback, one cell per task) against the same sweep in
 * process: the same rows, byte for byte, and the same checkpoints.
 */
class SparkSweepTest {
  @TempDir Path dir;

  /** Blobs: {@code classes} Gaussian centers in {@code width} dimensions. */
  static Dataset blobs(int n, int width, int classes, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] centers = new float[classes][width];
    for (float[] c : centers) {
      for (int j = 0; j < width; j++) {
        c[j] = (float) r.nextGaussian();
      }
    }
    float[] x = new float[n * width];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(classes);
      for (int j = 0; j < width; j++) {
        x[i * width + j] = centers[y[i]][j] + (float) (0.6 * r.nextGaussian());
      }
    }
    return Dataset.classification("blobs", x, width, y, classes);
  }

  /** Trains a cell with SGD at its learning rate; the row holds every epoch's loss and a parameter checksum. */
  static final class BlobTrainer implements CellTrainer {
    private static final long serialVersionUID = 1L;
    final SharedData<Dataset> data = SharedData.lazy("spark-sweep-test-blobs", () -> blobs(120, 8, 3, 5));
    final String failOn;

    BlobTrainer(String failOn) {
      this.failOn = failOn;
    }

    @Override
    public String signature(SweepCell cell) {
      return "epochs=3 batch=20";
    }

    @Override
    public String train(SweepCell cell, CellContext context) throws IOException {
      if (cell.id().equals(failOn)) {
        throw new IllegalStateException("this cell cannot train");
      }
      Network net = context.createNetwork(20);
      Sgd sgd = Sgd.withLearningRate(cell.numberSetting("lr")).momentum(0.9);
      var history = Trainer.builder(sgd).epochs(3).batchSize(20).seed(cell.seed()).progress(false)
          .build().fit(net, data.get(), null);
      context.saveCheckpoint(net, sgd, Map.of());
      double sum = 0;
      for (float p : ((FloatNetwork) net).parameters()) {
        sum += p;
      }
      StringBuilder row = new StringBuilder("{\"cell\": \"").append(cell.id()).append("\", \"loss\": [");
      history.epochs().forEach(m -> row.append(m.trainLoss()).append(", "));
      return row.append("0], \"parameter_sum\": ").append(sum).append('}').toString();
    }
  }

  static SweepGrid grid() {
    return SweepGrid.builder().networks(NetworkSpec.family(TinyFamily.class, TinyFamily.variants())).seeds(1, 2)
        .axis("lr", "0.05", "0.1").build();
  }

  @Test
  void theSweepOnSparkWritesWhatTheInProcessRunWritesCellForCell() throws IOException {
    List<SweepCell> cells = grid().cells();
    assertEquals(8, cells.size());
    List<CellResult> spark = new Sweep(dir.resolve("spark"), new BlobTrainer(null), 1)
        .run(cells, new SparkSweepExecutor(LocalSpark.context()));
    List<CellResult> local = new Sweep(dir.resolve("local"), new BlobTrainer(null), 1)
        .run(cells, new InProcessExecutor(1));
    for (int i = 0; i < cells.size(); i++) {
      assertEquals(cells.get(i), spark.get(i).cell(), "results come back in grid order");
      assertFalse(spark.get(i).reused());
      assertEquals(local.get(i).row(), spark.get(i).row(), cells.get(i).id());
      assertTrue(spark.get(i).row().startsWith("{\"cell\": \"" + cells.get(i).id() + "\""));
    }
    Map<Path, byte[]> fromSpark = files(dir.resolve("spark"));
    Map<Path, byte[]> fromHere = files(dir.resolve("local"));
    assertEquals(24, fromSpark.size(), "a row, a checkpoint and its optimizer file per cell, nothing else");
    assertEquals(fromHere.keySet(), fromSpark.keySet());
    for (Path p : fromHere.keySet()) {
      assertArrayEquals(fromHere.get(p), fromSpark.get(p), p + " differs");
    }

    List<CellResult> rerun = new Sweep(dir.resolve("spark"), new BlobTrainer(null), 1)
        .run(cells, new SparkSweepExecutor(LocalSpark.context()));
    assertTrue(rerun.stream().allMatch(CellResult::reused), "a rerun on Spark skips the finished cells");
  }

  @Test
  void aFailedCellStopsTheSweepNamingItAndTheFinishedCellsStay() {
    List<SweepCell> cells = grid().cells().subList(0, 3);
    Sweep sweep = new Sweep(dir, new BlobTrainer(cells.get(2).id()), 1);
    SweepException e = assertThrows(SweepException.class,
        () -> sweep.run(cells, new SparkSweepExecutor(LocalSpark.context())));
    assertTrue(e.getMessage().startsWith("the sweep stopped on Spark (3 cells submitted): "), e.getMessage());
    assertTrue(e.getMessage().contains("cell " + cells.get(2).id() + " failed: java.lang.IllegalStateException: "
        + "this cell cannot train"), e.getMessage());
    assertFalse(Files.exists(sweep.rowFile(cells.get(2))));
  }

  @Test
  void theContextMustGiveEachTaskTheRunsThreads() {
    Sweep twoThreads = new Sweep(dir, new BlobTrainer(null), 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> twoThreads.run(grid().cells(), new SparkSweepExecutor(LocalSpark.context())));
    assertTrue(e.getMessage().startsWith("spark.task.cpus is 1 but each run's kernels use 2 threads"), e.getMessage());
  }

  @Test
  void theSparkExecutorIsFoundByName() {
    try (SweepExecutor executor = SweepExecutor.named("spark")) {
      assertInstanceOf(SparkSweepExecutor.class, executor);
      assertEquals("Spark on local[*]", executor.describe(), "the default master, before the context starts");
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SweepExecutor.named("slurm"));
    assertTrue(e.getMessage().contains("there are [inprocess, spark]"), e.getMessage());
  }

  static Map<Path, byte[]> files(Path root) throws IOException {
    Map<Path, byte[]> all = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        all.put(root.relativize(p), Files.readAllBytes(p));
      }
    }
    return all;
  }
}
