package dev.shortcut.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX and CSV readers on fixture files written here, including every bad-file case. */
class ReadersTest {
  @TempDir Path dir;

  /** Three 2×2 images and their labels in IDX form. */
  private static byte[] images(int magic, int count, int rows, int cols, int pixels) {
    ByteBuffer b = ByteBuffer.allocate(16 + pixels);
    b.putInt(magic).putInt(count).putInt(rows).putInt(cols);
    for (int i = 0; i < pixels; i++) {
      b.put((byte) (i * 20));
    }
    return b.array();
  }

  private static byte[] labels(int magic, int... values) {
    ByteBuffer b = ByteBuffer.allocate(8 + values.length);
    b.putInt(magic).putInt(values.length);
    for (int v : values) {
      b.put((byte) v);
    }
    return b.array();
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(data);
    }
    return out.toByteArray();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  @Test
  void readsPlainAndGzipIdx() throws IOException {
    Path img = write("img", images(0x803, 3, 2, 2, 12));
    Path lab = write("lab.gz", gzip(labels(0x801, 1, 0, 2)));
    Dataset d = IdxReader.read(img, lab, 3);
    assertEquals(3, d.size());
    assertEquals(4, d.width());
    assertArrayEquals(new int[] {1, 0, 2}, d.labels());
    assertEquals(220f, d.features()[11]);
    assertEquals(220f / 255f, d.scaled(255f).features()[11], 1e-7);
  }

  @Test
  void wrongMagicNumberNamesTheFile() throws IOException {
    Path img = write("img", images(0x801, 3, 2, 2, 12));
    Path lab = write("lab", labels(0x801, 1, 0, 2));
    DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(img, lab, 3));
    assertTrue(e.getMessage().contains("img") && e.getMessage().contains("wrong magic number"), e.getMessage());
    assertEquals(img, e.file());
  }

  @Test
  void truncatedImages() throws IOException {
    Path img = write("img", images(0x803, 3, 2, 2, 10));
    Path lab = write("lab", labels(0x801, 1, 0, 2));
    DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(img, lab, 3));
    assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("only 10"), e.getMessage());
  }

  @Test
  void truncatedHeader() throws IOException {
    Path img = write("img", new byte[] {0, 0, 8, 3, 0, 0});
    Path lab = write("lab", labels(0x801, 1));
    DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(img, lab, 3));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void imageLabelCountMismatch() throws IOException {
    Path img = write("img", images(0x803, 3, 2, 2, 12));
    Path lab = write("lab", labels(0x801, 1, 0));
    DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(img, lab, 3));
    assertTrue(e.getMessage().contains("2 labels for 3 images"), e.getMessage());
  }

  @Test
  void labelOutsideTheClasses() throws IOException {
    Path img = write("img", images(0x803, 3, 2, 2, 12));
    Path lab = write("lab", labels(0x801, 1, 7, 2));
    DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(img, lab, 3));
    assertTrue(e.getMessage().contains("label 7 of sample 1"), e.getMessage());
  }

  @Test
  void missingFashionMnistSaysHowToInstall() {
    DatasetException e = assertThrows(DatasetException.class, () -> FashionMnist.load(dir.resolve("nowhere")));
    assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
  }

  @Test
  void csvWithHeader() throws IOException {
    Path csv = write("d.csv", "a,b,label\n0.5,1,2\n-1,2.5,0\n".getBytes());
    Dataset d = CsvReader.read(csv, -1, 2, 3);
    assertEquals(2, d.size());
    assertArrayEquals(new float[] {0.5f, 1f, -1f, 2.5f}, d.features());
    assertArrayEquals(new int[] {2, 0}, d.labels());
  }

  @Test
  void csvFeatureCountDiffersFromNetwork() throws IOException {
    Path csv = write("d.csv", "0.5,1,2\n-1,2.5,3,0\n".getBytes());
    DatasetException e = assertThrows(DatasetException.class, () -> CsvReader.read(csv, -1, 2, 4));
    assertTrue(e.getMessage().contains("line 2 has 3 features but the network takes 2"), e.getMessage());
  }

  @Test
  void csvBadLabelAndNumber() throws IOException {
    Path out = write("a.csv", "0.5,1,9\n".getBytes());
    assertTrue(assertThrows(DatasetException.class, () -> CsvReader.read(out, -1, 2, 3)).getMessage()
        .contains("label 9 is outside the network's 3 classes"));
    Path nan = write("b.csv", "0.5,1,1\nx,1,1\n".getBytes());
    assertTrue(assertThrows(DatasetException.class, () -> CsvReader.read(nan, -1, 2, 3)).getMessage()
        .contains("line 2: not a number"));
  }

  @Test
  void standardizationUsesTrainingStatistics() {
    Dataset train = Dataset.classification("t", new float[] {1, 10, 3, 10}, 2, new int[] {0, 1}, 2);
    Dataset test = Dataset.classification("v", new float[] {2, 10}, 2, new int[] {1}, 2);
    Dataset.Standardization s = train.standardization();
    assertArrayEquals(new float[] {-1, 0, 1, 0}, s.apply(train).features(), 1e-6f);
    assertArrayEquals(new float[] {0, 0}, s.apply(test).features(), 1e-6f);
  }
}
