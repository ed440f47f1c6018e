package dev.shortcut.runtime.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.annotations.Loss;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.predict.Predictor;
import dev.shortcut.runtime.testing.SyntheticData;
import dev.shortcut.runtime.testing.TinyResidualNetwork;
import dev.shortcut.runtime.train.Trainer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 12, item 4: classification and regression reports, checked against counts made by hand. */
class EvaluationReportsTest {
  /** Scores giving each sample {@code first} the top score and {@code second} the next. */
  private static float[] scores(int classes, int[] first, int[] second) {
    float[] s = new float[first.length * classes];
    for (int i = 0; i < first.length; i++) {
      java.util.Arrays.fill(s, i * classes, (i + 1) * classes, 1f);
      s[i * classes + second[i]] = 2f;
      s[i * classes + first[i]] = 3f;
    }
    return s;
  }

  @Test
  void confusionPrecisionRecallAndTopKAsCountedByHand() {
    int[] labels = {0, 0, 0, 1, 1, 2, 2, 2, 2, 1};
    int[] predicted = {0, 0, 1, 1, 2, 2, 2, 0, 2, 1};
    int[] second = {1, 1, 0, 0, 0, 0, 0, 2, 0, 0};
    ClassificationReport r = ClassificationReport.of(scores(3, predicted, second), labels, 3,
        List.of("cat", "dog", "emu"), 2);
    long[][] confusion = {{2, 1, 0}, {0, 2, 1}, {1, 0, 3}};
    for (int t = 0; t < 3; t++) {
      assertArrayEquals(confusion[t], r.confusion()[t], "true class " + t);
    }
    assertEquals(0.7, r.accuracy(), 1e-12);
    assertEquals(0.9, r.topKAccuracy(), 1e-12, "sample 4's label is third; every other is in its top two");
    assertEquals(2.0 / 3, r.precision(0), 1e-12);
    assertEquals(2.0 / 3, r.recall(1), 1e-12);
    assertEquals(0.75, r.precision(2), 1e-12);
    assertEquals(0.75, r.recall(2), 1e-12);
    assertEquals(0.75, r.f1(2), 1e-12);
    assertEquals(0.8, r.accuracy(0), 1e-12, "one-versus-rest: 1 false negative and 1 false positive of 10");
    assertEquals(4, r.support(2));
    assertEquals(4, r.predicted(2));
    assertEquals((2.0 / 3 + 2.0 / 3 + 0.75) / 3, r.macroPrecision(), 1e-12);
    String table = r.toString();
    assertTrue(table.contains("emu") && table.contains("0.7500") && table.contains("top-2 accuracy 0.9000"), table);
    assertTrue(table.contains("confusion matrix"), table);
  }

  @Test
  void undefinedRatiosAreNaNNotZeroAndTiesGoToTheFirstClass() {
    // Class 2 is neither present nor predicted; sample 1's scores are all equal.
    float[] scores = {3, 1, 1, 2, 2, 2};
    ClassificationReport r = ClassificationReport.of(scores, new int[] {0, 1}, 3, List.of(), 2);
    assertEquals(List.of("0", "1", "2"), r.classNames());
    assertEquals(1, r.confusion()[1][0], "a tie predicts the first class");
    assertTrue(Double.isNaN(r.precision(2)) && Double.isNaN(r.recall(2)));
    assertTrue(Double.isNaN(r.precision(1)), "class 1 is never predicted");
    assertEquals(0.0, r.recall(1), 0.0);
    assertEquals(1.0, r.topKAccuracy(), 0.0, "with a tie, label 1 ranks second");
    assertTrue(r.toString().contains("n/a"), r.toString());
    assertThrows(IllegalArgumentException.class, () -> ClassificationReport.of(scores, new int[] {0, 3}, 3,
        List.of(), 1));
    assertThrows(IllegalArgumentException.class, () -> ClassificationReport.of(scores, new int[] {0, 1}, 3,
        List.of(), 4));
  }

  @Test
  void regressionErrorsAndRSquaredAsComputedByHand() {
    float[] predictions = {1, 7, 2, 7, 3, 7};
    float[] targets = {1, 5, 2, 5, 5, 5};
    RegressionReport r = RegressionReport.of(predictions, targets, 2);
    assertEquals(4.0 / 3, r.mse(0), 1e-12);
    assertEquals(2.0 / 3, r.mae(0), 1e-12);
    assertEquals(1 - 4 / (78.0 / 9), r.r2(0), 1e-12);
    assertEquals(4.0, r.mse(1), 1e-12);
    assertTrue(Double.isNaN(r.r2(1)), "constant targets have no R²");
    assertEquals((4.0 / 3 + 4) / 2, r.mse(), 1e-12);
    assertEquals(r.r2(0), r.r2(), 1e-12);
    assertEquals(3, r.samples());
    assertTrue(r.toString().contains("R²") && r.toString().contains("n/a"), r.toString());
  }

  @Test
  void thePredictorsReportsAgreeWithTheTrainersEvaluation() {
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 16, 3);
    Dataset data = SyntheticData.blobs(100, 8, 4, 1.5, 2);
    ClassificationReport r = Predictor.of(net).classificationReport(data, 2);
    assertEquals(Trainer.evaluate(net, data).accuracy(), r.accuracy(), 1e-12);
    assertEquals(100, r.samples());
    assertTrue(r.topKAccuracy() >= r.accuracy());

    TinyResidualNetwork regressor = new TinyResidualNetwork(1, 8, 1, 4, 3, Loss.MEAN_SQUARED_ERROR);
    Dataset points = Dataset.regression("points", new float[] {0, 1, 2, 3, 4}, 1, new float[] {1, 3, 5, 7, 9}, 1);
    RegressionReport rr = Predictor.of(regressor).regressionReport(points);
    assertEquals(Trainer.evaluate(regressor, points).loss(), rr.mse(), 1e-5,
        "the trainer's MSE loss is the mean of squared errors over the outputs");
    assertThrows(IllegalStateException.class, () -> Predictor.of(regressor).classificationReport(points, 1));
  }
}
