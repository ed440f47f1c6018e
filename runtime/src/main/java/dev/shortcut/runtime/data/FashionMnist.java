package dev.shortcut.runtime.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf): 60,000 training and 10,000 test images of 28×28
 * pixels in 10 classes, as Debian's {@code dataset-fashion-mnist} package installs it.
 */
public final class FashionMnist {
  /** Where Debian's package puts the IDX files. */
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
  /** Pixels per image. */
  public static final int WIDTH = 784;
  /** Classes. */
  public static final int CLASSES = 10;
  /** The class names, by label. */
  public static final String[] CLASS_NAMES = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
  };

  /** The two splits, pixels scaled to [0, 1]. */
  public record Splits(Dataset train, Dataset test) {}

  private FashionMnist() {}

  /** Loads both splits from {@code dir} (gzip or plain files). */
  public static Splits load(Path dir) throws DatasetException {
    if (!Files.isDirectory(dir)) {
      throw new DatasetException(dir, "Fashion-MNIST not found. Install it with "
          + "'sudo apt-get install dataset-fashion-mnist' (Debian/Ubuntu), or pass the directory "
          + "that holds train-images-idx3-ubyte(.gz) and the three other IDX files");
    }
    Dataset train = IdxReader.read(find(dir, "train-images-idx3-ubyte"), find(dir, "train-labels-idx1-ubyte"), CLASSES);
    Dataset test = IdxReader.read(find(dir, "t10k-images-idx3-ubyte"), find(dir, "t10k-labels-idx1-ubyte"), CLASSES);
    return new Splits(train.scaled(255f), test.scaled(255f));
  }

  private static Path find(Path dir, String base) throws DatasetException {
    for (String name : new String[] {base + ".gz", base}) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new DatasetException(dir.resolve(base + ".gz"), "missing; the directory lacks " + base
        + "(.gz). Reinstall dataset-fashion-mnist or pass a complete directory");
  }
}
