package dev.shortcut.runtime.sweep;

import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.optim.Optimizer;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** What a {@link CellTrainer} gets to train one cell: its kernels, and where its checkpoint goes. */
public final class CellContext {
  private final SweepCell cell;
  private final String signature;
  private final Kernels kernels;
  private final Path checkpoint;
  private final boolean progressBar;

  CellContext(SweepCell cell, String signature, Kernels kernels, Path checkpoint, boolean progressBar) {
    this.cell = cell;
    this.signature = signature;
    this.kernels = kernels;
    this.checkpoint = checkpoint;
    this.progressBar = progressBar;
  }

  /** The cell being trained. */
  public SweepCell cell() {
    return cell;
  }

  /**
   * The kernels to build the network on: the sweep's threads per run, from a pool no concurrent
   * cell of this JVM uses.
   */
  public Kernels kernels() {
    return kernels;
  }

  /** Builds the cell's network for {@code maxBatch} rows from the cell's seed, on {@link #kernels()}. */
  public Network createNetwork(int maxBatch) {
    return cell.network().create(maxBatch, cell.seed(), kernels);
  }

  /**
   * Whether a console progress bar suits this cell: only when it runs alone in a JVM whose output
   * is a terminal (not beside other cells, not in a Spark executor's log).
   */
  public boolean progressBar() {
    return progressBar;
  }

  /** Where the cell's checkpoint goes: {@code checkpoints/<id>.safetensors} in the sweep's directory. */
  public Path checkpointFile() {
    return checkpoint;
  }

  /**
   * Saves {@code net} (and {@code optimizer}'s state, when not null) as the cell's checkpoint,
   * with {@code metadata} and the cell's id and signature: written beside the target under a name
   * of its own and renamed over it, so a retried or duplicated task replaces the file whole and two
   * attempts never write into the same file. The metadata are written sorted by key, so the file's
   * bytes do not depend on the map's order ({@code Map.of} orders differently in every JVM).
   */
  public void saveCheckpoint(Network net, Optimizer optimizer, Map<String, String> metadata) throws IOException {
    Map<String, String> all = new TreeMap<>(metadata);
    all.put("sweep.cell", cell.id());
    all.put("sweep.signature", signature);
    Files.createDirectories(checkpoint.getParent());
    // The attempt writes the final file names inside a directory of its own, because the
    // checkpoint names its optimizer file (and the optimizer file its checkpoint): saved under a
    // temporary name, the pair would point at names that no longer exist once renamed.
    Path attemptDir = checkpoint.resolveSibling("." + checkpoint.getFileName() + "." + UUID.randomUUID() + ".partial");
    Path attempt = attemptDir.resolve(checkpoint.getFileName().toString());
    Path attemptState = Checkpoints.optimizerFile(attempt);
    try {
      Checkpoints.save(net, optimizer, attempt, all);
      // The optimizer's file goes first, as Checkpoints.save writes it: a checkpoint in place
      // always finds the state it names.
      if (Files.exists(attemptState)) {
        moveAtomically(attemptState, Checkpoints.optimizerFile(checkpoint));
      }
      moveAtomically(attempt, checkpoint);
    } finally {
      Files.deleteIfExists(attemptState);
      Files.deleteIfExists(attempt);
      try (var left = Files.list(attemptDir)) {
        for (Path p : (Iterable<Path>) left::iterator) {
          Files.deleteIfExists(p);
        }
      } catch (java.nio.file.NoSuchFileException gone) {
        // nothing was created
      }
      Files.deleteIfExists(attemptDir);
    }
  }

  /** Renames {@code from} over {@code to} in one step where the file system can. */
  static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
