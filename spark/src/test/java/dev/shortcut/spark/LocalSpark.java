package dev.shortcut.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The tests' Spark: {@code local[2]} bound to the loopback address, without the web UI, one core
 * per task; started once for every test class of the JVM (Spark allows one context per JVM, and
 * starting one takes seconds), stopped by Spark's shutdown hook.
 */
final class LocalSpark {
  private static JavaSparkContext context;

  private LocalSpark() {}

  static synchronized JavaSparkContext context() {
    if (context == null) {
      SparkConf conf = new SparkConf()
          .setMaster("local[2]")
          .setAppName("shortcut-tests")
          .set("spark.driver.bindAddress", "127.0.0.1")
          .set("spark.driver.host", "127.0.0.1")
          .set("spark.ui.enabled", "false")
          .set("spark.task.cpus", "1");
      context = new JavaSparkContext(conf);
    }
    return context;
  }
}
