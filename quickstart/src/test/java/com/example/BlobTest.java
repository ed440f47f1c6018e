package com.example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.train.Evaluation;
import dev.shortcut.runtime.train.Trainer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What a new user does first: build the generated network, train it, see it learn. */
class BlobTest {
  @Test
  void theGeneratedNetworkLearnsThreeBlobs() {
    Dataset data = blobs(600, new SplittableRandom(1));
    ResidualBlob net = new ResidualBlob(32, 7L);
    double before = Trainer.evaluate(net, data).accuracy();
    Trainer.builder(Adam.withLearningRate(1e-2)).epochs(5).batchSize(32).progress(false).build()
        .fit(net, data, null);
    Evaluation after = Trainer.evaluate(net, data);
    assertTrue(after.accuracy() > 0.95 && after.accuracy() > before,
        "accuracy " + before + " → " + after.accuracy());
  }

  /** Three Gaussian clusters in 20 dimensions. */
  private static Dataset blobs(int n, SplittableRandom random) {
    float[][] centers = new float[3][20];
    for (float[] c : centers) {
      for (int j = 0; j < c.length; j++) {
        c[j] = (float) (2 * random.nextGaussian());
      }
    }
    float[] x = new float[n * 20];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = random.nextInt(3);
      for (int j = 0; j < 20; j++) {
        x[i * 20 + j] = centers[y[i]][j] + (float) random.nextGaussian();
      }
    }
    return Dataset.classification("blobs", x, 20, y, 3);
  }
}
