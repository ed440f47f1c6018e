package dev.shortcut.runtime.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs cells in this JVM, several at a time: as many as the cores hold runs of the sweep's threads
 * (cores ÷ threads per run, at least one). Each cell's numbers do not depend on what runs beside it.
 */
public final class InProcessExecutor implements SweepExecutor {
  static final String NAME = "inprocess";
  private final int cores;

  /** An executor over every core of this machine. */
  public InProcessExecutor() {
    this(Runtime.getRuntime().availableProcessors());
  }

  /** An executor over {@code cores} cores. */
  public InProcessExecutor(int cores) {
    if (cores < 1) {
      throw new IllegalArgumentException("an executor needs at least one core, got " + cores);
    }
    this.cores = cores;
  }

  /** How many cells run at once for {@code threadsPerRun} threads each. */
  public int concurrentCells(int threadsPerRun) {
    return Math.max(1, cores / threadsPerRun);
  }

  @Override
  public String describe() {
    return "in-process on " + cores + (cores == 1 ? " core" : " cores");
  }

  @Override
  public List<CellResult> run(Sweep sweep, List<SweepCell> cells) {
    int slots = Math.min(concurrentCells(sweep.threadsPerRun()), Math.max(cells.size(), 1));
    CellResult[] results = new CellResult[cells.size()];
    Throwable[] failures = new Throwable[cells.size()];
    AtomicInteger next = new AtomicInteger();
    Runnable worker = () -> {
      for (int i = next.getAndIncrement(); i < cells.size(); i = next.getAndIncrement()) {
        try {
          results[i] = sweep.runCell(cells.get(i), slots > 1);
        } catch (RuntimeException | Error e) {
          failures[i] = e; // the other cells go on; the failures are reported together
        }
      }
    };
    if (slots == 1) {
      worker.run();
    } else {
      List<Thread> threads = new ArrayList<>();
      for (int s = 0; s < slots; s++) {
        Thread t = new Thread(worker, "shortcut-sweep-" + s);
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SweepException("interrupted while the sweep's cells ran; finished cells are written", e);
        }
      }
    }
    List<SweepException> failed = new ArrayList<>();
    for (int i = 0; i < failures.length; i++) {
      if (failures[i] != null) {
        failed.add(failures[i] instanceof SweepException se ? se
            : new SweepException("cell " + cells.get(i).id() + " failed: " + failures[i], failures[i]));
      }
    }
    if (!failed.isEmpty()) {
      throw Sweep.failure(failed, cells.size());
    }
    return List.of(results);
  }
}
