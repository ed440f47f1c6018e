package dev.shortcut.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CIFAR-10 binary reader on small files written here, including every bad-file case. */
class Cifar10Test {
  @TempDir Path dir;

  /** A pixel byte that differs by image, channel, row and column, so any mix-up shows. */
  private static int pixel(int image, int channel, int y, int x) {
    return (image * 37 + channel * 101 + y * 7 + x * 3) & 0xFF;
  }

  /** Records in the binary layout: label byte, then the R, G, B planes, each 32×32 row-major. */
  private static byte[] records(int firstImage, int... labels) {
    byte[] bytes = new byte[labels.length * 3073];
    for (int r = 0; r < labels.length; r++) {
      int base = r * 3073;
      bytes[base] = (byte) labels[r];
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < 32; y++) {
          for (int x = 0; x < 32; x++) {
            bytes[base + 1 + c * 1024 + y * 32 + x] = (byte) pixel(firstImage + r, c, y, x);
          }
        }
      }
    }
    return bytes;
  }

  /** The six files of the standard layout: two images per training file, three in the test file. */
  private Path writeStandardLayout(Path into) throws IOException {
    Files.createDirectories(into);
    for (int b = 1; b <= 5; b++) {
      Files.write(into.resolve("data_batch_" + b + ".bin"), records(2 * (b - 1), 2 * b - 2, 2 * b - 1));
    }
    Files.write(into.resolve("test_batch.bin"), records(100, 9, 0, 4));
    return into;
  }

  private static void assertNamesFile(DatasetException e, Path file, String... phrases) {
    assertEquals(file, e.file());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    for (String phrase : phrases) {
      assertTrue(e.getMessage().contains(phrase), "missing '" + phrase + "' in: " + e.getMessage());
    }
  }

  @Test
  void planesBecomeChannelsLastPixelByPixel() throws IOException {
    Path file = Files.write(dir.resolve("data_batch_1.bin"), records(0, 3, 7));
    Dataset d = Cifar10.read(List.of(file));
    assertEquals(2, d.size());
    assertEquals(3072, d.width());
    assertEquals(ImageShape.of(3, 32, 32), d.imageShape().orElseThrow());
    assertArrayEquals(new int[] {3, 7}, d.labels());
    assertEquals(10, d.classes());
    float[] f = d.features();
    for (int i = 0; i < 2; i++) {
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          for (int c = 0; c < 3; c++) {
            int at = i * 3072 + (y * 32 + x) * 3 + c;
            assertEquals(pixel(i, c, y, x) / 255f, f[at], "image " + i + " y " + y + " x " + x + " c " + c);
          }
        }
      }
    }
  }

  @Test
  void scalesLikeFashionMnist() throws IOException {
    byte[] bytes = records(0, 1);
    bytes[1] = (byte) 255; // red of pixel (0, 0)
    bytes[1 + 1024 + 5] = (byte) 128; // green of pixel (0, 5)
    Path file = Files.write(dir.resolve("one.bin"), bytes);
    float[] f = Cifar10.read(List.of(file)).features();
    assertEquals(1f, f[0]);
    assertEquals(128f / 255f, f[5 * 3 + 1]);
  }

  @Test
  void loadsTheStandardLayoutInFileOrder() throws IOException {
    Path batches = writeStandardLayout(dir.resolve("cifar-10-batches-bin"));
    for (Path given : new Path[] {batches, dir}) { // the directory itself, or the one it was extracted into
      Cifar10.Splits s = Cifar10.load(given);
      assertEquals(10, s.train().size());
      assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, s.train().labels());
      assertArrayEquals(new int[] {9, 0, 4}, s.test().labels());
      assertEquals(pixel(9, 2, 31, 30) / 255f, s.train().features()[9 * 3072 + (31 * 32 + 30) * 3 + 2]);
      assertEquals(pixel(101, 1, 4, 6) / 255f, s.test().features()[3072 + (4 * 32 + 6) * 3 + 1]);
      assertEquals(Cifar10.IMAGE_SHAPE, s.train().imageShape().orElseThrow());
      assertEquals(Cifar10.IMAGE_SHAPE, s.test().imageShape().orElseThrow());
      assertEquals("data_batch_1.bin … data_batch_5.bin", s.train().name());
    }
    assertEquals("airplane", Cifar10.CLASS_NAMES.get(0));
    assertEquals("truck", Cifar10.CLASS_NAMES.get(9));
    assertEquals(Cifar10.CLASSES, Cifar10.CLASS_NAMES.size());
  }

  @Test
  void recognizesTheBinaryLayoutButNotFashionMnistOrAnEmptyDirectory() throws IOException {
    assertFalse(Cifar10.isDirectory(dir), "an empty directory");
    assertFalse(Cifar10.isDirectory(dir.resolve("nowhere")), "a missing directory");
    Files.write(dir.resolve("train-images-idx3-ubyte"), new byte[16]);
    assertFalse(Cifar10.isDirectory(dir), "a Fashion-MNIST directory");
    Path batches = writeStandardLayout(dir.resolve("cifar-10-batches-bin"));
    assertTrue(Cifar10.isDirectory(batches), "the batches directory");
    assertTrue(Cifar10.isDirectory(dir), "the directory it was extracted into");
  }

  @Test
  void missingDirectorySaysWhereToGetTheDataAndThatNothingIsDownloaded() {
    Path nowhere = dir.resolve("nowhere");
    DatasetException e = assertThrows(DatasetException.class, () -> Cifar10.load(nowhere));
    assertNamesFile(e, nowhere, "downloads nothing", "https://www.cs.toronto.edu/~kriz/cifar.html",
        "cifar-10-binary.tar.gz", "cifar-10-batches-bin");
  }

  @Test
  void aFileGivenForTheDirectory() throws IOException {
    Path file = Files.write(dir.resolve("data_batch_1.bin"), records(0, 1));
    DatasetException e = assertThrows(DatasetException.class, () -> Cifar10.load(file));
    assertNamesFile(e, file, "is a file", "cifar-10-batches-bin");
  }

  @Test
  void missingFileIsNamedBeforeAnythingIsRead() throws IOException {
    Path batches = writeStandardLayout(dir.resolve("cifar-10-batches-bin"));
    Path third = batches.resolve("data_batch_3.bin");
    Files.delete(third);
    DatasetException e = assertThrows(DatasetException.class, () -> Cifar10.load(batches));
    assertNamesFile(e, third, "missing", "downloads nothing");
  }

  @Test
  void pythonVersionIsRecognized() throws IOException {
    Path batches = writeStandardLayout(dir.resolve("cifar-10-batches-py"));
    Path test = batches.resolve("test_batch.bin");
    Files.move(test, batches.resolve("test_batch"));
    DatasetException e = assertThrows(DatasetException.class, () -> Cifar10.load(batches));
    assertNamesFile(e, test, "missing", "Python version");
  }

  @Test
  void aDirectoryWhereAFileIsExpected() throws IOException {
    Path batches = writeStandardLayout(dir.resolve("cifar-10-batches-bin"));
    Path test = batches.resolve("test_batch.bin");
    Files.delete(test);
    Files.createDirectory(test);
    DatasetException e = assertThrows(DatasetException.class, () -> Cifar10.load(batches));
    assertNamesFile(e, test, "is a directory");
  }

  @Test
  void emptyFile() throws IOException {
    Path batches = writeStandardLayout(dir.resolve("cifar-10-batches-bin"));
    Path second = Files.write(batches.resolve("data_batch_2.bin"), new byte[0]);
    DatasetException e = assertThrows(DatasetException.class, () -> Cifar10.load(batches));
    assertNamesFile(e, second, "empty");
  }

  @Test
  void sizeThatIsNotWholeRecords() throws IOException {
    byte[] two = records(0, 1, 2);
    Path file = Files.write(dir.resolve("data_batch_1.bin"), java.util.Arrays.copyOf(two, two.length - 5));
    DatasetException e = assertThrows(DatasetException.class, () -> Cifar10.read(List.of(file)));
    assertNamesFile(e, file, "6141 bytes", "not a whole number of 3073-byte records", "1 records and 3068 bytes over",
        "complete");
  }

  @Test
  void cifar100RecordsAreRecognized() throws IOException {
    Path file = Files.write(dir.resolve("train.bin"), new byte[3 * 3074]);
    DatasetException e = assertThrows(DatasetException.class, () -> Cifar10.read(List.of(file)));
    assertNamesFile(e, file, "CIFAR-100");
  }

  @Test
  void labelOutsideTheTenClasses() throws IOException {
    Path batches = writeStandardLayout(dir.resolve("cifar-10-batches-bin"));
    byte[] bytes = records(0, 4, 5, 6);
    bytes[2 * 3073] = 10;
    Path fourth = Files.write(batches.resolve("data_batch_4.bin"), bytes);
    DatasetException e = assertThrows(DatasetException.class, () -> Cifar10.load(batches));
    assertNamesFile(e, fourth, "label byte 10 of record 2", "byte offset 6146", "0..9");
  }

  @Test
  void labelByteAbove127IsUnsigned() throws IOException {
    byte[] bytes = records(0, 1);
    bytes[0] = (byte) 200;
    Path file = Files.write(dir.resolve("data_batch_1.bin"), bytes);
    DatasetException e = assertThrows(DatasetException.class, () -> Cifar10.read(List.of(file)));
    assertNamesFile(e, file, "label byte 200 of record 0");
  }
}
