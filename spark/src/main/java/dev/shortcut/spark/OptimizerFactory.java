package dev.shortcut.spark;

import dev.shortcut.runtime.optim.Optimizer;
import java.io.Serializable;

/**
 * Builds the optimizer of each replica of a data-parallel run, on whichever machine runs it:
 * {@code () -> Sgd.withLearningRate(0.1).momentum(0.9)}. Serializable, so that Spark ships it.
 */
@FunctionalInterface
public interface OptimizerFactory extends Serializable {
  /** A fresh optimizer with the run's settings. */
  Optimizer create();
}
