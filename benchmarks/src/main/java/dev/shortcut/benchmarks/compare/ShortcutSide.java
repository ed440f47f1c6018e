package dev.shortcut.benchmarks.compare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Shortcut's side of one configuration: it writes the reference file compare.py checks, then times
 * itself when asked. One implementation per kind of network: the dense family today; named
 * convolutional networks add their own, with their layout recorded in the file's metadata.
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
    if (config.network() == null) {
      return new DenseShortcut(config);
    }
    throw new IllegalArgumentException("no Shortcut network named " + config.network());
  }
}
