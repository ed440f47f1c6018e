package dev.shortcut.benchmarks.compare;

import java.util.ArrayList;
import java.util.List;

/** The configurations of each run: quick, full, smoke. Named networks join as rows of their own. */
final class Grid {
  private Grid() {}

  /**
   * The quick subset: training at widths 64–256, 10 and 100 layers, batch 32 and 128, and batch-1
   * inference at 100 layers, widths 64–512: every row that issue 13's dense targets name; and the
   * convolutional rows its targets name (training at batch 8 and 128, batch-1 inference).
   */
  static List<Config> quick() {
    List<Config> grid = new ArrayList<>();
    for (int w : new int[] {64, 128, 256}) {
      for (int l : new int[] {10, 100}) {
        for (int b : new int[] {32, 128}) {
          grid.add(Config.dense("train", w, l, b));
        }
      }
    }
    for (int w : new int[] {64, 128, 256, 512}) {
      grid.add(Config.dense("infer", w, 100, 1));
    }
    // ResNet-20 in full on both image sizes; ResNet-56 on 32 × 32 at the targets' batches.
    grid.addAll(resnets("resnet20", new int[] {28, 32}, new int[] {8, 32, 128}));
    grid.add(Config.resnet("resnet56", "train", 32, 8));
    grid.add(Config.resnet("resnet56", "train", 32, 128));
    grid.add(Config.resnet("resnet56", "infer", 32, 1));
    return grid;
  }

  /** Training at each of {@code batches}, inference at batch 1 and 128, on each image side. */
  static List<Config> resnets(String network, int[] sides, int[] batches) {
    List<Config> grid = new ArrayList<>();
    for (int side : sides) {
      for (int b : batches) {
        grid.add(Config.resnet(network, "train", side, b));
      }
      grid.add(Config.resnet(network, "infer", side, 1));
      grid.add(Config.resnet(network, "infer", side, 128));
    }
    return grid;
  }

  /** The whole grid of issue 5: widths 64–512, 10, 50 and 100 layers; batch 32 and 128; batch 1 inference. */
  static List<Config> full() {
    List<Config> grid = new ArrayList<>();
    int[] widths = {64, 128, 256, 512};
    int[] depths = {10, 50, 100};
    for (int w : widths) {
      for (int l : depths) {
        for (int b : new int[] {32, 128}) {
          grid.add(Config.dense("train", w, l, b));
        }
      }
    }
    for (int w : widths) {
      for (int l : depths) {
        grid.add(Config.dense("infer", w, l, 1));
      }
    }
    for (String network : new String[] {"resnet20", "resnet56"}) {
      grid.addAll(resnets(network, new int[] {28, 32}, new int[] {8, 32, 128}));
    }
    return grid;
  }

  /** Small rows that exercise every path (training, batch-1 inference with all its modes, a ResNet of each). */
  static List<Config> smoke() {
    return List.of(Config.dense("train", 64, 10, 32), Config.dense("infer", 64, 10, 1),
        Config.resnet("resnet20", "train", 28, 8), Config.resnet("resnet20", "infer", 28, 1));
  }
}
