package dev.shortcut.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.optim.Sgd;
import dev.shortcut.runtime.sweep.NetworkSpec;
import dev.shortcut.runtime.sweep.SharedData;
import dev.shortcut.runtime.train.Trainer;
import dev.shortcut.spark.nets.ResidualTiny;
import dev.shortcut.spark.nets.ResidualTinyDouble;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training on Spark ({@code local[2]}): with K = 1 and equal shards it is SGD on the
 * combined batch; a lost task stops the run with a message that says where, and the run resumes
 * from its last checkpoint to the same parameters as a run that never stopped.
 */
class DataParallelTrainingTest {
  @TempDir Path dir;

  static final NetworkSpec TINY = new NetworkSpec(ResidualTiny.class.getName(), "residual", 6);
  static final int SHARD_ROWS = 16;
  static final int STEPS = 12;
  static final double RATE = 0.1;
  static final double MOMENTUM = 0.9;

  /** Two shards of 16 rows: each step of K = 1 sees all 32, as one step of batch 32 does. */
  static SharedData<Dataset> combined() {
    return SharedData.lazy("data-parallel-test-blobs", () -> SparkSweepTest.blobs(2 * SHARD_ROWS, 8, 3, 11));
  }

  static DataParallelTraining.Builder twoShards(int every) {
    return DataParallelTraining.builder(TINY, () -> Sgd.withLearningRate(RATE).momentum(MOMENTUM))
        .shards(2).batchPerShard(SHARD_ROWS).averageEvery(every).steps(STEPS).seed(3);
  }

  /**
   * The tolerance, derived: distribution changes only the order in which float sums are rounded
   * (two half-batch gradients, their updates averaged, instead of one batch), so the distributed run
   * should sit as close to exact arithmetic as the single-process float run does. Exact arithmetic
   * is the same training in double precision (the same network declared with {@code precision =
   * DOUBLE}, started from the same parameters). The scale of float rounding over the run is the
   * larger of the single run's measured distance from it, {@code e}, and {@code N·u·max|p|}: N
   * updates, each rounded once to the float unit roundoff {@code u = 2⁻²⁴} at the largest parameter
   * magnitude (the rounding every update pays, however lucky the single run's sums were). The
   * distributed run must be within 4 of those scales of the exact one: it rounds each step about
   * twice as often (two half sums, then the average), and the factor leaves as much again for
   * rounding errors that are of one size but not equal. A distributed run that did not take the
   * combined batch's step (K = 2, below) misses by orders of magnitude more.
   */
  @Test
  void withKOneAndEqualShardsItIsSgdOnTheCombinedBatch() throws IOException {
    Dataset data = combined().get();
    FloatNetwork single = new ResidualTiny(2 * SHARD_ROWS, 3, Kernels.singleThreaded());
    float[] initial = single.parameters().clone();
    ResidualTinyDouble exact = new ResidualTinyDouble(2 * SHARD_ROWS, 3, Kernels.singleThreaded());
    for (int i = 0; i < initial.length; i++) {
      exact.parameters()[i] = initial[i];
    }
    // One epoch of the 32 rows is one step of batch 32.
    Trainer.builder(Sgd.withLearningRate(RATE).momentum(MOMENTUM)).epochs(STEPS).batchSize(2 * SHARD_ROWS).seed(3)
        .progress(false).build().fit(single, data, null);
    Trainer.builder(Sgd.withLearningRate(RATE).momentum(MOMENTUM)).epochs(STEPS).batchSize(2 * SHARD_ROWS).seed(3)
        .progress(false).build().fit(exact, data, null);

    DataParallelTraining.Result distributed = twoShards(1).build().fit(LocalSpark.context(), combined());
    assertEquals(STEPS, distributed.steps());
    assertEquals(STEPS, distributed.rounds().size(), "K = 1: one exchange per step");
    float[] p = distributed.network().parameters();

    double singleError = maxDifference(single.parameters(), exact.parameters());
    double largest = 0;
    for (double v : exact.parameters()) {
      largest = Math.max(largest, Math.abs(v));
    }
    double scale = Math.max(singleError, STEPS * Math.ulp(1f) / 2 * largest);
    double moved = maxDifference(initial, exact.parameters());
    assertTrue(singleError < 1e-5 * moved, "float rounding is small next to training: " + singleError + " against a "
        + "movement of " + moved);
    double distributedError = maxDifference(p, exact.parameters());
    assertTrue(distributedError <= 4 * scale, "distributed " + distributedError + " from exact, single-process "
        + singleError + ", rounding scale " + scale);

    double wrong = maxDifference(twoShards(2).build().fit(LocalSpark.context(), combined()).network().parameters(),
        exact.parameters());
    assertTrue(wrong > 1000 * 4 * scale, "K = 2 is another algorithm, and the check sees it: " + wrong + " against a "
        + "tolerance of " + 4 * scale);
  }

