package dev.shortcut.runtime.sweep;

import java.io.Serializable;

/**
 * A finished cell: its result row, and whether this run trained it or found it done.
 *
 * @param cell the cell
 * @param row its result row, one JSON object, as the {@link CellTrainer} answered it
 * @param reused {@code true} when a finished file with the same signature was read instead of training
 */
public record CellResult(SweepCell cell, String row, boolean reused) implements Serializable {
  private static final long serialVersionUID = 1L;
}
