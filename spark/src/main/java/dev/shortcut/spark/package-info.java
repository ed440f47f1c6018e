/**
 * Shortcut on Apache Spark: a sweep executor that trains one cell per task ({@link
 * dev.shortcut.spark.SparkSweepExecutor}, found as {@code "spark"} by {@code SweepExecutor.named}),
 * and synchronous data-parallel training of one network with parameters averaged every K steps
 * ({@link dev.shortcut.spark.DataParallelTraining}).
 */
package dev.shortcut.spark;
