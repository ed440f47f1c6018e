package dev.shortcut.runtime.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * Random transforms of training images, applied in place to a batch already copied into a
 * network's input buffer (rows stored channels last, HWC, any channel count). The paper's CIFAR
 * augmentation ({@link #paperCifar()}) pads each image with 4 pixels of zeros on every side, takes
 * a random crop of the original size, and mirrors it left to right with probability ½; each
 * sample draws its own crop and flip. Immutable and thread-safe; {@code apply} allocates nothing
 * and needs no scratch memory (the crop is a shift done in place).
 *
 * <p><b>Randomness.</b> {@code apply} takes a 64-bit key, not a random-number generator: every
 * draw is a pure function of the key and the sample's row in the batch, so a batch's augmentation
 * can be recomputed at any step without replaying a stream. A trainer derives the key from its seed
 * and its position, {@link #stepKey(long, int, long) stepKey(seed, epoch, step)}, with the same
 * epoch and step numbers that a resumed run restores; the resumed run then augments every batch
 * exactly as the uninterrupted one did. Augment training batches only, never evaluation ones.
 *
 * <pre>{@code
 * ImageAugmentation augmentation = ImageAugmentation.paperCifar();
 * // per step, after data.copyRows(order, start, b, input):
 * augmentation.apply(input, 0, b, shape, ImageAugmentation.stepKey(seed, epoch, step));
 * }</pre>
 *
 * <p>Zeros are the padding value, as in the paper, whose images are mean-subtracted before they are
 * padded: on standardized data ({@link ChannelStandardization}) a zero is the mean pixel.
 */
public final class ImageAugmentation {
  /** Largest padding accepted; the draws below keep their precision well past it. */
  static final int MAX_PADDING = 1 << 16;

  /** SplitMix64's increment, the odd 64-bit golden ratio: keeps per-row inputs far apart. */
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private static final ImageAugmentation NONE = new ImageAugmentation(0, false);

  private final int padding;
  private final boolean flip;

  private ImageAugmentation(int padding, boolean flip) {
    this.padding = padding;
    this.flip = flip;
  }

  /** No change: the starting point for {@link #withPadCrop} and {@link #withHorizontalFlip}. */
  public static ImageAugmentation none() {
    return NONE;
  }

  /** The paper's CIFAR augmentation: {@code none().withPadCrop(4).withHorizontalFlip()}. */
  public static ImageAugmentation paperCifar() {
    return none().withPadCrop(4).withHorizontalFlip();
  }

  /**
   * Adds a random translation: each image is padded with {@code padding} pixels of zeros on every
   * side and cropped back to its own size at a uniformly random position, so it moves by
   * {@code dy, dx} each uniform in {@code [−padding, padding]}, zeros filling the uncovered border.
   * 0 turns it off.
   */
  public ImageAugmentation withPadCrop(int padding) {
    if (padding < 0 || padding > MAX_PADDING) {
      throw new IllegalArgumentException("padding must lie in [0, " + MAX_PADDING + "], got " + padding);
    }
    return new ImageAugmentation(padding, flip);
  }

  /** Adds a left-to-right mirror of each image with probability ½ (after the crop). */
  public ImageAugmentation withHorizontalFlip() {
    return new ImageAugmentation(padding, true);
  }

  /** Pixels of zero padding before the random crop; 0 when there is no crop. */
  public int padding() {
    return padding;
  }

  /** Whether images are mirrored at random. */
  public boolean flips() {
    return flip;
  }

  /** Whether {@code apply} changes nothing. */
  public boolean isNone() {
    return padding == 0 && !flip;
  }

  /**
   * The key of one training step: distinct, well-mixed keys for distinct {@code (seed, epoch,
   * step)}. {@code step} may count globally or within the epoch; what matters is that a resumed
   * run passes the same numbers as the uninterrupted run did.
   */
  public static long stepKey(long seed, int epoch, long step) {
    return mix(mix(mix(seed) + epoch) + step);
  }

  /**
   * Augments {@code rows} images of {@code shape} stored one after another from
   * {@code batch[offset]}, in place. Row {@code r}'s crop and flip depend only on {@code key} and
   * {@code r}, and the crop does not depend on whether flips are on.
   *
   * @throws IllegalArgumentException when the rows do not fit in {@code batch}
   */
  public void apply(float[] batch, int offset, int rows, ImageShape shape, long key) {
    checkBounds(batch.length, offset, rows, shape);
    if (isNone()) {
      return;
    }
    int height = shape.height();
    int width = shape.width();
    int channels = shape.channels();
    for (int r = 0; r < rows; r++) {
      long bits = draw(key, r);
      int image = offset + r * shape.size();
      if (padding > 0) {
        shift(batch, image, height, width, channels, offsetY(bits), offsetX(bits));
      }
      if (flip && mirrors(bits)) {
        mirror(batch, image, height, width, channels);
      }
    }
  }

  /** As {@link #apply(float[], int, int, ImageShape, long)}, on a double-precision buffer. */
  public void apply(double[] batch, int offset, int rows, ImageShape shape, long key) {
    checkBounds(batch.length, offset, rows, shape);
    if (isNone()) {
      return;
    }
    int height = shape.height();
    int width = shape.width();
    int channels = shape.channels();
    for (int r = 0; r < rows; r++) {
      long bits = draw(key, r);
      int image = offset + r * shape.size();
      if (padding > 0) {
        shift(batch, image, height, width, channels, offsetY(bits), offsetX(bits));
      }
      if (flip && mirrors(bits)) {
        mirror(batch, image, height, width, channels);
      }
    }
  }

  @Override
  public String toString() {
    if (isNone()) {
      return "no augmentation";
    }
    String crop = padding > 0 ? "pad " + padding + " and random crop" : "";
    return crop + (padding > 0 && flip ? ", " : "") + (flip ? "random horizontal flip" : "");
  }

  private static void checkBounds(int length, int offset, int rows, ImageShape shape) {
    Objects.requireNonNull(shape, "shape");
    if (offset < 0 || rows < 0 || offset + (long) rows * shape.size() > length) {
      throw new IllegalArgumentException(rows + " images of " + shape + " from offset " + offset
          + " do not fit in a buffer of " + length + " values");
    }
  }

  /** 64 random bits for row {@code r}: SplitMix64's output function on the key's r-th step. */
  private static long draw(long key, int r) {
    return mix(key + (r + 1) * GOLDEN_GAMMA);
  }

  /** Uniform in [−padding, padding] from bits 0..23 (bias below range / 2²⁴). */
  private int offsetY(long bits) {
    return (int) (((bits & 0xFFFFFFL) * (2 * padding + 1)) >>> 24) - padding;
  }

  /** Uniform in [−padding, padding] from bits 24..47. */
  private int offsetX(long bits) {
    return (int) ((((bits >>> 24) & 0xFFFFFFL) * (2 * padding + 1)) >>> 24) - padding;
  }

  /** Probability ½ exactly, from the top bit. */
  private static boolean mirrors(long bits) {
    return bits < 0;
  }

  /** SplitMix64's finalizer (Stafford's mix 13): a bijection that scrambles every input bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /**
   * {@code out[y][x] = in[y + dy][x + dx]}, zero where that lies outside the image: a crop at
   * {@code (padding + dy, padding + dx)} of the zero-padded image. In place: rows are visited so
   * that each source row is read before it is overwritten ({@code arraycopy} handles the overlap
   * within a row).
   */
  private static void shift(float[] a, int image, int height, int width, int channels, int dy, int dx) {
    int rowValues = width * channels;
    boolean down = dy >= 0; // reading rows below: go top to bottom
    for (int i = 0; i < height; i++) {
      int y = down ? i : height - 1 - i;
      int to = image + y * rowValues;
      int sourceY = y + dy;
      if (sourceY < 0 || sourceY >= height || Math.abs(dx) >= width) {
        Arrays.fill(a, to, to + rowValues, 0f);
        continue;
      }
      int from = image + sourceY * rowValues;
      int kept = (width - Math.abs(dx)) * channels;
      int gap = Math.abs(dx) * channels;
      if (dx >= 0) {
        System.arraycopy(a, from + gap, a, to, kept);
        Arrays.fill(a, to + kept, to + rowValues, 0f);
      } else {
        System.arraycopy(a, from, a, to + gap, kept);
        Arrays.fill(a, to, to + gap, 0f);
      }
    }
  }

  private static void shift(double[] a, int image, int height, int width, int channels, int dy, int dx) {
    int rowValues = width * channels;
    boolean down = dy >= 0;
    for (int i = 0; i < height; i++) {
      int y = down ? i : height - 1 - i;
      int to = image + y * rowValues;
      int sourceY = y + dy;
      if (sourceY < 0 || sourceY >= height || Math.abs(dx) >= width) {
        Arrays.fill(a, to, to + rowValues, 0d);
        continue;
      }
      int from = image + sourceY * rowValues;
      int kept = (width - Math.abs(dx)) * channels;
      int gap = Math.abs(dx) * channels;
      if (dx >= 0) {
        System.arraycopy(a, from + gap, a, to, kept);
        Arrays.fill(a, to + kept, to + rowValues, 0d);
      } else {
        System.arraycopy(a, from, a, to + gap, kept);
        Arrays.fill(a, to, to + gap, 0d);
      }
    }
  }

  /** Mirrors every row left to right, moving whole pixels (all channels together). */
  private static void mirror(float[] a, int image, int height, int width, int channels) {
    for (int y = 0; y < height; y++) {
      int row = image + y * width * channels;
      for (int left = 0, right = width - 1; left < right; left++, right--) {
        for (int c = 0; c < channels; c++) {
          int i = row + left * channels + c;
          int j = row + right * channels + c;
          float t = a[i];
          a[i] = a[j];
          a[j] = t;
        }
      }
    }
  }

  private static void mirror(double[] a, int image, int height, int width, int channels) {
    for (int y = 0; y < height; y++) {
      int row = image + y * width * channels;
      for (int left = 0, right = width - 1; left < right; left++, right--) {
        for (int c = 0; c < channels; c++) {
          int i = row + left * channels + c;
          int j = row + right * channels + c;
          double t = a[i];
          a[i] = a[j];
          a[j] = t;
        }
      }
    }
  }
}
