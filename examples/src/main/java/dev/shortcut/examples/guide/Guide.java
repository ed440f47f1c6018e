package dev.shortcut.examples.guide;

import dev.shortcut.examples.fashion.ResidualFashion;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.DatasetException;
import dev.shortcut.runtime.data.FashionMnist;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.optim.Schedule;
import dev.shortcut.runtime.report.ModelSummary;
import dev.shortcut.runtime.train.Evaluation;
import dev.shortcut.runtime.train.Trainer;
import dev.shortcut.runtime.train.TrainingHistory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The user guide's code, compiled by the build: train the 20-layer residual MLP on Fashion-MNIST,
 * evaluate it, save and load it. Run with {@code --add-modules jdk.incubator.vector}.
 */
public final class Guide {
  private Guide() {}

  /** Trains {@code epochs} epochs; returns the test evaluations of the trained and the restored network. */
  public static Evaluation[] trainAndSave(Dataset train, Dataset test, int epochs, Path checkpoint) throws IOException {
    // tag::train[]
    FloatNetwork net = new ResidualFashion(128, 42L, Kernels.withThreads(2));
    System.out.println(ModelSummary.of(net.architecture()));

    Trainer trainer = Trainer.builder(Adam.withLearningRate(1e-3))
        .schedule(Schedule.cosine(1e-5).withWarmup(100))
        .epochs(epochs)
        .batchSize(128)
        .seed(7)
        .build();
    TrainingHistory history = trainer.fit(net, train, test);
    Evaluation result = Trainer.evaluate(net, test);
    System.out.printf("test accuracy %.2f%% after %d epochs%n", 100 * result.accuracy(), history.epochs().size());
    // end::train[]

    // tag::checkpoint[]
    Checkpoints.save(net, checkpoint);                      // body.3.fc1.weight ... as in PyTorch
    FloatNetwork restored = new ResidualFashion(128);
    Checkpoints.load(restored, checkpoint);                 // checks every name, shape and dtype
    // end::checkpoint[]
    return new Evaluation[] {result, Trainer.evaluate(restored, test)};
  }

  /** Issue 3's acceptance run: {@code Guide [epochs] [data dir]}. */
  public static void main(String[] args) throws IOException {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path dir = args.length > 1 ? Path.of(args[1]) : FashionMnist.DEFAULT_DIR;
    FashionMnist.Splits data;
    try {
      // tag::data[]
      data = FashionMnist.load(dir);                      // IDX files, pixels scaled to [0, 1]
      // end::data[]
    } catch (DatasetException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    long start = System.nanoTime();
    Evaluation e = trainAndSave(data.train(), data.test(), epochs, Path.of("target", "fashion.safetensors"))[1];
    System.out.printf(Locale.ROOT, "restored network: test accuracy %.2f%%, %.0f s in all%n", 100 * e.accuracy(),
        (System.nanoTime() - start) / 1e9);
  }
}
