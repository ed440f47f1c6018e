package dev.shortcut.benchmarks.compare;

import java.util.Locale;

/**
 * One configuration of the comparison, timed at each thread count.
 *
 * @param network a named network ({@code resnet20}, {@code resnet56}: the paper's CIFAR ResNets), or
 *     {@code null} for the dense residual family of the lecture (stem, two-layer blocks, head),
 *     which {@code width} and {@code layers} pick
 * @param kind {@code train} (forward, loss, backward, Adam) or {@code infer} (forward only)
 * @param width the dense family's width; a named network's image side (28 or 32)
 * @param layers the dense family's depth (10, 50 or 100); a named network's (20 or 56)
 * @param batch rows per step
 */
record Config(String network, String kind, int width, int layers, int batch) {
  Config {
    if (!kind.equals("train") && !kind.equals("infer")) {
      throw new IllegalArgumentException("kind must be train or infer, got " + kind);
    }
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1, got " + batch);
    }
  }

  /** A configuration of the dense family. */
  static Config dense(String kind, int width, int layers, int batch) {
    return new Config(null, kind, width, layers, batch);
  }

  /** The paper's CIFAR ResNet {@code network} ({@code resnet20}, {@code resnet56}) on {@code side}² images. */
  static Config resnet(String network, String kind, int side, int batch) {
    return new Config(network, kind, side, Integer.parseInt(network.substring("resnet".length())), batch);
  }

  /**
   * Parses {@code kind:width:layers:batch} (the dense family), e.g. {@code train:128:100:32},
   * {@code resnetN:kind:side:batch} for the paper's ResNets, e.g. {@code resnet20:train:32:128}, or
   * {@code network:kind:width:layers:batch}.
   */
  static Config parse(String text) {
    String[] p = text.split(":");
    try {
      if (p.length == 4 && p[0].startsWith("resnet")) {
        return resnet(p[0], p[1], Integer.parseInt(p[2]), Integer.parseInt(p[3]));
      }
      if (p.length == 4) {
        return dense(p[0], Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]));
      }
      if (p.length == 5) {
        return new Config(p[0], p[1], Integer.parseInt(p[2]), Integer.parseInt(p[3]), Integer.parseInt(p[4]));
      }
    } catch (NumberFormatException e) {
      // worded below
    }
    throw new IllegalArgumentException("a configuration is kind:width:layers:batch, e.g. train:128:100:32"
        + " (or network:kind:width:layers:batch), got " + text);
  }

  /** For logs: {@code train 128×100 batch 32}, {@code resnet20 train 32×32 batch 8}. */
  String label() {
    if (network != null) {
      return String.format(Locale.ROOT, "%s %s %d×%d batch %d", network, kind, width, width, batch);
    }
    return String.format(Locale.ROOT, "%s %d×%d batch %d", kind, width, layers, batch);
  }
}
