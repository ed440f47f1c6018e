package dev.shortcut.runtime.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Losses: their gradients against central finite differences, and the stable log-sum-exp. */
class LossTest {
  @Test
  void softmaxCrossEntropyGradientMatchesFiniteDifferences() {
    SplittableRandom r = new SplittableRandom(1);
    int batch = 3;
    int classes = 5;
    double[] logits = new double[batch * classes];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = 3 * r.nextGaussian();
    }
    int[] labels = {4, 0, 2};
    double[] grad = new double[logits.length];
    SoftmaxCrossEntropy.lossAndGradient(logits, batch, classes, labels, 0, grad);
    double[] scratch = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      double h = 1e-6;
      double saved = logits[i];
      logits[i] = saved + h;
      double plus = SoftmaxCrossEntropy.lossAndGradient(logits, batch, classes, labels, 0, scratch) / batch;
      logits[i] = saved - h;
      double minus = SoftmaxCrossEntropy.lossAndGradient(logits, batch, classes, labels, 0, scratch) / batch;
      logits[i] = saved;
      assertEquals((plus - minus) / (2 * h), grad[i], 1e-8, "logit " + i);
    }
  }

  @Test
  void softmaxCrossEntropyIsStableForHugeLogits() {
    float[] logits = {1000f, -1000f, 999f};
    float[] grad = new float[3];
    double loss = SoftmaxCrossEntropy.lossAndGradient(logits, 1, 3, new int[] {2}, 0, grad);
    // log(e^1000 + e^999) - 999 = 1 + log(1 + e^-1), computed without overflow
    assertEquals(1 + Math.log(1 + Math.exp(-1)), loss, 1e-5);
    assertTrue(Float.isFinite(grad[0]) && Float.isFinite(grad[2]));
    assertEquals(0f, grad[0] + grad[1] + grad[2], 1e-6f);
  }

  @Test
  void floatAndDoubleAgreeAndAccuracyCounts() {
    float[] f = {0.1f, 2f, -1f, 3f, 0f, 0f};
    double[] d = {0.1, 2, -1, 3, 0, 0};
    int[] labels = {1, 1};
    float[] gf = new float[6];
    double[] gd = new double[6];
    assertEquals(SoftmaxCrossEntropy.lossAndGradient(d, 2, 3, labels, 0, gd),
        SoftmaxCrossEntropy.lossAndGradient(f, 2, 3, labels, 0, gf), 1e-6);
    assertEquals(1, SoftmaxCrossEntropy.correct(f, 2, 3, labels, 0));
    assertEquals(1, SoftmaxCrossEntropy.correct(d, 2, 3, labels, 0));
  }

  @Test
  void meanSquaredErrorGradientMatchesFiniteDifferences() {
    double[] out = {0.5, -1.0, 2.0, 0.25};
    float[] targets = {1f, 0f, 1f, 1f};
    double[] grad = new double[4];
    double loss = MeanSquaredError.lossAndGradient(out, 2, 2, targets, 0, grad) / 2;
    assertEquals((0.25 + 1 + 1 + 0.5625) / 4, loss, 1e-12);
    double[] scratch = new double[4];
    for (int i = 0; i < 4; i++) {
      double saved = out[i];
      out[i] = saved + 1e-6;
      double plus = MeanSquaredError.lossAndGradient(out, 2, 2, targets, 0, scratch) / 2;
      out[i] = saved - 1e-6;
      double minus = MeanSquaredError.lossAndGradient(out, 2, 2, targets, 0, scratch) / 2;
      out[i] = saved;
      assertEquals((plus - minus) / 2e-6, grad[i], 1e-8);
    }
  }
}
