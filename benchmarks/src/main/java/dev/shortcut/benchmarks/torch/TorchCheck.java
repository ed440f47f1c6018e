package dev.shortcut.benchmarks.torch;

import dev.shortcut.examples.paper.ResidualCifar20;
import dev.shortcut.examples.torchvision.ResidualResNet18;
import dev.shortcut.examples.torchvision.ResidualResNet50;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.kernel.Kernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Shortcut's side of {@code benchmarks/torch_check.sh}, which checks Shortcut against PyTorch on
 * the same weights. It writes, into the directory it is given, what {@code torch_check.py} then
 * compares:
 *
 * <ul>
 *   <li>for the paper's ResNet-20 ({@code resnet20}) and torchvision's ResNet-18 and ResNet-50
 *       ({@code resnet18}, {@code resnet50}), each as the examples declare it: a checkpoint of a
 *       state with every batch normalization's γ, β and running statistics drawn at random, a batch
 *       (NHWC, as Shortcut holds it), and Shortcut's results on it (see {@link TrainingStep}), and
 *       the same from a double-precision twin of ResNet-20 ({@link DoubleTwins}; of ResNet-50 too
 *       with {@code --resnet50-double}, which takes minutes: Shortcut's double kernels are scalar);
 *   <li>for the state dicts that {@code torch_check.py states} wrote from torchvision's own
 *       {@code resnet18()} and {@code resnet50()} ({@code torchvision_resnet18}, …): the
 *       evaluation-mode logits of Shortcut's network after {@code Checkpoints.load} of that file.
 * </ul>
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     dev.shortcut.benchmarks.torch.TorchCheck DIR [--resnet50-double]
 * </pre>
 */
public final class TorchCheck {
  /** Seed of the weights, the random batch-normalization state and the batch. */
  static final long SEED = 10;
  /** ResNet-20 on CIFAR's 32×32: a batch that leaves 8 · 8 · 8 values per channel at the last stage. */
  static final int CIFAR_BATCH = 8;
  /** ResNet-18/50 at 224×224 (the examples' declared input): 2 · 7 · 7 values per channel at the last stage. */
  static final int IMAGENET_BATCH = 2;

  private TorchCheck() {}

  public static void main(String[] args) throws IOException {
    boolean resnet50Double = args.length == 2 && args[1].equals("--resnet50-double");
    if (args.length != 1 && !resnet50Double) {
      System.err.println("usage: TorchCheck DIR [--resnet50-double]   (run by benchmarks/torch_check.sh)");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    Kernels kernels = Kernels.withThreads(Runtime.getRuntime().availableProcessors());

    run("resnet20", () -> TrainingStep.write(dir, "resnet20", new ResidualCifar20(CIFAR_BATCH, SEED, kernels),
        new ResidualCifarDouble(CIFAR_BATCH, SEED, kernels), CIFAR_BATCH, SEED));
    run("resnet18", () -> TrainingStep.write(dir, "resnet18", new ResidualResNet18(IMAGENET_BATCH, SEED, kernels),
        null, IMAGENET_BATCH, SEED));
    run("resnet50", () -> TrainingStep.write(dir, "resnet50", new ResidualResNet50(IMAGENET_BATCH, SEED, kernels),
        resnet50Double ? new ResidualResNet50Double(IMAGENET_BATCH, SEED, kernels) : null, IMAGENET_BATCH, SEED));

    FloatNetwork resnet18 = new ResidualResNet18(IMAGENET_BATCH, SEED, kernels);
    run("torchvision_resnet18", () -> TrainingStep.evaluateLoaded(dir, "torchvision_resnet18", resnet18));
    FloatNetwork resnet50 = new ResidualResNet50(IMAGENET_BATCH, SEED, kernels);
    run("torchvision_resnet50", () -> TrainingStep.evaluateLoaded(dir, "torchvision_resnet50", resnet50));
  }

  private interface Step {
    void run() throws IOException;
  }

  private static void run(String name, Step step) throws IOException {
    long start = System.nanoTime();
    step.run();
    System.out.printf(Locale.ROOT, "  shortcut  %-22s %5.1f s%n", name, (System.nanoTime() - start) / 1e9);
  }
}
