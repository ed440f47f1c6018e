package dev.shortcut.runtime.sweep;

import java.io.Serializable;

/**
 * What a sweep does with one cell: trains its network and answers its result row. Serializable,
 * since a distributed executor ships it to the machines that run the cells; fields that hold data
 * should be {@link SharedData}, which loads on each machine once.
 *
 * <p>Training must be deterministic for a fixed cell and {@link CellContext#kernels()} thread
 * count (as {@link dev.shortcut.runtime.train.Trainer} is), so that a cell's row and checkpoint are
 * the same whichever executor ran it; wall-clock times in the row are the exception.
 */
public interface CellTrainer extends Serializable {
  /**
   * What the cell's result depends on besides the cell itself: epochs, batch size, the data, a
   * recipe version. A finished cell is reused by a later run only under the same signature.
   */
  String signature(SweepCell cell);

  /**
   * Trains {@code cell} and answers its result row, one JSON object. The checkpoint, if any, is
   * saved with {@link CellContext#saveCheckpoint}; the sweep writes the row after this returns.
   *
   * @throws Exception anything that stops the cell; the sweep reports it with the cell's id, and
   *     writes nothing for the cell
   */
  String train(SweepCell cell, CellContext context) throws Exception;
}
