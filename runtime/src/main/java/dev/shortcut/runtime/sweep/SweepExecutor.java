package dev.shortcut.runtime.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Runs a sweep's unfinished cells: each cell once, through {@link Sweep#runCell}, which trains it
 * and writes its files. The default, {@link InProcessExecutor}, runs them in this JVM;
 * {@code shortcut-spark} adds one that runs each cell as a Spark task, found by name through a
 * {@link Provider} on the class path.
 */
public interface SweepExecutor extends AutoCloseable {
  /**
   * Trains {@code cells} and answers their results in the same order.
   *
   * @throws SweepException when some cell fails, naming each that did; the others are written
   */
  List<CellResult> run(Sweep sweep, List<SweepCell> cells);

  /** A short name for logs: {@code "in-process, 2 at a time"}. */
  String describe();

  /** Releases what the executor holds (a Spark context); the default holds nothing. */
  @Override
  default void close() {}

  /**
   * The executor called {@code name}: {@code "inprocess"}, or one a {@link Provider} on the class
   * path offers ({@code "spark"}).
   *
   * @throws IllegalArgumentException naming the executors there are
   */
  static SweepExecutor named(String name) {
    if (name.equals(InProcessExecutor.NAME)) {
      return new InProcessExecutor();
    }
    List<String> known = new ArrayList<>(List.of(InProcessExecutor.NAME));
    for (Provider p : ServiceLoader.load(Provider.class)) {
      if (p.name().equals(name)) {
        return p.create();
      }
      known.add(p.name());
    }
    String hint = name.equals("spark") ? ": the spark executor is in shortcut-spark, which needs Spark's jars on the "
        + "class path (./reproduce.sh --executor spark adds both)" : "";
    throw new IllegalArgumentException("no sweep executor named '" + name + "' here; there are " + known + hint);
  }

  /** Offers an executor by name, through {@link ServiceLoader} ({@code META-INF/services}). */
  interface Provider {
    /** The name {@link SweepExecutor#named} finds it by. */
    String name();

    /** A new executor. */
    SweepExecutor create();
  }
}
