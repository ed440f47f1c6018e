package dev.shortcut.runtime.sweep;

import dev.shortcut.runtime.report.Progress;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A sweep: a directory, a {@link CellTrainer} and the threads each cell's training uses. Each
 * cell writes, under its {@link SweepCell#id() id}, its checkpoint ({@code
 * checkpoints/<id>.safetensors}, if the trainer saves one) and then its row ({@code
 * cells/<id>.json}, with the trainer's signature); each file is written whole and renamed into
 * place, so the row file is the mark of a finished cell. {@link #run} skips cells finished under
 * the same signature and hands the others to an executor; a cell trained again (a retried task, a
 * rerun with a new signature) replaces its files, and no cell ever has two.
 *
 * <pre>{@code
 * Sweep sweep = new Sweep(Path.of("results"), new MyTrainer(data), 1);
 * try (SweepExecutor executor = SweepExecutor.named("inprocess")) {
 *   List<CellResult> results = sweep.run(grid.cells(), executor);
 * }
 * }</pre>
 *
 * <p>Serializable, so that a distributed executor can ship it with each cell; on a cluster the
 * directory must be one that every machine sees (a shared file system).
 */
public final class Sweep implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String directory;
  private final CellTrainer trainer;
  private final int threadsPerRun;

  /**
   * A sweep writing under {@code directory}, training each cell with {@code trainer} on
   * {@code threadsPerRun} kernel threads.
   */
  public Sweep(Path directory, CellTrainer trainer, int threadsPerRun) {
    this.directory = directory.toAbsolutePath().toString();
    this.trainer = Objects.requireNonNull(trainer, "trainer");
    if (threadsPerRun < 1) {
      throw new IllegalArgumentException("threads per run must be ≥ 1, got " + threadsPerRun);
    }
    this.threadsPerRun = threadsPerRun;
  }

  /** The directory the cells' files go under. */
  public Path directory() {
    return Path.of(directory);
  }

  /** Kernel threads of each cell's training (Spark: {@code spark.task.cpus}). */
  public int threadsPerRun() {
    return threadsPerRun;
  }

  /** The cell's row file, {@code cells/<id>.json}. */
  public Path rowFile(SweepCell cell) {
    return directory().resolve("cells").resolve(cell.id() + ".json");
  }

  /** The cell's checkpoint, {@code checkpoints/<id>.safetensors}. */
  public Path checkpointFile(SweepCell cell) {
    return directory().resolve("checkpoints").resolve(cell.id() + ".safetensors");
  }

  /**
   * The row of {@code cell} when it finished under the trainer's current signature; empty when it
   * has no row file, or one of another signature, or a damaged one (it is then trained again).
   */
  public Optional<String> finishedRow(SweepCell cell) {
    try {
      CellFiles.Content content = CellFiles.read(rowFile(cell));
      return content != null && content.signature().equals(trainer.signature(cell))
          ? Optional.of(content.row()) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + rowFile(cell) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Every cell's result, in the order given: the finished ones read back, the others trained by
   * {@code executor}.
   *
   * @throws SweepException when a cell fails, naming each that did; every other cell is written
   */
  public List<CellResult> run(List<SweepCell> cells, SweepExecutor executor) {
    SweepGrid.of(cells); // refuses two cells of one id before anything is trained
    List<CellResult> results = new ArrayList<>();
    List<SweepCell> pending = new ArrayList<>();
    List<Integer> at = new ArrayList<>();
    for (SweepCell c : cells) {
      Optional<String> row = finishedRow(c);
      results.add(row.map(r -> new CellResult(c, r, true)).orElse(null));
      if (row.isEmpty()) {
        pending.add(c);
        at.add(results.size() - 1);
      }
    }
    if (!pending.isEmpty()) {
      List<CellResult> trained = executor.run(this, pending);
      if (trained.size() != pending.size()) {
        throw new IllegalStateException(executor.describe() + " answered " + trained.size() + " results for "
            + pending.size() + " cells");
      }
      for (int i = 0; i < trained.size(); i++) {
        results.set(at.get(i), trained.get(i));
      }
    }
    return results;
  }

  /**
   * Trains {@code cell} in this JVM and writes its checkpoint and row: what every executor calls,
   * once per cell it runs. Trains even when the cell is finished (a retried task replaces its files).
   *
   * @param concurrent whether other cells run in this JVM at the same time (no progress bar then)
   * @throws SweepException naming the cell, when training fails or the row is not one JSON object;
   *     nothing of the cell's row is written then
   */
  public CellResult runCell(SweepCell cell, boolean concurrent) {
    String signature = trainer.signature(cell);
    String row;
    try (KernelPools.Lease pool = KernelPools.lease(threadsPerRun)) {
      CellContext context = new CellContext(cell, signature, pool.kernels(), checkpointFile(cell),
          !concurrent && Progress.enabledByDefault());
      row = trainer.train(cell, context);
    } catch (Exception e) {
      throw new SweepException("cell " + cell.id() + " failed: " + e, e);
    }
    String wrong = CellFiles.checkRow(row);
    if (wrong != null) {
      throw new SweepException("cell " + cell.id() + ": the trainer's row is not one JSON object (" + wrong
          + "); nothing is written for the cell", null);
    }
    try {
      CellFiles.write(rowFile(cell), signature, row);
    } catch (IOException e) {
      throw new SweepException("cell " + cell.id() + " trained, but its row cannot be written to " + rowFile(cell)
          + ": " + e, e);
    }
    return new CellResult(cell, row, false);
  }

  /** One exception for the failed cells: the first as cause, the others suppressed under it. */
  static SweepException failure(List<SweepException> failed, int cells) {
    StringBuilder message = new StringBuilder().append(failed.size()).append(" of ").append(cells)
        .append(cells == 1 ? " cell" : " cells").append(" failed (the others are written; a rerun skips them):");
    for (SweepException e : failed) {
      message.append("\n  ").append(e.getMessage());
    }
    SweepException all = new SweepException(message.toString(), failed.get(0));
    for (int i = 1; i < failed.size(); i++) {
      all.addSuppressed(failed.get(i));
    }
    return all;
  }
}
