package dev.shortcut.runtime.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.optim.Sgd;
import dev.shortcut.runtime.testing.SyntheticData;
import dev.shortcut.runtime.testing.TinySweepNetwork;
import dev.shortcut.runtime.train.Trainer;
import dev.shortcut.runtime.train.TrainingHistory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps in one JVM: the grid and its ids, reuse of finished cells, what a failed or retried cell
 * leaves, and the same rows and checkpoints whichever executor or slice ran a cell.
 */
class SweepTest {
  @TempDir Path dir;

  static final NetworkSpec TINY = new NetworkSpec(TinySweepNetwork.class.getName(), "residual", 4);

  /** Cells trained per JVM, by id (static: trainers are serialized copies). */
  static final Map<String, AtomicInteger> TRAINED = new ConcurrentHashMap<>();

  /**
   * Trains the tiny network with SGD at the cell's learning rate and answers a row of exact
   * numbers: every epoch's loss and the sum of the final parameters.
   */
  static final class TinyTrainer implements CellTrainer {
    private static final long serialVersionUID = 1L;
    final SharedData<Dataset> data = SharedData.lazy("sweep-test-blobs",
        () -> SyntheticData.blobs(96, TinySweepNetwork.INPUTS, TinySweepNetwork.CLASSES, 0.5, 3));
    final int epochs;
    final String failOn;

    TinyTrainer(int epochs, String failOn) {
      this.epochs = epochs;
      this.failOn = failOn;
    }

    @Override
    public String signature(SweepCell cell) {
      return "epochs=" + epochs + " batch=16";
    }

    @Override
    public String train(SweepCell cell, CellContext context) throws IOException {
      TRAINED.computeIfAbsent(cell.id(), k -> new AtomicInteger()).incrementAndGet();
      if (cell.id().equals(failOn)) {
        throw new IllegalStateException("made to fail");
      }
      Network net = context.createNetwork(16);
      Sgd sgd = Sgd.withLearningRate(cell.numberSetting("lr")).momentum(0.9);
      TrainingHistory history = Trainer.builder(sgd).epochs(epochs).batchSize(16).seed(cell.seed()).progress(false)
          .build().fit(net, data.get(), null);
      context.saveCheckpoint(net, sgd, Map.of("epochs", Integer.toString(epochs)));
      double sum = 0;
      for (float p : ((FloatNetwork) net).parameters()) {
        sum += p;
      }
      StringBuilder losses = new StringBuilder();
      history.epochs().forEach(m -> losses.append(losses.length() == 0 ? "" : ", ").append(m.trainLoss()));
      return "{\"id\": \"" + cell.id() + "\", \"loss\": [" + losses + "], \"parameter_sum\": " + sum + "}";
    }
  }

  @BeforeEach
  void forgetCounts() {
    TRAINED.clear();
  }

  static SweepGrid grid() {
    return SweepGrid.builder().networks(List.of(TINY)).seeds(1, 2).axis("lr", "0.05", "0.2").build();
  }

