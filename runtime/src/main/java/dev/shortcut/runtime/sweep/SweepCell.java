package dev.shortcut.runtime.sweep;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One cell of a sweep: a network, a seed and any further settings (learning rate, data set,
 * width, ...), each a named string. Its {@link #id()} is made of those values alone, so it is the
 * same in every run, on every machine, whatever else the grid holds.
 *
 * @param network the network to train
 * @param seed seed of its initialization and shuffling
 * @param settings the other axes of the grid, by name, sorted by name
 */
public record SweepCell(NetworkSpec network, long seed, Map<String, String> settings) implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Pattern SETTING_NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._+-]");

  /** Checks the names and copies the settings, sorted. */
  public SweepCell {
    Objects.requireNonNull(network, "network");
    TreeMap<String, String> sorted = new TreeMap<>();
    for (Map.Entry<String, String> e : settings.entrySet()) {
      sorted.put(checkName(e.getKey()), Objects.requireNonNull(e.getValue(), "value of setting " + e.getKey()));
    }
    settings = Collections.unmodifiableSortedMap(sorted);
  }

  /** A cell without further settings. */
  public SweepCell(NetworkSpec network, long seed) {
    this(network, seed, Map.of());
  }

  static String checkName(String name) {
    if (name == null || !SETTING_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a setting's name is lower case letters, digits and '_', starting with a "
          + "letter (it becomes part of file names), got " + (name == null ? "null" : "'" + name + "'"));
    }
    if (name.equals("seed")) {
      throw new IllegalArgumentException("'seed' is an axis of every sweep already: use seeds(...)");
    }
    return name;
  }

  /**
   * The stable id, used as the name of the cell's files: {@code residual-20-seed1}, then
   * {@code -name=value} for each setting in name order ({@code residual-20-seed1-lr=0.1}), with
   * any character other than letters, digits and {@code . _ + -} in a value replaced by {@code _}.
   */
  public String id() {
    StringBuilder id = new StringBuilder(network.variant()).append('-').append(network.layers())
        .append("-seed").append(seed);
    for (Map.Entry<String, String> e : settings.entrySet()) {
      id.append('-').append(e.getKey()).append('=').append(UNSAFE.matcher(e.getValue()).replaceAll("_"));
    }
    return id.toString();
  }

  /**
   * The value of setting {@code name}.
   *
   * @throws IllegalArgumentException when the cell has no such setting
   */
  public String setting(String name) {
    String value = settings.get(name);
    if (value == null) {
      throw new IllegalArgumentException("cell " + id() + " has no setting '" + name + "'; it has "
          + settings.keySet());
    }
    return value;
  }

  /** The value of setting {@code name} as a number. */
  public double numberSetting(String name) {
    String value = setting(name);
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting '" + name + "' of cell " + id() + " is not a number: '"
          + value + "'", e);
    }
  }
}
