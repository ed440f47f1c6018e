package dev.shortcut.examples.guide;

import dev.shortcut.examples.paper.ResidualFashion20;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.data.ChannelStandardization;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.DatasetException;
import dev.shortcut.runtime.data.FashionMnist;
import dev.shortcut.runtime.data.ImageAugmentation;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.optim.Schedule;
import dev.shortcut.runtime.optim.Sgd;
import dev.shortcut.runtime.train.EpochMetrics;
import dev.shortcut.runtime.train.Evaluation;
import dev.shortcut.runtime.train.Trainer;
import dev.shortcut.runtime.train.TrainingListener;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The user guide's convolutional chapter, compiled by the build: the paper's ResNet-20 on
 * Fashion-MNIST with the paper's CIFAR-10 recipe (SGD with momentum 0.9 and weight decay 1e-4,
 * learning rate 0.1 divided by 10 at half and three quarters of the run, batch 128, 4-pixel padding
 * with random crops and horizontal flips). {@code benchmarks/paper_recipe.sh} runs it beside the
 * same network and recipe in PyTorch. Run with {@code --add-modules jdk.incubator.vector}.
 */
public final class PaperRecipe {
  private PaperRecipe() {}

  /** Standardizes the padded images per channel, trains for {@code epochs} and evaluates on the test set. */
  public static Evaluation train(FashionMnist.Splits padded, int epochs, long seed, Kernels kernels) {
    // tag::data[]
    // Statistics from the training images only, applied to both splits.
    ChannelStandardization norm = ChannelStandardization.of(padded.train());
    Dataset train = norm.apply(padded.train());
    Dataset test = norm.apply(padded.test());
    // end::data[]

    // tag::train[]
    Network net = new ResidualFashion20(128, seed, kernels);
    Trainer trainer = Trainer.builder(Sgd.withLearningRate(0.1).momentum(0.9).weightDecay(1e-4))
        .schedule(Schedule.multiStep(0.1, 0.5, 0.75))     // ÷ 10 at 50% and 75% of the steps
        .augmentation(ImageAugmentation.paperCifar())       // pad 4, random 32×32 crop, flip
        .epochs(epochs)
        .batchSize(128)
        .seed(seed)
        .listener(new TrainingListener() {
          @Override
          public boolean onEpochEnd(EpochMetrics m) {
            System.out.printf(Locale.ROOT, "epoch %d: training loss %.4f, test accuracy %.2f%%%n", m.epoch(),
                m.trainLoss(), 100 * m.validationAccuracy());
            return true;
          }
        })
        .build();
    trainer.fit(net, train, test);
    Evaluation result = Trainer.evaluate(net, test);        // evaluation mode: running statistics
    // end::train[]
    return result;
  }

  /**
   * Issue 10's acceptance run: {@code PaperRecipe [epochs] [data dir] [threads] [seed] [images]},
   * where {@code images} keeps the first that many training images (0, the default: all).
   */
  public static void main(String[] args) {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Path dir = args.length > 1 ? Path.of(args[1]) : FashionMnist.DEFAULT_DIR;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 1L;
    int images = args.length > 4 ? Integer.parseInt(args[4]) : 0;
    FashionMnist.Splits padded;
    try {
      // tag::load[]
      padded = FashionMnist.loadPadded(dir);   // 1×32×32: 28×28 with a 2-pixel zero border
      // end::load[]
    } catch (DatasetException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (images > 0) {
      padded = new FashionMnist.Splits(padded.train().head(images), padded.test());
    }
    long start = System.nanoTime();
    Evaluation e = train(padded, epochs, seed, Kernels.withThreads(threads));
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "ResNet-20, paper recipe, %d epochs, %d threads: test accuracy %.2f%%,"
        + " %.0f s in all (%.1f s per epoch)%n", epochs, threads, 100 * e.accuracy(), seconds, seconds / epochs);
  }
}
