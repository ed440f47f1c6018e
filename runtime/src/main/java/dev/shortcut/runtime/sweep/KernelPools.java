package dev.shortcut.runtime.sweep;

import dev.shortcut.runtime.kernel.Kernels;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Hands each cell that runs in this JVM a kernel pool that no other running cell holds, so that
 * concurrent cells (an in-process pool, a Spark executor's task slots) do not queue for one pool.
 * A cell takes the lowest free pool number and gives it back when done: a JVM never has more pools
 * than it ran cells at once.
 */
final class KernelPools {
  private static final Map<Integer, BitSet> TAKEN = new HashMap<>();

  private KernelPools() {}

  /** The lowest pool number for {@code threads} that no running cell holds, now taken. */
  static synchronized int take(int threads) {
    BitSet taken = TAKEN.computeIfAbsent(threads, t -> new BitSet());
    int pool = taken.nextClearBit(0);
    taken.set(pool);
    return pool;
  }

  /** Gives {@code pool} back. */
  static synchronized void give(int threads, int pool) {
    TAKEN.get(threads).clear(pool);
  }

  /** The kernels of pool {@code pool}. */
  static Kernels kernels(int threads, int pool) {
    return Kernels.withThreads(threads, pool);
  }
}
