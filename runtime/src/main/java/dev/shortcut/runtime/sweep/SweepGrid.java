package dev.shortcut.runtime.sweep;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The cells of a sweep: every network × every seed × every value of each further axis. The order
 * is fixed (seeds outermost, then networks, then the axes in the order they were added), so a
 * {@link Shard} of the grid is the same set of cells in every process that builds the same grid.
 *
 * <pre>{@code
 * SweepGrid grid = SweepGrid.builder()
 *     .networks(NetworkSpec.family(LectureFamily.class, LectureFamily.variants()))
 *     .seeds(1, 2)
 *     .axis("lr", "1e-3", "3e-3")
 *     .build();
 * }</pre>
 */
public final class SweepGrid {
  private final List<SweepCell> cells;

  private SweepGrid(List<SweepCell> cells) {
    this.cells = List.copyOf(cells);
  }

  /** Starts an empty grid. */
  public static Builder builder() {
    return new Builder();
  }

  /** A grid of exactly {@code cells}, in that order; their ids must differ. */
  public static SweepGrid of(List<SweepCell> cells) {
    checkUnique(cells);
    return new SweepGrid(cells);
  }

  /** Every cell, in grid order. */
  public List<SweepCell> cells() {
    return cells;
  }

  /** Number of cells. */
  public int size() {
    return cells.size();
  }

  private static void checkUnique(List<SweepCell> cells) {
    Map<String, SweepCell> seen = new HashMap<>();
    for (SweepCell c : cells) {
      SweepCell before = seen.putIfAbsent(c.id(), c);
      if (before != null) {
        throw new IllegalArgumentException("two cells of the grid have the id " + c.id() + " (" + before + " and "
            + c + "): their results would overwrite each other; make the networks, seeds or setting values differ");
      }
    }
  }

  /** Axes of a {@link SweepGrid}. */
  public static final class Builder {
    private final List<NetworkSpec> networks = new ArrayList<>();
    private final List<Long> seeds = new ArrayList<>();
    private final Map<String, List<String>> axes = new LinkedHashMap<>();

    private Builder() {}

    /** Adds networks to train. */
    public Builder networks(List<NetworkSpec> networks) {
      for (NetworkSpec n : networks) {
        this.networks.add(Objects.requireNonNull(n, "network"));
      }
      return this;
    }

    /** Adds seeds. */
    public Builder seeds(long... seeds) {
      for (long s : seeds) {
        this.seeds.add(s);
      }
      return this;
    }

    /** Adds seeds. */
    public Builder seeds(List<Long> seeds) {
      this.seeds.addAll(seeds);
      return this;
    }

    /** Adds an axis: every cell is repeated for each of {@code values}, found under {@code name}. */
    public Builder axis(String name, String... values) {
      SweepCell.checkName(name);
      if (values.length == 0) {
        throw new IllegalArgumentException("axis '" + name + "' has no values: a grid with it would be empty");
      }
      if (axes.putIfAbsent(name, List.of(values)) != null) {
        throw new IllegalArgumentException("axis '" + name + "' is added twice: give all its values at once");
      }
      return this;
    }

    /** The grid; refuses one without networks or seeds, or with two cells of the same id. */
    public SweepGrid build() {
      if (networks.isEmpty()) {
        throw new IllegalArgumentException("a sweep grid needs at least one network: call networks(...)");
      }
      if (seeds.isEmpty()) {
        throw new IllegalArgumentException("a sweep grid needs at least one seed: call seeds(...)");
      }
      List<Map<String, String>> settings = new ArrayList<>();
      settings.add(Map.of());
      for (Map.Entry<String, List<String>> axis : axes.entrySet()) {
        List<Map<String, String>> next = new ArrayList<>();
        for (Map<String, String> partial : settings) {
          for (String value : axis.getValue()) {
            Map<String, String> s = new LinkedHashMap<>(partial);
            s.put(axis.getKey(), value);
            next.add(s);
          }
        }
        settings = next;
      }
      List<SweepCell> cells = new ArrayList<>();
      for (long seed : seeds) {
        for (NetworkSpec n : networks) {
          for (Map<String, String> s : settings) {
            cells.add(new SweepCell(n, seed, s));
          }
        }
      }
      return of(cells);
    }
  }
}
