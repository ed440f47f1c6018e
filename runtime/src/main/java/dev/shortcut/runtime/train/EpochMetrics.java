package dev.shortcut.runtime.train;

import java.util.Map;

/**
 * What one epoch measured. Training loss and accuracy are running means over the epoch's steps;
 * validation figures are NaN when there is no validation set.
 *
 * @param gradientNorms per-layer weight-gradient norms at the epoch's last step, or empty
 */
public record EpochMetrics(
    int epoch,
    double trainLoss,
    double trainAccuracy,
    double validationLoss,
    double validationAccuracy,
    double learningRate,
    double seconds,
    double samplesPerSecond,
    long skippedSteps,
    Map<String, Double> gradientNorms) {}
