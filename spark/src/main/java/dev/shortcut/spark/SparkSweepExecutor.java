package dev.shortcut.spark;

import dev.shortcut.runtime.sweep.CellResult;
import dev.shortcut.runtime.sweep.Sweep;
import dev.shortcut.runtime.sweep.SweepCell;
import dev.shortcut.runtime.sweep.SweepException;
import dev.shortcut.runtime.sweep.SweepExecutor;
import java.util.List;
import java.util.Objects;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Runs a sweep's cells on Spark, one cell per task: {@code parallelize(cells, cells.size())
 * .map(runCell).collect()}. Each task builds its network by class name (the generated classes
 * travel in the application jar), trains it on {@code spark.task.cpus} = threads per run, and
 * writes the cell's files under the sweep's directory, which on a cluster must be a file system
 * every executor sees. A task that Spark retries trains its cell again and replaces its files.
 *
 * <p>Without a context of its own, it starts one at the first sweep: the master from
 * {@code spark.master} (spark-submit's {@code --master}, or {@code -Dspark.master=...}), else
 * {@code local[*]}; and stops it on {@link #close()}.
 */
public final class SparkSweepExecutor implements SweepExecutor {
  private final boolean owned;
  private JavaSparkContext context;

  /** An executor that starts its own context at the first sweep. */
  public SparkSweepExecutor() {
    this.owned = true;
  }

  /** An executor on {@code context}, which the caller keeps and stops. */
  public SparkSweepExecutor(JavaSparkContext context) {
    this.context = Objects.requireNonNull(context, "context");
    this.owned = false;
  }

  @Override
  public String describe() {
    return "Spark on " + (context != null ? context.master()
        : new org.apache.spark.SparkConf().get("spark.master", SparkContexts.DEFAULT_MASTER));
  }

  @Override
  public List<CellResult> run(Sweep sweep, List<SweepCell> cells) {
    if (cells.isEmpty()) {
      return List.of();
    }
    JavaSparkContext sc = context(sweep.threadsPerRun());
    try {
      return sc.parallelize(cells, cells.size()).map(cell -> sweep.runCell(cell, true)).collect();
    } catch (Exception e) { // Scala throws SparkException, checked in Java, without declaring it
      if (e instanceof SparkException) {
        throw failed(e, cells.size());
      }
      throw e instanceof RuntimeException r ? r : new SweepException("the sweep failed on Spark: " + e, e);
    }
  }

  private static SweepException failed(Exception e, int cells) {
    return new SweepException("the sweep stopped on Spark (" + cells + " cells submitted): "
        + SparkContexts.firstLine(e) + "\nCells finished before the failure are written, and a rerun skips them.", e);
  }

  private JavaSparkContext context(int threads) {
    if (context == null) {
      context = SparkContexts.start("shortcut-sweep", threads);
    }
    SparkContexts.checkTaskCpus(context, threads);
    return context;
  }

  /** Stops the context this executor started; one it was given stays with its owner. */
  @Override
  public void close() {
    if (owned && context != null) {
      context.close();
      context = null;
    }
  }

  /** Offers this executor as {@code "spark"} to {@link SweepExecutor#named}. */
  public static final class Provider implements SweepExecutor.Provider {
    @Override
    public String name() {
      return "spark";
    }

    @Override
    public SweepExecutor create() {
      return new SparkSweepExecutor();
    }
  }
}
