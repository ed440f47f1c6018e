package dev.shortcut.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.examples.guide.SweepGuide;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.FashionMnist;
import dev.shortcut.runtime.sweep.CellResult;
import dev.shortcut.runtime.sweep.InProcessExecutor;
import dev.shortcut.runtime.sweep.Shard;
import dev.shortcut.runtime.sweep.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweeps chapter's code runs as printed, on a few made-up images, whole and in slices. */
class SweepGuideTest {
  @TempDir Path dir;

  @Test
  void theGuidesSweepTrainsEveryCellOnceAndItsSlicesAddUp() throws Exception {
    SplittableRandom r = new SplittableRandom(1);
    float[] x = new float[40 * 784];
    int[] y = new int[40];
    for (int i = 0; i < 40; i++) {
      y[i] = i % 10;
      for (int j = 0; j < 784; j++) {
        x[i * 784 + j] = (j % 10 == y[i] ? 0.8f : 0f) + 0.1f * (float) r.nextDouble();
      }
    }
    Dataset images = Dataset.classification("made-up", x, 784, y, 10);
    SharedData<FashionMnist.Splits> data = SharedData.of("sweep-guide-test", new FashionMnist.Splits(images, images),
        () -> {
          throw new IllegalStateException("made-up data live in the test's JVM only");
        });
    List<CellResult> slice = SweepGuide.run(data, dir, new InProcessExecutor(), Shard.parse("2/3"));
    assertEquals(6, slice.size());
    assertEquals("residual-6-seed1-lr=1e-3", slice.get(0).cell().id());
    assertEquals(6, Files.list(dir.resolve("cells")).count(), "a slice writes its own cells");
    List<CellResult> all = SweepGuide.run(data, dir, new InProcessExecutor(), Shard.all());
    assertEquals(18, all.size());
    assertEquals(6, all.stream().filter(CellResult::reused).count(), "the slice's cells are not trained again");
    assertTrue(all.get(0).row().startsWith("{\"cell\": \"residual-6-seed1-lr=3e-4\", \"test_accuracy\": "),
        all.get(0).row());
    assertEquals(36, Files.list(dir.resolve("checkpoints")).count(), "a checkpoint and its optimizer file per cell");
  }
}
