package dev.shortcut.runtime.testing;

import dev.shortcut.runtime.data.Dataset;
import java.util.SplittableRandom;

/** Small problems the tests make for themselves. */
public final class SyntheticData {
  private SyntheticData() {}

  /**
   * Gaussian blobs: {@code classes} centers in {@code width} dimensions, {@code n} samples with
   * noise {@code noise}. Linearly separable when the noise is small.
   */
  public static Dataset blobs(int n, int width, int classes, double noise, long seed) {
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
        x[i * width + j] = centers[y[i]][j] + (float) (noise * r.nextGaussian());
      }
    }
    return Dataset.classification("blobs", x, width, y, classes);
  }
}
