package dev.shortcut.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The Spark contexts this module starts and the checks on contexts it is given: one task per cell
 * or shard, {@code spark.task.cpus} equal to the threads each one's kernels use.
 */
final class SparkContexts {
  /** The master when none is set (by spark-submit or {@code -Dspark.master}): every local core. */
  static final String DEFAULT_MASTER = "local[*]";

  private SparkContexts() {}

  /**
   * A context from {@code spark.*} system properties (what spark-submit passes), with
   * {@code local[*]} as the master when none is set, {@code spark.task.cpus} set to {@code
   * threads}, warnings only in the log and no serialization debugger (unless set otherwise).
   *
   * @throws IllegalArgumentException when {@code spark.task.cpus} is already set to another number
   */
  static JavaSparkContext start(String appName, int threads) {
    SparkConf conf = new SparkConf();
    conf.setIfMissing("spark.master", DEFAULT_MASTER);
    conf.setIfMissing("spark.app.name", appName);
    conf.setIfMissing("spark.log.level", "WARN");
    // Spark's serialization debugger needs --add-opens java.base/sun.security.action; without the
    // flag it hides a plain "not serializable" error behind an IllegalAccessException.
    conf.setIfMissing("spark.serializer.extraDebugInfo", "false");
    if (conf.contains("spark.task.cpus") && conf.getInt("spark.task.cpus", 1) != threads) {
      throw new IllegalArgumentException(mismatch(conf.getInt("spark.task.cpus", 1), threads));
    }
    conf.set("spark.task.cpus", Integer.toString(threads));
    return new JavaSparkContext(conf);
  }

  /** Refuses a context whose tasks do not get the cores each run's kernel threads need. */
  static void checkTaskCpus(JavaSparkContext context, int threads) {
    int taskCpus = context.getConf().getInt("spark.task.cpus", 1);
    if (taskCpus != threads) {
      throw new IllegalArgumentException(mismatch(taskCpus, threads));
    }
  }

  private static String mismatch(int taskCpus, int threads) {
    return "spark.task.cpus is " + taskCpus + " but each run's kernels use " + threads + (threads == 1 ? " thread"
        : " threads") + ": make them equal (--conf spark.task.cpus=" + threads + ", or " + taskCpus
        + " threads per run), so that Spark schedules as many runs on an executor as its cores hold";
  }

  /** The first line of a Spark failure: which task failed, where, and the exception it threw. */
  static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
