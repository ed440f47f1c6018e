package dev.shortcut.runtime.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 (Krizhevsky, 2009), the data of the paper's CIFAR experiments: 50,000 training and
 * 10,000 test colour images of 32×32 pixels in 10 classes, read from the binary version's files.
 * Shortcut downloads nothing: users bring the files (see {@link #load}).
 *
 * <p>Each file is a sequence of 3,073-byte records: one label byte (0..9), then 3,072 pixel bytes,
 * the red plane (1,024 bytes, 32×32 row-major), then green, then blue. Rows come out channels last
 * (HWC, {@link #IMAGE_SHAPE} 3×32×32), pixels scaled to [0, 1] as {@link FashionMnist} scales
 * its own.
 */
public final class Cifar10 {
  /** The directory that extracting {@code cifar-10-binary.tar.gz} creates. */
  public static final String DIRECTORY_NAME = "cifar-10-batches-bin";
  /** The five training files, in order. */
  public static final List<String> TRAIN_FILES = List.of(
      "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
  /** The test file. */
  public static final String TEST_FILE = "test_batch.bin";
  /** The shape of one image: 3×32×32 (C×H×W), stored HWC. */
  public static final ImageShape IMAGE_SHAPE = ImageShape.of(3, 32, 32);
  /** Classes. */
  public static final int CLASSES = 10;
  /** The class names, by label. */
  public static final List<String> CLASS_NAMES = List.of(
      "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

  /** Bytes per record: the label and the three planes. */
  static final int RECORD_BYTES = 1 + 3 * 32 * 32;

  private static final String WHERE_TO_GET_IT = "Shortcut downloads nothing at run time: get the "
      + "binary version of CIFAR-10 (cifar-10-binary.tar.gz) from https://www.cs.toronto.edu/~kriz/cifar.html, "
      + "extract it with 'tar xzf cifar-10-binary.tar.gz' and pass the " + DIRECTORY_NAME
      + " directory it creates";

  /** The two splits, pixels scaled to [0, 1], images of {@link #IMAGE_SHAPE}. */
  public record Splits(Dataset train, Dataset test) {}

  private Cifar10() {}

  /**
   * Whether {@code dir} looks like CIFAR-10's binary version: it holds {@code data_batch_1.bin},
   * or a {@code cifar-10-batches-bin} directory that does. Lets a tool pick the reader for a
   * directory it was given.
   */
  public static boolean isDirectory(Path dir) {
    return Files.isRegularFile(dir.resolve(TRAIN_FILES.get(0)))
        || Files.isRegularFile(dir.resolve(DIRECTORY_NAME).resolve(TRAIN_FILES.get(0)));
  }

  /**
   * Loads the training set ({@link #TRAIN_FILES}, 50,000 images, in file order) and the test set
   * ({@link #TEST_FILE}, 10,000) from {@code dir}: the {@value #DIRECTORY_NAME} directory, or the
   * directory that holds it. Every file is checked before any is read.
   *
   * @throws DatasetException naming the directory or file and the problem: missing, not a
   *     directory or not a file, empty, not a whole number of records, a label outside 0..9
   */
  public static Splits load(Path dir) throws DatasetException {
    if (!Files.exists(dir)) {
      throw new DatasetException(dir, "CIFAR-10 not found: no such directory. " + WHERE_TO_GET_IT);
    }
    if (!Files.isDirectory(dir)) {
      throw new DatasetException(dir, "is a file; pass the " + DIRECTORY_NAME + " directory that holds "
          + String.join(", ", TRAIN_FILES) + " and " + TEST_FILE);
    }
    if (!Files.exists(dir.resolve(TRAIN_FILES.get(0))) && Files.isDirectory(dir.resolve(DIRECTORY_NAME))) {
      dir = dir.resolve(DIRECTORY_NAME);
    }
    List<Path> train = new ArrayList<>();
    for (String name : TRAIN_FILES) {
      train.add(dir.resolve(name));
    }
    Path test = dir.resolve(TEST_FILE);
    List<Path> all = new ArrayList<>(train);
    all.add(test);
    for (Path file : all) {
      checkExists(file);
      recordCount(file);
    }
    return new Splits(read(train), read(List.of(test)));
  }

  /**
   * Reads batch files in the binary format into one classification set of {@link #IMAGE_SHAPE}
   * images, records in file order. Named after the first file (and the last, when there are
   * several).
   *
   * @throws DatasetException naming the file and the problem
   */
  public static Dataset read(List<Path> files) throws DatasetException {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no CIFAR-10 files to read");
    }
    long[] records = new long[files.size()];
    long total = 0;
    for (int i = 0; i < files.size(); i++) {
      checkExists(files.get(i));
      records[i] = recordCount(files.get(i));
      total += records[i];
    }
    int pixels = IMAGE_SHAPE.size();
    if (total * pixels > Integer.MAX_VALUE - 8) {
      throw new DatasetException(files.get(files.size() - 1), total + " images in " + files.size()
          + " files are more than one float array can hold (" + (Integer.MAX_VALUE - 8) / pixels + " at most)");
    }
    float[] features = new float[(int) total * pixels];
    int[] labels = new int[(int) total];
    int at = 0;
    byte[] record = new byte[RECORD_BYTES];
    for (int i = 0; i < files.size(); i++) {
      at = readInto(files.get(i), records[i], record, features, labels, at);
    }
    String name = files.get(0).getFileName().toString();
    if (files.size() > 1) {
      name += " … " + files.get(files.size() - 1).getFileName();
    }
    return Dataset.classification(name, features, pixels, labels, CLASSES).withImageShape(IMAGE_SHAPE);
  }

  private static void checkExists(Path file) throws DatasetException {
    if (!Files.exists(file)) {
      String python = file.getFileName().toString().replace(".bin", "");
      Path sibling = file.resolveSibling(python);
      String hint = !python.equals(file.getFileName().toString()) && Files.exists(sibling)
          ? " (" + sibling.getFileName() + " beside it belongs to the Python version, which Shortcut does not read)"
          : "";
      throw new DatasetException(file, "missing; the directory lacks " + file.getFileName() + hint + ". "
          + WHERE_TO_GET_IT);
    }
    if (Files.isDirectory(file)) {
      throw new DatasetException(file, "is a directory; expected a CIFAR-10 batch file of "
          + RECORD_BYTES + "-byte records");
    }
  }

  /** Records in {@code file}, after checking that its size is a positive whole number of them. */
  private static long recordCount(Path file) throws DatasetException {
    long bytes;
    try {
      bytes = Files.size(file);
    } catch (IOException e) {
      throw new DatasetException(file, "cannot read its size: " + e, e);
    }
    if (bytes == 0) {
      throw new DatasetException(file, "empty; a CIFAR-10 batch file holds " + RECORD_BYTES
          + "-byte records (1 label byte, 3,072 pixel bytes), 10,000 of them in the released files");
    }
    if (bytes % RECORD_BYTES != 0) {
      String hint = bytes % (RECORD_BYTES + 1) == 0
          ? " Its size fits CIFAR-100's 3,074-byte records (two label bytes); this reader is for CIFAR-10."
          : " Is the file complete, and from the binary version (not the Python or MATLAB one)?";
      throw new DatasetException(file, bytes + " bytes are not a whole number of " + RECORD_BYTES
          + "-byte records (1 label byte, 3,072 pixel bytes): " + bytes / RECORD_BYTES + " records and "
          + bytes % RECORD_BYTES + " bytes over." + hint);
    }
    return bytes / RECORD_BYTES;
  }

  /** Reads {@code file}'s records into rows {@code at, at+1, …}; returns the next free row. */
  private static int readInto(Path file, long expected, byte[] record, float[] features, int[] labels, int at)
      throws DatasetException {
    int plane = IMAGE_SHAPE.height() * IMAGE_SHAPE.width();
    int channels = IMAGE_SHAPE.channels();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      for (long r = 0; r < expected; r++) {
        int read = in.readNBytes(record, 0, RECORD_BYTES);
        if (read < RECORD_BYTES) {
          throw new DatasetException(file, "shrank while it was read: record " + r + " of " + expected
              + " has only " + read + " of its " + RECORD_BYTES + " bytes");
        }
        int label = record[0] & 0xFF;
        if (label >= CLASSES) {
          throw new DatasetException(file, "label byte " + label + " of record " + r + " (byte offset "
              + r * RECORD_BYTES + ") is not a CIFAR-10 class (0..9); is this a CIFAR-10 batch file?");
        }
        labels[at] = label;
        // Planes R, G, B of p = y·32 + x become the HWC row: pixel p's channels side by side.
        int row = at * IMAGE_SHAPE.size();
        for (int c = 0; c < channels; c++) {
          int src = 1 + c * plane;
          for (int p = 0; p < plane; p++) {
            features[row + p * channels + c] = (record[src + p] & 0xFF) / 255f;
          }
        }
        at++;
      }
    } catch (DatasetException e) {
      throw e;
    } catch (AccessDeniedException e) {
      throw new DatasetException(file, "not readable: permission denied", e);
    } catch (IOException e) {
      throw new DatasetException(file, "cannot read: " + e, e);
    }
    return at;
  }
}
