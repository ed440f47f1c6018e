package dev.shortcut.runtime.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of daemon threads that each run one part of a split job. Handoff is a short spin
 * followed by {@link LockSupport#park}: fast when the other core is free, and no collapse when it
 * is busy (a pure spin-wait would burn the very core the worker needs). Nothing is allocated per
 * job.
 */
final class Workers {
  /** A job split into {@code parts}; part 0 runs on the caller. */
  interface Job {
    void run(int part, int parts);
  }

  private static final int SPINS = 2_000;

  private final Thread[] threads;
  private final AtomicInteger remaining = new AtomicInteger();
  private volatile Job job;
  private volatile long generation;
  private volatile Thread caller;
  private volatile Throwable failure;

  Workers(int count, String name) {
    threads = new Thread[count];
    for (int t = 0; t < count; t++) {
      int part = t + 1;
      threads[t] = new Thread(() -> loop(part), name + "-" + part);
      threads[t].setDaemon(true);
      threads[t].start();
    }
  }

  /** Runs {@code job} on the caller and every worker, and returns when all parts are done. */
  synchronized void run(Job job) {
    int parts = threads.length + 1;
    this.job = job;
    this.caller = Thread.currentThread();
    this.failure = null;
    remaining.set(threads.length);
    generation++; // publishes job (volatile write after the plain ones)
    for (Thread t : threads) {
      LockSupport.unpark(t);
    }
    job.run(0, parts);
    for (int spin = 0; remaining.get() > 0; spin++) {
      if (spin < SPINS) {
        Thread.onSpinWait();
      } else {
        LockSupport.park(this);
      }
    }
    this.job = null;
    Throwable f = failure;
    if (f != null) {
      throw new IllegalStateException("a kernel worker failed", f);
    }
  }

  private void loop(int part) {
    long seen = 0;
    while (true) {
      int spin = 0;
      while (generation == seen) {
        if (spin++ < SPINS) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      seen = generation;
      try {
        job.run(part, threads.length + 1);
      } catch (Throwable t) {
        failure = t;
      }
      if (remaining.decrementAndGet() == 0) {
        LockSupport.unpark(caller);
      }
    }
  }
}
