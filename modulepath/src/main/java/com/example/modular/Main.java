package com.example.modular;

import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.NetworkVariant;
import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.Preprocessing;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.predict.Predictor;
import dev.shortcut.runtime.report.ClassificationReport;
import dev.shortcut.runtime.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/** Trains, saves, loads and predicts on the module path: {@code java -p ... -m com.example.modular/com.example.modular.Main}. */
public final class Main {
  private Main() {}

  /** Points in the plane, class 1 when they lie between radius 1 and 2. */
  public static Dataset rings(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[2 * n];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      float a = (float) random.nextDouble(-3, 3);
      float b = (float) random.nextDouble(-3, 3);
      x[2 * i] = a;
      x[2 * i + 1] = b;
      double r = Math.hypot(a, b);
      y[i] = r > 1 && r < 2 ? 1 : 0;
    }
    return Dataset.classification("rings", x, 2, y, 2).withClassNames(List.of("out", "in"));
  }

  /** Trains the network of the family, saves it, loads it into another, and reports on held-out data. */
  public static ClassificationReport run(Path dir) throws IOException {
    Dataset.Split split = rings(2000, 1).split(0.2, 7);
    Preprocessing prep = Preprocessing.fit(split.train());
    NetworkVariant<FloatNetwork> variant = RingsFamily.variants().get(0);
    FloatNetwork net = variant.create(64, 3L, dev.shortcut.runtime.kernel.Kernels.singleThreaded());
    Trainer.builder(Adam.withLearningRate(1e-2)).epochs(20).batchSize(64).seed(5).progress(false).build()
        .fit(net, prep.apply(split.train()), prep.apply(split.validation()));
    Path file = dir.resolve("rings.safetensors");
    Checkpoints.save(net, null, file, prep.metadata());
    FloatNetwork loaded = variant.create(64);
    Preprocessing again = Preprocessing.fromMetadata(Checkpoints.load(loaded, file));
    return Predictor.of(loaded, again).classificationReport(split.validation(), 1);
  }

  public static void main(String[] args) throws IOException {
    ClassificationReport report = run(Files.createTempDirectory("rings"));
    System.out.println("running in module " + Main.class.getModule().getName() + " against "
        + Predictor.class.getModule().getName());
    System.out.print(report);
    if (report.accuracy() < 0.9) {
      throw new IllegalStateException("the network did not learn the rings: accuracy " + report.accuracy());
    }
  }
}
