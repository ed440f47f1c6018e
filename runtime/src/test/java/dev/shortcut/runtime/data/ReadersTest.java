package dev.shortcut.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
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

  /** Gzip whose deflate blocks are stored, not compressed: flipped bytes inflate without complaint. */
  private static byte[] storedGzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out) {
      {
        def.setLevel(Deflater.NO_COMPRESSION);
      }
    }) {
      z.write(data);
    }
    return out.toByteArray();
  }

  /** {@code count} random images of 28×28 with a valid header. */
  private static byte[] randomImages(int count) {
    ByteBuffer b = ByteBuffer.allocate(16 + count * 784);
    b.putInt(0x803).putInt(count).putInt(28).putInt(28);
    SplittableRandom r = new SplittableRandom(8);
    while (b.hasRemaining()) {
      b.put((byte) r.nextInt(256));
    }
    return b.array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
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
  void gzipCorruptionIsDetected() throws IOException {
    // 16 bytes flipped in the middle of a gzip file used to load, with many pixels wrong: the
    // reader stopped at the declared count and never reached the CRC in the trailer.
    byte[] images = randomImages(200);
    Path lab = write("lab", labels(0x801, new int[200]));
    for (boolean stored : new boolean[] {true, false}) {
      byte[] gz = stored ? storedGzip(images) : gzip(images);
      assertArrayEquals(images, Arrays.copyOf(IdxReaderTestSupport.inflate(gz), images.length));
      for (int i = gz.length / 2; i < gz.length / 2 + 16; i++) {
        gz[i] = (byte) ~gz[i];
      }
      Path img = write(stored ? "stored.gz" : "deflated.gz", gz);
      DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(img, lab, 10));
      assertTrue(e.getMessage().contains("corrupt gzip data"), e.getMessage());
      assertEquals(img, e.file());
    }
  }

  @Test
  void bytesAfterTheGzipDataAreRejectedButConcatenatedMembersAreGzip() throws IOException {
    byte[] images = images(0x803, 3, 2, 2, 12);
    Path lab = write("lab", labels(0x801, 1, 0, 2));
    for (byte[] tail : new byte[][] {{0}, {1, 2}, "garbage after the data".getBytes()}) {
      Path img = write("img.gz", concat(gzip(images), tail));
      DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(img, lab, 3));
      assertTrue(e.getMessage().contains("not another gzip member") || e.getMessage().contains("truncated gzip"),
          e.getMessage());
    }
    Path twoMembers = write("two.gz", concat(gzip(Arrays.copyOf(images, 10)), gzip(Arrays.copyOfRange(images, 10, 28))));
    assertArrayEquals(IdxReader.read(write("plain", images), lab, 3).features(),
        IdxReader.read(twoMembers, lab, 3).features());
  }

  @Test
  void dataBeyondTheDeclaredCountIsRejected() throws IOException {
    byte[] longer = images(0x803, 3, 2, 2, 16); // a fourth image the header does not declare
    Path lab = write("lab", labels(0x801, 1, 0, 2));
    DatasetException plain = assertThrows(DatasetException.class,
        () -> IdxReader.read(write("img", longer), lab, 3));
    assertTrue(plain.getMessage().contains("4 bytes follow the 3 images of 2×2"), plain.getMessage());
    DatasetException gz = assertThrows(DatasetException.class,
        () -> IdxReader.read(write("img.gz", gzip(longer)), lab, 3));
    assertTrue(gz.getMessage().contains("more data follows the 3 images of 2×2"), gz.getMessage());
    Path img = write("ok", images(0x803, 3, 2, 2, 12));
    Path longLabels = write("lab2", concat(labels(0x801, 1, 0, 2), new byte[] {1}));
    DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(img, longLabels, 3));
    assertEquals(longLabels, e.file());
  }

  @Test
  void declaredSizesAreCheckedBeforeAnythingIsAllocated() throws IOException {
    Path lab = write("lab", labels(0x801, 1));
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    Object[][] cases = {
      {images(0x803, Integer.MAX_VALUE, 28, 28, 784), "more pixels than one data set holds"},
      {images(0x803, 1, 70000, 70000, 784), "more pixels than one data set holds"},
      {images(0x803, 2_000_000, 28, 28, 784), "truncated: the header promises 2,000,000 images of 28×28"},
      {images(0x803, 1, 40000, 40000, 784), "only 784 follow"},
    };
    for (Object[] c : cases) {
      for (boolean gz : new boolean[] {false, true}) {
        Path img = write(gz ? "big.gz" : "big", gz ? gzip((byte[]) c[0]) : (byte[]) c[0]);
        long before = threads.getThreadAllocatedBytes(thread);
        DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(img, lab, 10));
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        String expected = gz && !((String) c[1]).startsWith("more") ? "bytes of gzip can hold at most" : (String) c[1];
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(allocated < 10_000_000, allocated + " bytes allocated for " + e.getMessage());
      }
    }
  }

  @Test
  void emptyImagesAreADatasetException() throws IOException {
    Path lab = write("lab", labels(0x801, 1, 0, 2));
    for (int[] shape : new int[][] {{3, 0, 28}, {3, 28, 0}, {0, 28, 28}}) {
      Path img = write("img", images(0x803, shape[0], shape[1], shape[2], 0));
      DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(img, lab, 3));
      assertTrue(e.getMessage().contains("needs images of at least one pixel"), e.getMessage());
    }
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
  void csvHeaderMustHaveTheRowsColumnCount() throws IOException {
    Path csv = write("h.csv", "a,b,c,label\n0.5,1,2\n-1,2.5,0\n".getBytes());
    DatasetException e = assertThrows(DatasetException.class, () -> CsvReader.read(csv, -1, 2, 3));
    assertTrue(e.getMessage().contains("the header (line 1) has 4 columns but the rows need 3"), e.getMessage());
  }

  @Test
  void aDamagedFirstRowIsNotTakenForAHeader() throws IOException {
    // A first row with one bad cell used to be dropped silently as if it were a header.
    for (String first : new String[] {"0.5,x,2", "x,1,2", "0.5,1e,2", "0.5,,2"}) {
      Path csv = write("d.csv", (first + "\n1,2,0\n3,4,1\n").getBytes());
      DatasetException e = assertThrows(DatasetException.class, () -> CsvReader.read(csv, -1, 2, 3), first);
      assertTrue(e.getMessage().contains("line 1"), e.getMessage());
      assertTrue(e.getMessage().contains("column"), e.getMessage());
    }
    Path spaced = write("s.csv", "\uFEFF x , y , label \n1,2,0\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(1, CsvReader.read(spaced, -1, 2, 3).size(), "a header of names, with a byte-order mark");
  }

  @Test
  void nanAndInfiniteCellsAreRejectedByLineAndColumn() throws IOException {
    String[][] cases = {
      {"1,2,0\nNaN,1,1\n", "line 2: not a number in column 1: 'NaN' (NaN and infinities are not data)"},
      {"1,2,0\n1,-Infinity,1\n", "line 2: not a number in column 2: '-Infinity'"},
      {"1,2,0\n1,inf,1\n", "line 2: not a number in column 2: 'inf'"},
      {"1,2,0\n1,1e39,1\n", "line 2, column 2: 1e39 is too large for a float"},
      {"1,2,0\n1,0x1p3,1\n", "line 2: not a number in column 2: '0x1p3'"},
      {"1,2,0\n1,2f,1\n", "line 2: not a number in column 2: '2f'"},
      {"1,2,0\n1,2,1.5\n", "line 2, column 3: label '1.5' is not an integer class"},
      {"1,2,0\n1,2,7\n", "line 2: label 7 is outside the network's 3 classes (column 3)"},
      {"1,2,0\n1,2,99999999999\n", "line 2: label 99999999999 is outside the network's 3 classes"},
    };
    for (String[] c : cases) {
      Path csv = write("n.csv", c[0].getBytes());
      DatasetException e = assertThrows(DatasetException.class, () -> CsvReader.read(csv, -1, 2, 3), c[0]);
      assertTrue(e.getMessage().contains(c[1]), e.getMessage());
    }
    Path labelFirst = write("f.csv", "2,0.5,1\n9,1,1\n".getBytes());
    DatasetException e = assertThrows(DatasetException.class, () -> CsvReader.read(labelFirst, 0, 2, 3));
    assertTrue(e.getMessage().contains("line 2: label 9 is outside the network's 3 classes (column 1)"), e.getMessage());
    assertArrayEquals(new float[] {-1.5f, 2e-3f, 0.25f, 3f}, CsvReader.read(write("ok.csv",
        "-1.5,2e-3,0\n.25,+3.,1\n".getBytes()), -1, 2, 3).features());
  }

  @Test
  void aBinaryFileIsSaidToBeOne() throws IOException {
    byte[] idx = images(0x803, 3, 2, 2, 12);
    for (byte[] binary : new byte[][] {idx, gzip(idx)}) {
      Path file = write("data.csv", binary);
      DatasetException e = assertThrows(DatasetException.class, () -> CsvReader.read(file, -1, 2, 3));
      assertTrue(e.getMessage().contains("a CSV file is text") && e.getMessage().contains("binary file"),
          e.getMessage());
    }
  }

  @Test
  void aDatasetRefusesNonFiniteValues() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Dataset.classification("d", new float[] {1, 2, 3, Float.NaN}, 2, new int[] {0, 1}, 2));
    assertTrue(e.getMessage().contains("feature 1 of sample 1 is NaN"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Dataset.regression("r", new float[] {1, 2}, 1, new float[] {0, Float.POSITIVE_INFINITY}, 1));
    assertTrue(e.getMessage().contains("target 0 of sample 1 is Infinity"), e.getMessage());
    Dataset ok = Dataset.classification("d", new float[] {1, 2}, 1, new int[] {0, 1}, 2);
    assertThrows(IllegalArgumentException.class, () -> ok.scaled(0));
    assertThrows(IllegalArgumentException.class, () -> ok.head(-1));
  }

  @Test
  void readerArgumentsThatCannotWorkAreRefused() throws IOException {
    Path csv = write("a.csv", "1,0\n".getBytes());
    assertThrows(IllegalArgumentException.class, () -> CsvReader.read(csv, -1, 0, 2));
    assertThrows(IllegalArgumentException.class, () -> CsvReader.read(csv, -1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> CsvReader.read(csv, 5, 1, 2));
    Path img = write("img", images(0x803, 3, 2, 2, 12));
    Path lab = write("lab", labels(0x801, 1, 0, 2));
    assertThrows(IllegalArgumentException.class, () -> IdxReader.read(img, lab, 0));
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
