package dev.shortcut.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image shapes on datasets, padding, Fashion-MNIST as images, per-channel standardization. */
class ImagesTest {
  @TempDir Path dir;

  @Test
  void shapeValidatesAndNamesItselfChannelsFirst() {
    ImageShape s = ImageShape.of(3, 32, 24);
    assertEquals(3 * 32 * 24, s.size());
    assertEquals("3×32×24", s.toString());
    assertEquals(ImageShape.of(3, 32, 24), s);
    assertEquals(ImageShape.of(3, 32, 24).hashCode(), s.hashCode());
    assertNotEquals(ImageShape.of(3, 24, 32), s);
    // HWC: channel fastest, then column, then row.
    assertEquals(0, s.index(0, 0, 0));
    assertEquals(2, s.index(0, 0, 2));
    assertEquals(3, s.index(0, 1, 0));
    assertEquals(24 * 3, s.index(1, 0, 0));
    assertEquals(ImageShape.of(3, 37, 30), s.padded(2, 3, 4, 2));
    assertThrows(IllegalArgumentException.class, () -> ImageShape.of(0, 28, 28));
    assertThrows(IllegalArgumentException.class, () -> ImageShape.of(1, -28, 28));
    assertThrows(IllegalArgumentException.class, () -> ImageShape.of(1, 28, 0));
    assertThrows(IllegalArgumentException.class, () -> ImageShape.of(1 << 12, 1 << 12, 1 << 12));
    assertThrows(IllegalArgumentException.class, () -> s.padded(-1, 0, 0, 0));
  }

