package dev.shortcut.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.examples.guide.Guide;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.train.Evaluation;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guide's code runs as printed, on small made-up images. */
class GuideTest {
  @TempDir Path dir;

  @Test
  void guideCodeTrainsSavesAndRestores() throws Exception {
    SplittableRandom r = new SplittableRandom(1);
    float[] x = new float[256 * 784];
    int[] y = new int[256];
    for (int i = 0; i < 256; i++) {
      y[i] = i % 10;
      for (int j = 0; j < 784; j++) {
        x[i * 784 + j] = (j % 10 == y[i] ? 0.8f : 0f) + 0.1f * (float) r.nextDouble();
      }
    }
    Dataset data = Dataset.classification("made-up", x, 784, y, 10);
    Evaluation[] e = Guide.trainAndSave(data, data, 2, dir.resolve("g.safetensors"));
    assertTrue(Double.isFinite(e[0].loss()));
    assertEquals(e[0].loss(), e[1].loss(), 0.0, "the restored network computes exactly what the trained one did");
    assertEquals(e[0].accuracy(), e[1].accuracy(), 0.0);
  }
}
