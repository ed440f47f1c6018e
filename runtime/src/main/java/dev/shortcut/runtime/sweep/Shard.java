package dev.shortcut.runtime.sweep;

import java.util.ArrayList;
import java.util.List;

/**
 * One slice of a sweep for a batch scheduler: {@code --shard 2/4} runs the second of four slices.
 * Shard {@code i} of {@code n} takes the cells at positions {@code i-1, i-1+n, i-1+2n, ...} of the
 * grid, so each slice gets a mix of small and large networks, and the {@code n} slices together
 * are the grid, each cell in exactly one.
 *
 * @param index which slice, from 1
 * @param count how many slices
 */
public record Shard(int index, int count) {
  /** Checks that {@code 1 ≤ index ≤ count}. */
  public Shard {
    if (count < 1 || index < 1 || index > count) {
      throw new IllegalArgumentException("shard " + index + "/" + count + " does not exist: shards are numbered 1 to "
          + "N, as in --shard 1/" + Math.max(count, 1));
    }
  }

  /** The whole grid as one shard. */
  public static Shard all() {
    return new Shard(1, 1);
  }

  /**
   * Reads {@code "i/N"}.
   *
   * @throws IllegalArgumentException naming what is wrong with {@code text}
   */
  public static Shard parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length == 2) {
      try {
        return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException("--shard takes i/N (slice i of N, from 1), got '" + text + "'");
  }

  /** This slice's cells, in grid order. */
  public List<SweepCell> select(List<SweepCell> cells) {
    List<SweepCell> mine = new ArrayList<>();
    for (int i = index - 1; i < cells.size(); i += count) {
      mine.add(cells.get(i));
    }
    return mine;
  }

  /** {@code "2/4"}. */
  @Override
  public String toString() {
    return index + "/" + count;
  }
}
