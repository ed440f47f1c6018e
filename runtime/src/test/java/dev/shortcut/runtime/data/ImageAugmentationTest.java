package dev.shortcut.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shortcut.runtime.testing.SteadyState;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The paper's augmentation checked against a direct definition: each output image must be exactly
 * one of the (2p+1)² × 2 shifted and possibly mirrored copies of its input, zeros where the
 * padding shows.
 */
class ImageAugmentationTest {
  /** Distinct, non-zero values, so a zero can only come from the padding and a copy is unambiguous. */
  private static float[] batch(int rows, ImageShape shape) {
    float[] b = new float[rows * shape.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = i + 1;
    }
    return b;
  }

  /** The definition: out[y][x] = in[y + dy][x' + dx] with x' = mirrored ? W−1−x : x, else 0. */
  private static float[] expected(float[] in, int start, ImageShape s, int dy, int dx, boolean mirrored) {
    float[] out = new float[s.size()];
    for (int y = 0; y < s.height(); y++) {
      for (int x = 0; x < s.width(); x++) {
        int sy = y + dy;
        int sx = (mirrored ? s.width() - 1 - x : x) + dx;
        for (int c = 0; c < s.channels(); c++) {
          boolean inside = sy >= 0 && sy < s.height() && sx >= 0 && sx < s.width();
          out[s.index(y, x, c)] = inside ? in[start + s.index(sy, sx, c)] : 0f;
        }
      }
    }
    return out;
  }

  /**
   * The (dy, dx, mirrored) that explains row r of the output, as {dy, dx, 0|1}; fails if none
   * does. Only an image shifted wholly out of view (all zeros) has several explanations: null.
   */
  private static int[] explain(float[] in, float[] out, int r, ImageShape s, int padding, boolean flips) {
    float[] actual = Arrays.copyOfRange(out, r * s.size(), (r + 1) * s.size());
    int[] found = null;
    int matches = 0;
    for (int dy = -padding; dy <= padding; dy++) {
      for (int dx = -padding; dx <= padding; dx++) {
        for (int m = 0; m < (flips ? 2 : 1); m++) {
          if (Arrays.equals(actual, expected(in, r * s.size(), s, dy, dx, m == 1))) {
            found = new int[] {dy, dx, m};
            matches++;
          }
        }
      }
    }
    assertTrue(matches > 0, "row " + r + " is not a shifted, possibly mirrored copy of its input");
    if (matches > 1) {
      assertArrayEquals(new float[s.size()], actual, "row " + r + " has several explanations");
      return null;
    }
    return found;
  }

  @Test
  void cropsAreShiftedCopiesWithZerosAndFlipsMirrorExactly() {
    for (ImageShape shape : new ImageShape[] {ImageShape.of(3, 8, 6), ImageShape.of(1, 5, 5),
        ImageShape.of(3, 32, 32), ImageShape.of(2, 3, 9)}) {
      int rows = 200;
      float[] in = batch(rows, shape);
      float[] out = in.clone();
      ImageAugmentation.paperCifar().apply(out, 0, rows, shape, 12345L);
      Set<String> seen = new HashSet<>();
      for (int r = 0; r < rows; r++) {
        int[] e = explain(in, out, r, shape, 4, true);
        seen.add(Arrays.toString(e));
      }
      assertTrue(seen.size() > 50, shape + ": only " + seen.size() + " distinct augmentations in 200 rows");
    }
  }

  @Test
  void cropOnlyNeverMirrorsAndFlipOnlyNeverShifts() {
    ImageShape shape = ImageShape.of(3, 6, 7);
    float[] in = batch(100, shape);
    float[] crop = in.clone();
    ImageAugmentation.none().withPadCrop(2).apply(crop, 0, 100, shape, 9L);
    float[] flip = in.clone();
    ImageAugmentation.none().withHorizontalFlip().apply(flip, 0, 100, shape, 9L);
    int flipped = 0;
    for (int r = 0; r < 100; r++) {
      int[] c = explain(in, crop, r, shape, 2, false);
      assertTrue(Math.abs(c[0]) <= 2 && Math.abs(c[1]) <= 2);
      int[] f = explain(in, flip, r, shape, 0, true);
      flipped += f[2];
    }
    assertTrue(flipped > 20 && flipped < 80, "flipped " + flipped + " of 100");
    float[] none = in.clone();
    ImageAugmentation.none().apply(none, 0, 100, shape, 9L);
    assertArrayEquals(in, none);
  }

