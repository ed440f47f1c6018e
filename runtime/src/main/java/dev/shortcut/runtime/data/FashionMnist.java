package dev.shortcut.runtime.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf): 60,000 training and 10,000 test images of 28×28
 * pixels in 10 classes, as Debian's {@code dataset-fashion-mnist} package installs it. Rows are
 * images of {@link #IMAGE_SHAPE} 1×28×28, or {@link #PADDED_SHAPE} 1×32×32 from {@link #loadPadded}.
 */
public final class FashionMnist {
  /** Where Debian's package puts the IDX files. */
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
  /** Pixels per image. */
  public static final int WIDTH = 784;
  /** The shape of one image: 1×28×28 (grey). */
  public static final ImageShape IMAGE_SHAPE = ImageShape.of(1, 28, 28);
  /** The shape of one image from {@link #loadPadded}: 1×32×32, the paper's CIFAR input size. */
  public static final ImageShape PADDED_SHAPE = ImageShape.of(1, 32, 32);
  /** Classes. */
  public static final int CLASSES = 10;
  /** The class names, by label. */
  public static final String[] CLASS_NAMES = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
  };

  /** The two splits, pixels scaled to [0, 1], images of {@link #IMAGE_SHAPE} or {@link #PADDED_SHAPE}. */
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
    return new Splits(images(train.scaled(255f), dir), images(test.scaled(255f), dir));
  }

  /**
   * Loads both splits with a border of 2 zero pixels on every side: 1×32×32 images, so the paper's
   * CIFAR networks keep their 32, 16 and 8-pixel feature maps. Zero is the background's black.
   */
  public static Splits loadPadded(Path dir) throws DatasetException {
    Splits s = load(dir);
    return new Splits(Images.pad(s.train(), 2, 2, 2, 2), Images.pad(s.test(), 2, 2, 2, 2));
  }

  /** {@code rows} as 28×28 images, or an error naming the file when they are another size. */
  private static Dataset images(Dataset rows, Path dir) throws DatasetException {
    if (rows.width() != IMAGE_SHAPE.size()) {
      throw new DatasetException(dir.resolve(rows.name()), "images of " + rows.width()
          + " pixels; Fashion-MNIST's are 28×28 = " + IMAGE_SHAPE.size());
    }
    return rows.withImageShape(IMAGE_SHAPE);
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
