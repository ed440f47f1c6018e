package dev.shortcut.runtime.train;

import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.NetworkArrays;
import dev.shortcut.runtime.Values;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.ImageAugmentation;
import dev.shortcut.runtime.data.ImageShape;
import dev.shortcut.runtime.optim.GradientClipping;
import dev.shortcut.runtime.optim.Optimizer;
import dev.shortcut.runtime.report.GradientNorms;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One call of {@link Trainer#fit}: the loop over epochs and steps, its buffers and counters, and
 * the listeners it calls. Everything a step touches is allocated here, once.
 */
final class TrainingLoop {
  final Trainer config;
  final TrainingRun state;
  final Network net;
  final Dataset train;
  final Optimizer optimizer;
  final StepArrays s;
  final Values gradients;
  final ImageShape images;
  final List<TrainingListener> listeners;
  long skipped;
  NonFiniteException lastSkipped;
  boolean stoppedEarly;

  TrainingLoop(Trainer config, TrainingRun state, ImageShape images, List<TrainingListener> listeners) {
    this.config = config;
    this.state = state;
    this.net = state.network();
    this.train = state.trainingSet();
    this.optimizer = state.optimizer();
    this.s = StepArrays.of(net, train.size());
    this.gradients = NetworkArrays.of(net).gradients();
    this.images = images;
    this.listeners = listeners;
  }

  TrainingHistory train(Dataset validation) {
    List<EpochMetrics> history = new ArrayList<>();
    for (int epoch = state.firstEpoch(); epoch <= config.epochs && state.step < state.totalSteps(); epoch++) {
      EpochMetrics m = epoch(epoch, validation);
      history.add(m);
      boolean go = true;
      for (TrainingListener l : listeners) {
        go &= l.onEpochEnd(m);
      }
      if (!go) {
        stoppedEarly = true;
        break;
      }
    }
    return new TrainingHistory(List.copyOf(history), stoppedEarly, skipped, state.step, optimizer);
  }

  EpochMetrics epoch(int epoch, Dataset validation) {
    // Each epoch's order depends on the seed and the epoch alone, so a resumed run sees the same.
    for (int i = 0; i < s.order.length; i++) {
      s.order[i] = i;
    }
    shuffle(s.order, new SplittableRandom(config.seed * 1_000_003L + epoch));
    state.epoch = epoch;
    state.epochSamples = 0;
    state.epochLossSum = 0;
    state.epochCorrect = 0;
    for (int l = 0; l < listeners.size(); l++) {
      listeners.get(l).onEpochBegin(epoch);
    }
    long start = System.nanoTime();
    long skippedBefore = skipped;
    long stepBefore = state.step;
    double rate = optimizer.learningRate();
    for (int at = 0; at < train.size() && state.step < state.totalSteps(); at += config.batchSize) {
      int b = Math.min(config.batchSize, train.size() - at);
      long step = ++state.step;
      s.load(train, at, b);
      if (images != null) {
        // Keyed by the run's position, so a resumed run augments every batch as the whole run did.
        s.augment(config.augmentation, images, b, ImageAugmentation.stepKey(config.seed, epoch, step));
      }
      net.forward(b);
      double loss = s.lossAndGradient(train, b);
      int right = s.correct(train, b);
      rate = config.schedule.rate(optimizer.learningRate(), step - 1, state.totalSteps());
      if (!(rate >= 0) || rate == Double.POSITIVE_INFINITY) {
        throw new IllegalStateException("the schedule gives learning rate " + rate + " at step " + step
            + " of " + state.totalSteps() + "; a rate must be finite and ≥ 0");
      }
      if (!Double.isFinite(loss) || !s.outputFinite(b)) {
        skip(Diagnosis.forward(net, train, s.order, at, b, s.targets, loss, at(epoch, step), epoch, step));
        continue;
      }
      net.zeroGradients();
      net.backward(b, false);
      if (config.clipNorm > 0) {
        GradientClipping.clipByGlobalNorm(gradients, config.clipNorm);
      }
      if (!optimizer.step(net, rate)) { // checks gradients and update; a refused one changed nothing
        skip(Diagnosis.update(net, optimizer, rate, loss / b, at(epoch, step), epoch, step));
        continue;
      }
      state.epochLossSum += loss;
      state.epochCorrect += right;
      state.epochSamples += b;
      state.lastBatch = b;
      for (int l = 0; l < listeners.size(); l++) { // indexed: no iterator on the hot path
        listeners.get(l).onStep(epoch, step, loss / b);
      }
    }
    long seen = state.epochSamples;
    if (seen == 0 && lastSkipped != null) {
      throw lastSkipped.everyStepSkipped(state.step - stepBefore);
    }
    Map<String, Double> norms = config.gradientNorms ? GradientNorms.perLayerMap(net) : Map.of();
    double validationLoss = Double.NaN;
    double validationAccuracy = Double.NaN;
    if (validation != null) {
      Evaluation e = EvaluationLoop.evaluate(net, validation, "while validating on '" + validation.name() + "' after epoch "
          + epoch, epoch, state.step);
      validationLoss = e.loss();
      validationAccuracy = e.accuracy();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new EpochMetrics(epoch, state.epochLossSum / Math.max(seen, 1),
        train.isClassification() ? (double) state.epochCorrect / Math.max(seen, 1) : Double.NaN,
        validationLoss, validationAccuracy, rate, seconds, seen / seconds, skipped - skippedBefore, norms);
  }

  private String at(int epoch, long step) {
    return "at epoch " + epoch + ", step " + step;
  }

  /** Asks every listener (the policy last, which throws under FAIL), then counts the step as skipped. */
  private void skip(NonFiniteException e) {
    for (int l = 0; l < listeners.size(); l++) {
      listeners.get(l).onNonFinite(e);
    }
    skipped++;
    lastSkipped = e;
  }

  private static void shuffle(int[] order, SplittableRandom random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