  @Test
  void theCropDoesNotDependOnWhetherFlipsAreOn() {
    ImageShape shape = ImageShape.of(3, 8, 8);
    float[] in = batch(64, shape);
    float[] both = in.clone();
    ImageAugmentation.paperCifar().apply(both, 0, 64, shape, 77L);
    float[] crop = in.clone();
    ImageAugmentation.none().withPadCrop(4).apply(crop, 0, 64, shape, 77L);
    for (int r = 0; r < 64; r++) {
      int[] b = explain(in, both, r, shape, 4, true);
      int[] c = explain(in, crop, r, shape, 4, false);
      assertEquals(b[0], c[0]);
      assertEquals(b[1], c[1]);
    }
  }

  @Test
  void everyOffsetIsReachableAndFlipsComeHalfTheTime() {
    ImageShape shape = ImageShape.of(1, 9, 9);
    int rows = 4000;
    int[][] counts = new int[9][9];
    int flips = 0;
    int total = 0;
    for (long step = 0; step < 5; step++) {
      float[] in = batch(rows, shape);
      float[] out = in.clone();
      ImageAugmentation.paperCifar().apply(out, 0, rows, shape, ImageAugmentation.stepKey(3, 1, step));
      for (int r = 0; r < rows; r++) {
        int[] e = explain(in, out, r, shape, 4, true);
        counts[e[0] + 4][e[1] + 4]++;
        flips += e[2];
        total++;
      }
    }
    // 20,000 draws: each of the 81 offsets expects ~247, standard deviation ~16.
    for (int dy = -4; dy <= 4; dy++) {
      for (int dx = -4; dx <= 4; dx++) {
        int n = counts[dy + 4][dx + 4];
        assertTrue(n > 150 && n < 350, "offset (" + dy + ", " + dx + ") drawn " + n + " times of " + total);
      }
    }
    // Flip frequency: standard deviation 0.0035 at 20,000 draws.
    assertEquals(0.5, (double) flips / total, 0.02, flips + " flips of " + total);
  }

  @Test
  void seededDeterminismAndIndependentRows() {
    ImageShape shape = ImageShape.of(3, 32, 32);
    float[] in = batch(16, shape);
    float[] a = in.clone();
    float[] b = in.clone();
    ImageAugmentation aug = ImageAugmentation.paperCifar();
    aug.apply(a, 0, 16, shape, ImageAugmentation.stepKey(42, 3, 17));
    aug.apply(b, 0, 16, shape, ImageAugmentation.stepKey(42, 3, 17));
    assertArrayEquals(a, b);
    float[] other = in.clone();
    aug.apply(other, 0, 16, shape, ImageAugmentation.stepKey(42, 3, 18));
    assertFalse(Arrays.equals(a, other));
    // A row's draw depends on the key and its position only, not on how many rows follow.
    float[] fewer = in.clone();
    aug.apply(fewer, 0, 5, shape, ImageAugmentation.stepKey(42, 3, 17));
    assertArrayEquals(Arrays.copyOf(a, 5 * shape.size()), Arrays.copyOf(fewer, 5 * shape.size()));
    assertArrayEquals(Arrays.copyOfRange(in, 5 * shape.size(), in.length),
        Arrays.copyOfRange(fewer, 5 * shape.size(), in.length));
  }

  @Test
  void stepKeysAreDistinct() {
    Set<Long> keys = new HashSet<>();
    for (long seed = 0; seed < 4; seed++) {
      for (int epoch = 0; epoch < 50; epoch++) {
        for (long step = 0; step < 500; step++) {
          keys.add(ImageAugmentation.stepKey(seed, epoch, step));
        }
      }
    }
    assertEquals(4 * 50 * 500, keys.size());
  }