  @Test
  void datasetCarriesAShapeThatMatchesItsRows() {
    Dataset plain = Dataset.classification("d", new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, new int[] {0, 1}, 2);
    assertEquals(Optional.empty(), plain.imageShape());
    Dataset images = plain.withImageShape(ImageShape.of(1, 2, 2));
    assertEquals(ImageShape.of(1, 2, 2), images.imageShape().orElseThrow());
    assertSame(plain.features(), images.features());
    assertSame(plain.labels(), images.labels());
    assertEquals(Optional.empty(), plain.imageShape()); // the original is unchanged
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> plain.withImageShape(ImageShape.of(3, 2, 2)));
    assertTrue(e.getMessage().contains("3×2×2") && e.getMessage().contains("12")
        && e.getMessage().contains("4"), e.getMessage());
    // Transforms that keep the rows' meaning keep the shape.
    assertEquals(images.imageShape(), images.scaled(255f).imageShape());
    assertEquals(images.imageShape(), images.head(1).imageShape());
    assertEquals(images.imageShape(), images.standardization().apply(images).imageShape());
    assertEquals(Optional.empty(), plain.head(1).imageShape());
  }

  @Test
  void paddingSurroundsEveryImageWithZeros() {
    ImageShape shape = ImageShape.of(2, 3, 4);
    int n = 3;
    float[] f = new float[n * shape.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = i + 1; // never zero, so only the border is
    }
    Dataset d = Dataset.regression("r", f, shape.size(), new float[] {1, 2, 3}, 1).withImageShape(shape);
    Dataset p = Images.pad(d, 1, 2, 3, 0);
    ImageShape to = p.imageShape().orElseThrow();
    assertEquals(ImageShape.of(2, 6, 7), to);
    assertArrayEquals(new float[] {1, 2, 3}, p.targets());
    for (int i = 0; i < n; i++) {
      for (int y = 0; y < 6; y++) {
        for (int x = 0; x < 7; x++) {
          for (int c = 0; c < 2; c++) {
            boolean inside = y >= 1 && y < 4 && x >= 3;
            float expected = inside ? f[i * shape.size() + shape.index(y - 1, x - 3, c)] : 0f;
            assertEquals(expected, p.features()[i * to.size() + to.index(y, x, c)],
                "image " + i + " y " + y + " x " + x + " c " + c);
          }
        }
      }
    }
  }

  @Test
  void paddingNeedsImages() {
    Dataset plain = Dataset.classification("plain.csv", new float[4], 4, new int[] {0}, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Images.pad(plain, 1, 1, 1, 1));
    assertTrue(e.getMessage().contains("plain.csv") && e.getMessage().contains("withImageShape"), e.getMessage());
  }

  /** IDX files of {@code count} images of {@code side}×{@code side}, pixel value = 1 + (i + y + x) % 200. */
  private void writeFashionMnist(Path into, int side) throws IOException {
    Files.createDirectories(into);
    for (String split : new String[] {"train", "t10k"}) {
      int count = split.equals("train") ? 3 : 2;
      ByteBuffer img = ByteBuffer.allocate(16 + count * side * side);
      img.putInt(0x803).putInt(count).putInt(side).putInt(side);
      for (int i = 0; i < count; i++) {
        for (int y = 0; y < side; y++) {
          for (int x = 0; x < side; x++) {
            img.put((byte) (1 + (i + y + x) % 200));
          }
        }
      }
      ByteBuffer lab = ByteBuffer.allocate(8 + count);
      lab.putInt(0x801).putInt(count);
      for (int i = 0; i < count; i++) {
        lab.put((byte) (i + 5));
      }
      Files.write(into.resolve(split + "-images-idx3-ubyte"), img.array());
      Files.write(into.resolve(split + "-labels-idx1-ubyte"), lab.array());
    }
  }

  @Test
  void fashionMnistLoadsAsImagesAndPadsTo32() throws IOException {
    writeFashionMnist(dir, 28);
    FashionMnist.Splits s = FashionMnist.load(dir);
    assertEquals(ImageShape.of(1, 28, 28), s.train().imageShape().orElseThrow());
    assertEquals(ImageShape.of(1, 28, 28), s.test().imageShape().orElseThrow());
    FashionMnist.Splits p = FashionMnist.loadPadded(dir);
    assertEquals(FashionMnist.PADDED_SHAPE, p.train().imageShape().orElseThrow());
    assertEquals(ImageShape.of(1, 32, 32), p.test().imageShape().orElseThrow());
    assertArrayEquals(new int[] {5, 6, 7}, p.train().labels());
    float[] f = p.train().features();
    for (int i = 0; i < 3; i++) {
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          boolean inside = y >= 2 && y < 30 && x >= 2 && x < 30;
          float expected = inside ? (1 + (i + y - 2 + x - 2) % 200) / 255f : 0f;
          assertEquals(expected, f[i * 1024 + y * 32 + x], "image " + i + " y " + y + " x " + x);
        }
      }
    }
  }

  @Test
  void fashionMnistOfAnotherSizeNamesTheFile() throws IOException {
    writeFashionMnist(dir, 5);
    DatasetException e = assertThrows(DatasetException.class, () -> FashionMnist.load(dir));
    assertEquals(dir.resolve("train-images-idx3-ubyte"), e.file());
    assertTrue(e.getMessage().contains("25 pixels") && e.getMessage().contains("28×28"), e.getMessage());
  }

  /** Random images with channels of very different scales. */
  private static Dataset randomImages(String name, ImageShape shape, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] f = new float[n * shape.size()];
    for (int i = 0; i < f.length; i++) {
      int c = i % shape.channels();
      f[i] = (float) (random.nextDouble() * (c + 1) * 3 + c * 10);
    }
    int[] labels = new int[n];
    return Dataset.classification(name, f, shape.size(), labels, 1).withImageShape(shape);
  }

  @Test
  void channelStatisticsMatchADirectComputation() {
    ImageShape shape = ImageShape.of(3, 4, 5);
    Dataset train = randomImages("train", shape, 7, 1);
    ChannelStandardization norm = ChannelStandardization.of(train);
    for (int c = 0; c < 3; c++) {
      // Directly: every value of channel c, by coordinates.
      List<Double> values = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        for (int y = 0; y < 4; y++) {
          for (int x = 0; x < 5; x++) {
            values.add((double) train.features()[i * shape.size() + shape.index(y, x, c)]);
          }
        }
      }
      double mean = values.stream().mapToDouble(v -> v).average().orElseThrow();
      double variance = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / values.size();
      assertEquals(mean, norm.mean()[c], 1e-5, "mean of channel " + c);
      assertEquals(Math.sqrt(variance), norm.std()[c], 1e-5, "std of channel " + c);
    }
    // Applied to another set with the training statistics, value by value.
    Dataset test = randomImages("test", shape, 3, 2);
    Dataset standardized = norm.apply(test);
    assertEquals(shape, standardized.imageShape().orElseThrow());
    for (int i = 0; i < test.features().length; i++) {
      int c = i % 3;
      assertEquals((test.features()[i] - norm.mean()[c]) / norm.std()[c], standardized.features()[i], 1e-6);
    }
    // The training set itself comes out with mean 0 and deviation 1 per channel.
    Dataset self = norm.apply(train);
    for (int c = 0; c < 3; c++) {
      double sum = 0;
      double squares = 0;
      int count = 0;
      for (int i = c; i < self.features().length; i += 3) {
        sum += self.features()[i];
        squares += (double) self.features()[i] * self.features()[i];
        count++;
      }
      assertEquals(0, sum / count, 1e-5);
      assertEquals(1, squares / count, 1e-4);
    }
  }

  @Test
  void constantChannelMapsToZero() {
    ImageShape shape = ImageShape.of(2, 1, 2);
    Dataset d = Dataset.classification("d", new float[] {3, 1, 3, 2, 3, 5, 3, 0}, 4, new int[2], 1)
        .withImageShape(shape);
    ChannelStandardization norm = ChannelStandardization.of(d);
    assertEquals(3f, norm.mean()[0]);
    assertEquals(1f, norm.std()[0]);
    Dataset out = norm.apply(d);
    assertEquals(0f, out.features()[0]);
    assertEquals(0f, out.features()[6]);
  }

  @Test
  void channelStandardizationChecksShapes() {
    Dataset rgb = randomImages("rgb", ImageShape.of(3, 2, 2), 2, 3);
    Dataset grey = randomImages("grey", ImageShape.of(1, 2, 2), 2, 3);
    ChannelStandardization norm = ChannelStandardization.of(rgb);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> norm.apply(grey));
    assertTrue(e.getMessage().contains("grey") && e.getMessage().contains("1 channels"), e.getMessage());
    Dataset plain = Dataset.classification("plain", new float[4], 4, new int[1], 1);
    assertThrows(IllegalArgumentException.class, () -> ChannelStandardization.of(plain));
    assertThrows(IllegalArgumentException.class, () -> new ChannelStandardization(new float[2], new float[3]));
  }
}
