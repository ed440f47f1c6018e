package dev.shortcut.examples.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.FashionMnist;
import dev.shortcut.runtime.sweep.InProcessExecutor;
import dev.shortcut.runtime.sweep.Shard;
import dev.shortcut.runtime.sweep.SharedData;
import dev.shortcut.runtime.sweep.SweepCell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dense sweep's cells, and one shard of it trained on made-up images. */
class DenseExperimentTest {
  @TempDir Path dir;

  static Dataset images(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * 784];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(10);
      for (int p = 0; p < 784; p++) {
        x[i * 784 + p] = (float) (r.nextDouble() + (p % 10 == y[i] ? 1 : 0));
      }
    }
    return Dataset.classification("made-up", x, 784, y, 10);
  }

  DenseExperiment experiment(Path out) {
    SharedData<FashionMnist.Splits> data = SharedData.of("dense-test-" + out, new FashionMnist.Splits(images(48, 1),
        images(16, 2)), () -> {
          throw new IllegalStateException("made-up data live in the test's JVM only");
        });
    return new DenseExperiment(new DenseExperiment.Recipe(1, 16, 10), List.of(1L, 2L), data, out, 1);
  }

  @Test
  void theCellsAreEachSeedThenEachNetworkAndTheDeepPairAtTheFirstSeed() {
    List<String> ids = experiment(dir).cells().stream().map(SweepCell::id).toList();
    assertEquals(24, ids.size());
    assertEquals(List.of("residual-6-seed1", "residual-10-seed1", "residual-20-seed1", "residual-34-seed1",
        "residual-56-seed1", "residual-110-seed1", "plain-6-seed1"), ids.subList(0, 7));
    assertEquals("plain-110-seed2", ids.get(23));
    assertEquals(List.of("residual-1002-seed1", "plain-1002-seed1"),
        experiment(dir).deepCells().stream().map(SweepCell::id).toList());
  }

  @Test
  void aShardTrainsItsCellsOnlyAndSaysHowManyAreLeft() throws IOException {
    // Slice 7 of 24 is the seventh cell alone: the smallest plain network, at seed 1.
    DenseExperiment.Results results = experiment(dir).run(new InProcessExecutor(), Shard.parse("7/24"));
    assertEquals(1, results.runs().size());
    RunRecord r = results.runs().get(0);
    assertEquals("plain", r.variant());
    assertEquals(6, r.layers());
    assertEquals(1, r.trainError().size());
    assertEquals(24 + 2 - 1, results.unfinished());
    assertTrue(Files.exists(dir.resolve("cells/plain-6-seed1.json")));
    assertTrue(Files.exists(dir.resolve("checkpoints/plain-6-seed1.safetensors")));
    assertFalse(Files.exists(dir.resolve("cells/residual-6-seed1.json")));
  }
}
