package dev.shortcut.benchmarks.compare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Shortcut's side of one configuration: it writes the reference file compare.py checks, then times
 * itself when asked. One implementation per kind of network: the dense family ({@link
 * DenseShortcut}) and the paper's CIFAR ResNets ({@link ConvShortcut}), each recording its layout in
 * the file's metadata.
 */
interface ShortcutSide {
  /**
   * Writes the starting state (parameters, batch, labels), the architecture and optimizer settings
   * as metadata, and this side's logits, gradients and parameters after one Adam step at each of
   * {@code threadCounts}; results bit-identical to those at 1 thread are written once.
   *
   * @return the thread counts whose results were bit-identical to 1 thread's
   */
  Set<Integer> writeReference(Path file, int[] threadCounts) throws IOException;

  /** Times this side at {@code threads} threads, from the starting state. */
  Trial trial(int threads, double seconds, int minSteps);

  /** The side for {@code config}. */
  static ShortcutSide of(Config config) {
    return config.network() == null ? new DenseShortcut(config) : new ConvShortcut(config);
  }
}
