package dev.shortcut.runtime.sweep;

import dev.shortcut.runtime.kernel.Kernels;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Hands each run in this JVM a kernel thread pool that no other running run holds, so that
 * concurrent runs (a sweep's cells in process, the tasks of a Spark executor) do not queue for one
 * pool: a pool computes one product at a time. A run takes the lowest free pool number and gives it
 * back when done, so a JVM never has more pools than it had runs at once. The numbers do not
 * depend on the pool ({@link Kernels#withThreads(int, int)}).
 *
 * <pre>{@code
 * try (KernelPools.Lease lease = KernelPools.lease(threads)) {
 *   Network net = spec.create(batch, seed, lease.kernels());
 *   ...
 * }
 * }</pre>
 */
public final class KernelPools {
  private static final Map<Integer, BitSet> TAKEN = new HashMap<>();

  private KernelPools() {}

  /** A pool of {@code threads} threads that is this run's until the lease is closed. */
  public static Lease lease(int threads) {
    return new Lease(threads, take(threads));
  }

  /** A pool held by one run. */
  public static final class Lease implements AutoCloseable {
    private final int threads;
    private final int pool;
    private boolean closed;

    private Lease(int threads, int pool) {
      this.threads = threads;
      this.pool = pool;
    }

    /** The leased pool's kernels. */
    public Kernels kernels() {
      return Kernels.withThreads(threads, pool);
    }

    /** The pool's number among those of its size. */
    public int pool() {
      return pool;
    }

    /** Gives the pool back (once). */
    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        give(threads, pool);
      }
    }
  }

  /** The lowest pool number for {@code threads} that no running run holds, now taken. */
  static synchronized int take(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
    }
    BitSet taken = TAKEN.computeIfAbsent(threads, t -> new BitSet());
    int pool = taken.nextClearBit(0);
    taken.set(pool);
    return pool;
  }

  /** Gives {@code pool} back. */
  static synchronized void give(int threads, int pool) {
    TAKEN.get(threads).clear(pool);
  }
}