  @Test
  void offsetAddressesTheRowsAndLeavesTheRestAlone() {
    ImageShape shape = ImageShape.of(2, 5, 4);
    float[] in = batch(6, shape);
    float[] alone = Arrays.copyOfRange(in, 2 * shape.size(), 5 * shape.size());
    ImageAugmentation.paperCifar().apply(alone, 0, 3, shape, 5L);
    float[] inside = in.clone();
    ImageAugmentation.paperCifar().apply(inside, 2 * shape.size(), 3, shape, 5L);
    assertArrayEquals(alone, Arrays.copyOfRange(inside, 2 * shape.size(), 5 * shape.size()));
    assertArrayEquals(Arrays.copyOf(in, 2 * shape.size()), Arrays.copyOf(inside, 2 * shape.size()));
    assertArrayEquals(Arrays.copyOfRange(in, 5 * shape.size(), in.length),
        Arrays.copyOfRange(inside, 5 * shape.size(), in.length));
  }

  @Test
  void doubleBuffersGetTheSameAugmentation() {
    ImageShape shape = ImageShape.of(3, 7, 6);
    float[] f = batch(40, shape);
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    ImageAugmentation.paperCifar().apply(f, 0, 40, shape, 99L);
    ImageAugmentation.paperCifar().apply(d, 0, 40, shape, 99L);
    for (int i = 0; i < f.length; i++) {
      assertEquals(f[i], d[i], 0.0, "value " + i);
    }
  }

  @Test
  void paddingLargerThanTheImageLeavesOnlyZerosOrACopy() {
    ImageShape shape = ImageShape.of(1, 2, 3);
    float[] in = batch(300, shape);
    float[] out = in.clone();
    ImageAugmentation.none().withPadCrop(5).apply(out, 0, 300, shape, 1L);
    for (int r = 0; r < 300; r++) {
      float[] actual = Arrays.copyOfRange(out, r * 6, r * 6 + 6);
      boolean explained = false;
      for (int dy = -5; dy <= 5 && !explained; dy++) {
        for (int dx = -5; dx <= 5 && !explained; dx++) {
          explained = Arrays.equals(actual, expected(in, r * 6, shape, dy, dx, false));
        }
      }
      assertTrue(explained, "row " + r);
    }
  }

  @Test
  void badArguments() {
    ImageShape shape = ImageShape.of(3, 4, 4);
    ImageAugmentation aug = ImageAugmentation.paperCifar();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> aug.apply(new float[2 * 48], 1, 2, shape, 0));
    assertTrue(e.getMessage().contains("2 images of 3×4×4") && e.getMessage().contains("96"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> aug.apply(new double[48], 0, -1, shape, 0));
    assertThrows(IllegalArgumentException.class, () -> aug.apply(new float[48], -1, 1, shape, 0));
    assertThrows(IllegalArgumentException.class, () -> ImageAugmentation.none().withPadCrop(-1));
    assertEquals(4, aug.padding());
    assertTrue(aug.flips());
    assertEquals("pad 4 and random crop, random horizontal flip", aug.toString());
  }

  @Test
  void allocatesNothingPerCallAfterWarmUp() {
    var threads = ManagementFactory.getThreadMXBean();
    assumeTrue(threads instanceof com.sun.management.ThreadMXBean);
    var bean = (com.sun.management.ThreadMXBean) threads;
    assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled());
    ImageShape shape = ImageShape.of(3, 32, 32);
    int rows = 32;
    float[] f = batch(rows, shape);
    double[] d = new double[f.length];
    ImageAugmentation aug = ImageAugmentation.paperCifar();
    int[] step = {0};
    SteadyState.assertAllocatesNothing("augmenting a float and a double batch", 500, () -> {
      aug.apply(f, 0, rows, shape, ImageAugmentation.stepKey(1, 2, step[0]));
      aug.apply(d, 0, rows, shape, ImageAugmentation.stepKey(1, 2, step[0]++));
    });
  }
}