  @Test
  void aLostTaskStopsTheRunClearlyAndTheRunResumesFromItsLastCheckpoint() throws IOException {
    Path file = dir.resolve("run.safetensors");
    DataParallelTraining lossy = twoShards(2).checkpoint(file, 2).failAt(1, 10).build();
    DataParallelException e = assertThrows(DataParallelException.class,
        () -> lossy.fit(LocalSpark.context(), combined()));
    String message = e.getMessage();
    assertTrue(message.startsWith("data-parallel training stopped in the round of steps 9 to 10 (of 12): a shard's "
        + "task failed: "), message);
    assertTrue(message.contains("shard 1 of 2, step 10: injected failure (the task is lost)"), message);
    assertTrue(message.contains("The last checkpoint, " + file + ", holds the run after step 8: fit again with the "
        + "same configuration to resume from it."), message);
    byte[] afterStep8 = Files.readAllBytes(file);

    DataParallelTraining.Result resumed = twoShards(2).checkpoint(file, 2).build().fit(LocalSpark.context(),
        combined());
    assertEquals(8, resumed.resumedFrom());
    assertEquals(2, resumed.rounds().size(), "only the rounds after the checkpoint run again");
    assertEquals(9, resumed.rounds().get(0).firstStep());

    DataParallelTraining.Result uninterrupted = twoShards(2).build().fit(LocalSpark.context(), combined());
    assertEquals(0, uninterrupted.resumedFrom());
    assertArrayEquals(uninterrupted.network().parameters(), resumed.network().parameters(),
        "resuming gives the parameters of a run that never stopped, bit for bit");
    assertArrayEquals(uninterrupted.optimizer().floatState(uninterrupted.network())[0],
        resumed.optimizer().floatState(resumed.network())[0], "and the same momentum");
    assertTrue(!java.util.Arrays.equals(afterStep8, Files.readAllBytes(file)), "the final state is saved too");

    IllegalStateException other = assertThrows(IllegalStateException.class,
        () -> twoShards(4).checkpoint(file, 2).build().fit(LocalSpark.context(), combined()));
    assertTrue(other.getMessage().contains("was written by another run") && other.getMessage().contains("every=2")
        && other.getMessage().contains("every=4"), other.getMessage());
  }

  @Test
  void roundsReportTheirComputeAndExchangeTimes() throws IOException {
    DataParallelTraining.Result r = twoShards(3).build().fit(LocalSpark.context(), combined());
    assertEquals(4, r.rounds().size());
    for (DataParallelTraining.Round round : r.rounds()) {
      assertEquals(3, round.steps());
      assertTrue(round.stepSeconds() > 0 && round.stepSeconds() <= round.seconds(), round.toString());
      assertTrue(Double.isFinite(round.loss()) && round.loss() > 0, round.toString());
    }
    assertTrue(r.rounds().get(3).loss() < r.rounds().get(0).loss(), "it learns");
    assertTrue(r.secondsPerExchange() > 0 && r.secondsPerStep() > 0);
  }

  static double maxDifference(float[] a, double[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  static double maxDifference(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