  @Test
  void theGridListsSeedsThenNetworksThenAxesWithStableIds() {
    assertEquals(List.of("residual-4-seed1-lr=0.05", "residual-4-seed1-lr=0.2", "residual-4-seed2-lr=0.05",
        "residual-4-seed2-lr=0.2"), grid().cells().stream().map(SweepCell::id).toList());
    SweepCell cell = new SweepCell(TINY, 3, Map.of("optimizer", "sgd momentum", "data", "a/b"));
    assertEquals("residual-4-seed3-data=a_b-optimizer=sgd_momentum", cell.id(), "settings in name order, made safe");
    assertEquals(0.2, grid().cells().get(1).numberSetting("lr"));
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> cell.setting("lr"));
    assertTrue(missing.getMessage().contains("has no setting 'lr'"), missing.getMessage());
  }

  @Test
  void aGridRefusesWhatWouldOverwriteOrBeEmpty() {
    IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
        () -> SweepGrid.builder().networks(List.of(TINY)).seeds(1).axis("data", "a/b", "a_b").build());
    assertTrue(same.getMessage().contains("two cells of the grid have the id residual-4-seed1-data=a_b"),
        same.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SweepGrid.builder().seeds(1).build());
    assertThrows(IllegalArgumentException.class, () -> SweepGrid.builder().networks(List.of(TINY)).build());
    assertThrows(IllegalArgumentException.class, () -> SweepGrid.builder().axis("lr"));
    IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
        () -> SweepGrid.builder().axis("Learning Rate", "1"));
    assertTrue(name.getMessage().contains("lower case"), name.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SweepGrid.builder().axis("seed", "1"));
  }

  @Test
  void shardsPartitionTheGrid() {
    List<SweepCell> cells = SweepGrid.builder().networks(List.of(TINY)).seeds(1, 2, 3, 4, 5, 6, 7).build().cells();
    List<SweepCell> union = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      List<SweepCell> slice = Shard.parse(i + "/3").select(cells);
      assertTrue(slice.size() == 2 || slice.size() == 3, "balanced: " + slice.size());
      union.addAll(slice);
    }
    assertEquals(cells.size(), union.size(), "no cell in two slices");
    assertEquals(Set.copyOf(cells), Set.copyOf(union), "every cell in one");
    assertEquals(List.of(cells.get(1), cells.get(4)), Shard.parse("2/3").select(cells));
    assertEquals(cells, Shard.all().select(cells));
    for (String bad : List.of("0/3", "4/3", "3", "a/b", "1/0", "")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shard.parse(bad), bad);
      assertTrue(e.getMessage().contains("shard") || e.getMessage().contains("--shard"), e.getMessage());
    }
  }

  @Test
  void finishedCellsAreReadBackAndANewSignatureTrainsAgain() throws IOException {
    Sweep sweep = new Sweep(dir, new TinyTrainer(2, null), 1);
    List<CellResult> first = sweep.run(grid().cells(), new InProcessExecutor(1));
    assertEquals(4, first.size());
    assertTrue(first.stream().noneMatch(CellResult::reused));
    for (SweepCell c : grid().cells()) {
      assertEquals(1, TRAINED.get(c.id()).get());
      assertTrue(Files.exists(sweep.checkpointFile(c)));
      assertTrue(Files.readString(sweep.rowFile(c)).startsWith("{\"signature\": \"epochs=2 batch=16\", \"run\": "
          + "{\"id\": \"" + c.id() + "\""));
    }
    Map<Path, byte[]> before = files(dir);

    List<CellResult> again = sweep.run(grid().cells(), new InProcessExecutor(1));
    assertTrue(again.stream().allMatch(CellResult::reused));
    assertEquals(first.stream().map(CellResult::row).toList(), again.stream().map(CellResult::row).toList(),
        "the row read back is the row written");
    grid().cells().forEach(c -> assertEquals(1, TRAINED.get(c.id()).get(), "not trained again"));
    assertFilesEqual(before, files(dir));

    List<CellResult> longer = new Sweep(dir, new TinyTrainer(3, null), 1).run(grid().cells(), new InProcessExecutor(1));
    assertTrue(longer.stream().noneMatch(CellResult::reused), "another signature trains every cell again");
    assertTrue(longer.get(0).row().contains("\"loss\": [") && longer.get(0).row().split(",").length
        > first.get(0).row().split(",").length);
    assertEquals(Set.of(), leftovers(dir), "no partial file stays behind");
  }

  @Test
  void everyExecutorAndEverySliceGiveTheSameRowsAndCheckpoints() throws IOException {
    TinyTrainer trainer = new TinyTrainer(2, null);
    List<CellResult> sequential = new Sweep(dir.resolve("one"), trainer, 1).run(grid().cells(),
        new InProcessExecutor(1));
    List<CellResult> concurrent = new Sweep(dir.resolve("four"), trainer, 1).run(grid().cells(),
        new InProcessExecutor(4));
    Sweep sharded = new Sweep(dir.resolve("sharded"), trainer, 1);
    sharded.run(Shard.parse("2/2").select(grid().cells()), new InProcessExecutor(1));
    assertEquals(2, Files.list(dir.resolve("sharded/cells")).count(), "one slice writes its own cells only");
    sharded.run(Shard.parse("1/2").select(grid().cells()), new InProcessExecutor(1));
    List<CellResult> assembled = sharded.run(grid().cells(), new InProcessExecutor(1));
    assertTrue(assembled.stream().allMatch(CellResult::reused), "the slices together finish the grid");

    assertEquals(rows(sequential), rows(concurrent));
    assertEquals(rows(sequential), rows(assembled));
    Map<Path, byte[]> one = files(dir.resolve("one"));
    assertEquals(12, one.size(), "four rows, four checkpoints and their four optimizer files");
    assertFilesEqual(one, files(dir.resolve("four")));
    assertFilesEqual(one, files(dir.resolve("sharded")));
  }

  @Test
  void aFailedCellIsNamedTheOthersAreKeptAndARerunTrainsOnlyIt() throws IOException {
    String failing = grid().cells().get(1).id();
    Sweep broken = new Sweep(dir, new TinyTrainer(1, failing), 1);
    SweepException e = assertThrows(SweepException.class, () -> broken.run(grid().cells(), new InProcessExecutor(2)));
    assertTrue(e.getMessage().startsWith("1 of 4 cells failed (the others are written; a rerun skips them):"),
        e.getMessage());
    assertTrue(e.getMessage().contains("cell " + failing + " failed: java.lang.IllegalStateException: made to fail"),
        e.getMessage());
    assertFalse(Files.exists(broken.rowFile(grid().cells().get(1))));
    assertFalse(Files.exists(broken.checkpointFile(grid().cells().get(1))));

    List<CellResult> rerun = new Sweep(dir, new TinyTrainer(1, null), 1).run(grid().cells(), new InProcessExecutor(2));
    assertEquals(List.of(true, false, true, true), rerun.stream().map(CellResult::reused).toList());
    assertEquals(2, TRAINED.get(failing).get());
    assertEquals(1, TRAINED.get(grid().cells().get(0).id()).get());
  }

  @Test
  void aRetriedCellReplacesItsFilesAndADamagedRowIsTrainedAgain() throws IOException {
    Sweep sweep = new Sweep(dir, new TinyTrainer(1, null), 1);
    SweepCell cell = grid().cells().get(0);
    CellResult once = sweep.runCell(cell, false);
    byte[] checkpoint = Files.readAllBytes(sweep.checkpointFile(cell));
    CellResult twice = sweep.runCell(cell, false); // what a retried or speculative task does
    assertEquals(once.row(), twice.row());
    assertArrayEquals(checkpoint, Files.readAllBytes(sweep.checkpointFile(cell)));
    assertEquals(3, files(dir).size(), "one row, one checkpoint and its optimizer file, no copies");
    assertEquals(Set.of(), leftovers(dir));
    // The pair in place names itself, so a resume finds the optimizer's state.
    Network resumed = new TinySweepNetwork(16, 99, null);
    Sgd state = Sgd.withLearningRate(cell.numberSetting("lr")).momentum(0.9);
    Checkpoints.load(resumed, state, sweep.checkpointFile(cell));
    assertEquals(6, state.steps(),
        "the optimizer file beside the cell's checkpoint is its own: 96 samples in batches of 16, one epoch");

    Files.writeString(sweep.rowFile(cell), "{\"signature\": \"epochs=1 batch=16\", \"run\": {\"id\": ");
    assertEquals(List.of(false), sweep.run(List.of(cell), new InProcessExecutor(1)).stream()
        .map(CellResult::reused).toList(), "a damaged row is not trusted");
    assertEquals(once.row(), sweep.finishedRow(cell).orElseThrow());
  }

  @Test
  void aRowThatIsNotOneJsonObjectIsRefusedAndNotWritten() {
    CellTrainer bad = new CellTrainer() {
      @Override
      public String signature(SweepCell cell) {
        return "bad";
      }

      @Override
      public String train(SweepCell cell, CellContext context) {
        return "{\"loss\": 1} {\"loss\": 2}";
      }
    };
    Sweep sweep = new Sweep(dir, bad, 1);
    SweepCell cell = grid().cells().get(0);
    SweepException e = assertThrows(SweepException.class, () -> sweep.runCell(cell, false));
    assertTrue(e.getMessage().contains("cell residual-4-seed1-lr=0.05: the trainer's row is not one JSON object"),
        e.getMessage());
    assertFalse(Files.exists(sweep.rowFile(cell)));
  }

  @Test
  void theCheckpointLoadsIntoANetworkBuiltByClassName() throws IOException {
    Sweep sweep = new Sweep(dir, new TinyTrainer(1, null), 1);
    SweepCell cell = grid().cells().get(0);
    sweep.runCell(cell, false);
    Network loaded = TINY.create(4, 99, Kernels.singleThreaded());
    Map<String, String> metadata = Checkpoints.load(loaded, sweep.checkpointFile(cell));
    assertEquals(cell.id(), metadata.get("sweep.cell"));
    assertEquals("epochs=1 batch=16", metadata.get("sweep.signature"));
  }

  @Test
  void aCheckpointsBytesDoNotDependOnTheOrderOfItsMetadataMap() throws IOException {
    // Map.of iterates in an order drawn per JVM: two executors would write different bytes.
    Map<String, String> oneOrder = new java.util.LinkedHashMap<>();
    oneOrder.put("seed", "1");
    oneOrder.put("epochs", "2");
    Map<String, String> otherOrder = new java.util.LinkedHashMap<>();
    otherOrder.put("epochs", "2");
    otherOrder.put("seed", "1");
    SweepCell cell = grid().cells().get(0);
    CellContext here = new CellContext(cell, "s", Kernels.singleThreaded(), dir.resolve("a.safetensors"), false);
    CellContext there = new CellContext(cell, "s", Kernels.singleThreaded(), dir.resolve("b.safetensors"), false);
    Network net = TINY.create(4, 1, Kernels.singleThreaded());
    here.saveCheckpoint(net, null, oneOrder);
    there.saveCheckpoint(net, null, otherOrder);
    assertArrayEquals(Files.readAllBytes(dir.resolve("a.safetensors")), Files.readAllBytes(dir.resolve("b.safetensors")));
  }

  @Test
  void executorsAreFoundByNameAndAMissingOneSaysWhereItIs() {
    try (SweepExecutor executor = SweepExecutor.named("inprocess")) {
      assertTrue(executor instanceof InProcessExecutor);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SweepExecutor.named("spark"));
    assertTrue(e.getMessage().startsWith("no sweep executor named 'spark' here; there are [inprocess]: the spark "
        + "executor is in shortcut-spark"), e.getMessage());
    assertEquals(2, new InProcessExecutor(5).concurrentCells(2), "cores ÷ threads per run");
    assertEquals(1, new InProcessExecutor(1).concurrentCells(4), "at least one");
  }

  @Test
  void aNetworkSpecSaysWhyItCannotBuild() {
    IllegalStateException missing = assertThrows(IllegalStateException.class,
        () -> new NetworkSpec("com.example.Missing", "plain", 3).create(1, 0, Kernels.singleThreaded()));
    assertTrue(missing.getMessage().contains("is not on the class path of this JVM: on Spark, the application jar"),
        missing.getMessage());
    IllegalStateException notNetwork = assertThrows(IllegalStateException.class,
        () -> new NetworkSpec(String.class.getName(), "plain", 3).create(1, 0, Kernels.singleThreaded()));
    assertTrue(notNetwork.getMessage().contains("is not a Shortcut network"), notNetwork.getMessage());
    IllegalStateException noConstructor = assertThrows(IllegalStateException.class,
        () -> new NetworkSpec(dev.shortcut.runtime.testing.TinyResidualNetwork.class.getName(), "residual", 4)
            .create(1, 0, Kernels.singleThreaded()));
    assertTrue(noConstructor.getMessage().contains("has no public (int maxBatch, long seed, Kernels kernels)"),
        noConstructor.getMessage());
  }

  @Test
  void sharedDataIsLoadedOncePerJvmAndFoundByKeyAfterSerialization() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    LOADS.put("counted", loads);
    SharedData<int[]> lazy = SharedData.lazy("sweep-test-counted-" + System.nanoTime(), SweepTest::countedLoad);
    SharedData<int[]> copy = roundTrip(lazy);
    int[] first = lazy.get();
    assertSame(first, copy.get(), "a copy in the same JVM finds the loaded value by key");
    assertEquals(1, loads.get());

    int[] here = {7};
    SharedData<int[]> given = SharedData.of("sweep-test-given-" + System.nanoTime(), here, SweepTest::countedLoad);
    assertSame(here, roundTrip(given).get(), "a local executor reads the driver's copy");
    assertEquals(1, loads.get());

    SharedData<int[]> failing = SharedData.lazy("sweep-test-failing", () -> {
      throw new IOException("no such file /data/x");
    });
    IllegalStateException e = assertThrows(IllegalStateException.class, failing::get);
    assertTrue(e.getMessage().contains("cannot load the sweep's data 'sweep-test-failing'")
        && e.getMessage().contains("no such file /data/x"), e.getMessage());
  }

  static final Map<String, AtomicInteger> LOADS = new ConcurrentHashMap<>();

  static int[] countedLoad() {
    LOADS.get("counted").incrementAndGet();
    return new int[] {1};
  }

  @Test
  void concurrentCellsTakeTheirOwnKernelPoolsAndGiveThemBack() {
    KernelPools.Lease a = KernelPools.lease(3);
    KernelPools.Lease b = KernelPools.lease(3);
    assertNotSame(a.kernels(), b.kernels());
    assertEquals(3, b.kernels().threads());
    int first = a.pool();
    a.close();
    a.close(); // once only
    try (KernelPools.Lease again = KernelPools.lease(3)) {
      assertEquals(first, again.pool(), "the lowest free pool is taken again");
    }
    b.close();
    assertSame(Kernels.withThreads(3), Kernels.withThreads(3, 0));

    // A product large enough to be split over the threads gives the same bits from any pool.
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    int m = 128;
    int n = 64;
    int k = 300;
    float[] x = new float[m * k];
    float[] w = new float[n * k];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextGaussian();
    }
    float[] fromPool0 = new float[m * n];
    float[] fromPool1 = new float[m * n];
    Kernels.withThreads(2, 0).matmulABt(m, n, k, x, 0, w, 0, fromPool0, 0, false);
    Kernels.withThreads(2, 1).matmulABt(m, n, k, x, 0, w, 0, fromPool1, 0, false);
    assertNotSame(Kernels.withThreads(2, 0), Kernels.withThreads(2, 1));
    assertArrayEquals(fromPool0, fromPool1);
    assertThrows(IllegalArgumentException.class, () -> Kernels.withThreads(2, -1));
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  private static List<String> rows(List<CellResult> results) {
    return results.stream().map(CellResult::row).toList();
  }

  /** Every file under {@code root} by relative path, with its bytes. */
  static Map<Path, byte[]> files(Path root) throws IOException {
    Map<Path, byte[]> all = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        all.put(root.relativize(p), Files.readAllBytes(p));
      }
    }
    return all;
  }

  static void assertFilesEqual(Map<Path, byte[]> expected, Map<Path, byte[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    for (Path p : expected.keySet()) {
      assertArrayEquals(expected.get(p), actual.get(p), p + " differs");
    }
  }

  private static Set<Path> leftovers(Path root) throws IOException {
    Set<Path> partial = new java.util.HashSet<>();
    for (Path p : files(root).keySet()) {
      if (p.toString().contains(".partial") || p.toString().endsWith(".tmp")) {
        partial.add(p);
      }
    }
    return Collections.unmodifiableSet(partial);
  }
}
