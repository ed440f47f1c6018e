package dev.shortcut.runtime.train;

import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.data.Dataset;

/** Loss and accuracy over a whole dataset in evaluation mode: {@link Trainer#evaluate} and validation. */
final class EvaluationLoop {
  private EvaluationLoop() {}

  /**
   * Evaluates in batches of {@code maxBatch}, in evaluation mode, restoring the network's mode
   * afterwards; a non-finite output or loss is diagnosed as happening {@code when}.
   */
  static Evaluation evaluate(Network net, Dataset data, String when, int epoch, long step) {
    boolean wasTraining = net.isTraining();
    net.setTraining(false);
    try {
      StepArrays s = StepArrays.of(net, data.size());
      for (int i = 0; i < s.order.length; i++) {
        s.order[i] = i;
      }
      double loss = 0;
      long correct = 0;
      for (int start = 0; start < data.size(); start += net.maxBatch()) {
        int b = Math.min(net.maxBatch(), data.size() - start);
        s.load(data, start, b);
        net.forward(b);
        double batchLoss = s.lossAndGradient(data, b);
        if (!Double.isFinite(batchLoss) || !s.outputFinite(b)) {
          throw Diagnosis.forward(net, data, s.order, start, b, s.targets, batchLoss, when, epoch, step);
        }
        loss += batchLoss;
        correct += s.correct(data, b);
      }
      return new Evaluation(loss / data.size(), data.isClassification() ? (double) correct / data.size()
          : Double.NaN, data.size());
    } finally {
      net.setTraining(wasTraining);
    }
  }
}
