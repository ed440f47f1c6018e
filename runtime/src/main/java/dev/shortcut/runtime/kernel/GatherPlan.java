package dev.shortcut.runtime.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntBinaryOperator;

/**
 * A convolution seen as a gather: every output pixel is a sum, over the taps its window keeps, of a
 * source row segment times a weight block. The forward pass gathers {@code y} from {@code x}
 * through {@code w}; the input gradient gathers {@code dx} from {@code dy} through the transposed
 * weights, with the taps of each stride phase reordered so that they are contiguous too (see
 * {@link ConvShape}).
 *
 * <p>Output pixels are grouped into classes that keep the same taps: the interior, each edge and
 * corner the padding clips, each stride phase. Within a class every tap row reads
 * {@code rowTaps · srcChannels} consecutive source floats against as many consecutive weight rows,
 * so the fast kernel runs one flat loop per tap row, with no bounds tests and no padding copy.
 * Built once per shape; immutable.
 */
final class GatherPlan {
  final int srcHeight;
  final int srcWidth;
  final int srcChannels;
  final int outHeight;
  final int outWidth;
  final int outChannels;
  final Group[] groups;

  /** Output pixels of one image that keep the same taps. */
  static final class Group {
    /** Output pixels of one image in this class. */
    final int members;
    /** Per member, in row-major order: its output pixel index {@code h · outWidth + w}. */
    final int[] outPixel;
    /** Per member: the source pixel index of its first tap. */
    final int[] srcPixel;
    /** Per tap row: the weight block of its first tap, {@code kernelRow · kernelWidth + slot}. */
    final int[] tapBlock;
    /** Per tap row: source pixels from the first tap row's start to this one's. */
    final int[] tapShift;
    /** Contiguous taps along the width in every tap row; 0 when the class has no tap at all. */
    final int rowTaps;

    Group(int[] outPixel, int[] srcPixel, int[] tapBlock, int[] tapShift, int rowTaps) {
      this.members = outPixel.length;
      this.outPixel = outPixel;
      this.srcPixel = srcPixel;
      this.tapBlock = tapBlock;
      this.tapShift = tapShift;
      this.rowTaps = tapBlock.length == 0 ? 0 : rowTaps;
    }

    /** Whether these pixels receive nothing (a window entirely in the padding, or a skipped phase). */
    boolean empty() {
      return rowTaps == 0;
    }
  }

  /**
   * @param orderH the kernel rows in tap order; {@code orderW} likewise the kernel columns, whose
   *     position in this order is the weight slot
   * @param sourceH the source row that output row {@code u} reads through kernel row {@code k}, or
   *     -1; along the taps in order, sources must ascend by one
   */
  GatherPlan(int srcHeight, int srcWidth, int srcChannels, int outHeight, int outWidth, int outChannels,
      int kernelWidth, int[] orderH, int[] orderW, IntBinaryOperator sourceH, IntBinaryOperator sourceW) {
    this.srcHeight = srcHeight;
    this.srcWidth = srcWidth;
    this.srcChannels = srcChannels;
    this.outHeight = outHeight;
    this.outWidth = outWidth;
    this.outChannels = outChannels;
    int[][] rows = axis(outHeight, orderH, sourceH);
    int[][] cols = axis(outWidth, orderW, sourceW);
    // Classes keyed by (first tap, tap count) along both axes, members kept in row-major order.
    Map<List<Integer>, List<int[]>> classes = new LinkedHashMap<>();
    for (int u = 0; u < outHeight; u++) {
      for (int v = 0; v < outWidth; v++) {
        List<Integer> key = List.of(rows[0][u], rows[1][u], cols[0][v], cols[1][v]);
        classes.computeIfAbsent(key, k -> new ArrayList<>()).add(new int[] {u, v});
      }
    }
    List<Group> built = new ArrayList<>();
    for (Map.Entry<List<Integer>, List<int[]>> e : classes.entrySet()) {
      int firstRow = e.getKey().get(0);
      int rowCount = e.getKey().get(1);
      int slot = e.getKey().get(2);
      int colCount = e.getKey().get(3);
      List<int[]> pixels = e.getValue();
      int[] outPixel = new int[pixels.size()];
      int[] srcPixel = new int[pixels.size()];
      for (int m = 0; m < pixels.size(); m++) {
        int u = pixels.get(m)[0];
        int v = pixels.get(m)[1];
        outPixel[m] = u * outWidth + v;
        srcPixel[m] = rowCount == 0 || colCount == 0 ? 0 : rows[2][u] * srcWidth + cols[2][v];
      }
      int taps = colCount == 0 ? 0 : rowCount;
      int[] tapBlock = new int[taps];
      int[] tapShift = new int[taps];
      for (int t = 0; t < taps; t++) {
        tapBlock[t] = orderH[firstRow + t] * orderW.length + slot;
        tapShift[t] = t * srcWidth;
      }
      built.add(new Group(outPixel, srcPixel, tapBlock, tapShift, colCount));
    }
    this.groups = built.toArray(new Group[0]);
  }

  /**
   * For each output coordinate along one axis: the position of its first valid tap in
   * {@code order}, the number of valid taps (consecutive in {@code order}), and the source
   * coordinate of the first.
   */
  private static int[][] axis(int outSize, int[] order, IntBinaryOperator source) {
    int[] first = new int[outSize];
    int[] count = new int[outSize];
    int[] src = new int[outSize];
    for (int u = 0; u < outSize; u++) {
      for (int i = 0; i < order.length; i++) {
        int s = source.applyAsInt(u, order[i]);
        if (s < 0) {
          continue;
        }
        if (count[u] == 0) {
          first[u] = i;
          src[u] = s;
        } else if (i != first[u] + count[u] || s != src[u] + count[u]) {
          throw new IllegalStateException("taps of output coordinate " + u + " are not contiguous");
        }
        count[u]++;
      }
    }
    return new int[][] {first, count, src};
  }
}
