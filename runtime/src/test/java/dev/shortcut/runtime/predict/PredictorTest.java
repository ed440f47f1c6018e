package dev.shortcut.runtime.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.annotations.Loss;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.Preprocessing;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.testing.RecordingNetwork;
import dev.shortcut.runtime.testing.SteadyState;
import dev.shortcut.runtime.testing.SyntheticData;
import dev.shortcut.runtime.testing.TinyConvNetwork;
import dev.shortcut.runtime.testing.TinyResidualNetwork;
import dev.shortcut.runtime.train.Trainer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Issue 12, item 1: prediction for one sample and for any number, chunked, in evaluation mode. */
class PredictorTest {
  private final Dataset data = SyntheticData.blobs(53, 8, 4, 0.6, 1);

  /** The logits of row {@code r}, computed by hand: the network run on that row alone. */
  private static float[] alone(TinyResidualNetwork net, float[] row) {
    System.arraycopy(row, 0, net.input(), 0, row.length);
    net.forward(1);
    return java.util.Arrays.copyOf(net.output(), net.architecture().outputs());
  }

  private static float[] row(Dataset d, int r) {
    return java.util.Arrays.copyOfRange(d.features(), r * d.width(), (r + 1) * d.width());
  }

  @Test
  void manySamplesAreChunkedByMaxBatchAndMatchOneByOne() {
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 5, 3); // maxBatch 5: 53 rows in 11 chunks
    TinyResidualNetwork reference = new TinyResidualNetwork(8, 16, 4, 1, 3);
    Predictor predictor = Predictor.of(net);
    float[] outputs = predictor.outputs(data);
    int[] classes = predictor.classes(data);
    float[] probabilities = predictor.probabilities(data);
    for (int r = 0; r < data.size(); r++) {
      float[] expected = alone(reference, row(data, r));
      float[] got = java.util.Arrays.copyOfRange(outputs, 4 * r, 4 * r + 4);
      assertArrayEquals(expected, got, "sample " + r);
      int best = 0;
      double sum = 0;
      for (int j = 0; j < 4; j++) {
        best = expected[j] > expected[best] ? j : best;
        sum += Math.exp(expected[j]);
      }
      assertEquals(best, classes[r]);
      assertEquals(best, predictor.classOf(row(data, r)), "one sample");
      for (int j = 0; j < 4; j++) {
        assertEquals(Math.exp(expected[j]) / sum, probabilities[4 * r + j], 1e-6, "softmax " + r + "," + j);
      }
      assertArrayEquals(expected, predictor.outputs(row(data, r)));
    }
  }

  @Test
  void topKRanksTheClassesAndAgreesWithClasses() {
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 8, 3);
    Predictor predictor = Predictor.of(net);
    int[] top = new int[data.size() * 3];
    predictor.topK(data.features(), data.size(), 3, top);
    int[] classes = predictor.classes(data);
    float[] logits = predictor.outputs(data);
    for (int r = 0; r < data.size(); r++) {
      assertEquals(classes[r], top[3 * r]);
      assertTrue(logits[4 * r + top[3 * r]] >= logits[4 * r + top[3 * r + 1]]);
      assertTrue(logits[4 * r + top[3 * r + 1]] >= logits[4 * r + top[3 * r + 2]]);
      assertEquals(3, java.util.Arrays.stream(top, 3 * r, 3 * r + 3).distinct().count());
    }
    assertThrows(IllegalArgumentException.class, () -> predictor.topK(data.features(), 1, 5, new int[5]));
  }

  @Test
  void predictionRunsInEvaluationModeAndRestoresTheMode() {
    // Batch normalization differs between the modes: in evaluation mode a sample's output does not
    // depend on the other samples of its chunk.
    TinyConvNetwork net = new TinyConvNetwork(4, 5);
    SplittableRandom r = new SplittableRandom(3);
    float[] images = new float[7 * 72];
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) r.nextGaussian();
    }
    long[] countsBefore = net.batchCounts().clone();
    Predictor predictor = Predictor.of(net);
    float[] all = new float[7 * 3];
    predictor.outputs(images, 7, all);
    assertTrue(net.isTraining(), "the mode it found");
    assertArrayEquals(countsBefore, net.batchCounts(), "no running statistic moved");
    float[] first = new float[3];
    predictor.outputs(java.util.Arrays.copyOf(images, 72), 1, first);
    assertArrayEquals(java.util.Arrays.copyOf(all, 3), first, "sample 0 alone gives what it gave among 7");
    net.setTraining(false);
    predictor.outputs(images, 7, all);
    assertFalse(net.isTraining());
  }

  @Test
  void everyForwardPassOfAPredictionIsInEvaluationMode() {
    RecordingNetwork net = new RecordingNetwork(new TinyResidualNetwork(8, 16, 4, 4, 3));
    Predictor.of(net).classes(data);
    assertEquals(14, net.passes().size(), "53 rows in chunks of 4");
    assertTrue(net.passes().stream().noneMatch(RecordingNetwork.Pass::training));
  }

  @Test
  void predictionIntoArraysAllocatesNothing() {
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 16, 3);
    Predictor predictor = Predictor.of(net, Preprocessing.fit(data));
    float[] rows = data.features();
    float[] probabilities = new float[data.size() * 4];
    int[] classes = new int[data.size()];
    int[] top = new int[data.size() * 2];
    SteadyState.assertAllocatesNothing("four predictions of 53 samples", 20, () -> {
      predictor.probabilities(rows, data.size(), probabilities);
      predictor.classes(rows, data.size(), classes);
      predictor.topK(rows, data.size(), 2, top);
      predictor.outputs(rows, data.size(), probabilities);
    });
  }

  @Test
  void aTrainedClassifierIsAsAccurateThroughThePredictorAsInEvaluation() {
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    Dataset train = SyntheticData.blobs(512, 8, 4, 0.6, 1);
    Trainer.builder(Adam.withLearningRate(0.01)).epochs(3).batchSize(32).seed(5).progress(false).build()
        .fit(net, train, null);
    int[] classes = Predictor.of(net).classes(train);
    int right = 0;
    for (int i = 0; i < classes.length; i++) {
      right += classes[i] == train.labels()[i] ? 1 : 0;
    }
    assertEquals(Trainer.evaluate(net, train).accuracy(), (double) right / train.size(), 0.0);
  }

  @Test
  void preprocessingStandardizesRawFeaturesAndNamesClasses() {
    Dataset raw = Dataset.classification("raw", new float[] {10, 200, 14, 180, 12, 190, 11, 210}, 2,
        new int[] {0, 1, 1, 0}, 2).withClassNames(List.of("cat", "dog"));
    Preprocessing prep = Preprocessing.fit(raw);
    Dataset standardized = prep.apply(raw);
    TinyResidualNetwork net = new TinyResidualNetwork(2, 8, 2, 4, 3);
    float[] expected = Predictor.of(net).outputs(standardized);
    Predictor predictor = Predictor.of(net, prep);
    assertArrayEquals(expected, predictor.outputs(raw), "raw rows standardized as the training set was");
    String[] labels = predictor.labels(raw);
    int[] classes = predictor.classes(raw);
    for (int i = 0; i < labels.length; i++) {
      assertEquals(List.of("cat", "dog").get(classes[i]), labels[i]);
    }
    assertEquals(labels[0], predictor.labelOf(new float[] {10, 200}));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Predictor.of(net).labelOf(new float[] {10, 200}));
    assertTrue(e.getMessage().contains("have no names"), e.getMessage());
  }

  @Test
  void aRegressorsOutputsComeBackInTheTargetsUnits() {
    float[] x = {1, 2, 3};
    float[] y = {100, 300, 200, 600, 300, 900};
    Dataset raw = Dataset.regression("houses", x, 1, y, 2);
    Preprocessing prep = Preprocessing.fit(raw);
    TinyResidualNetwork net = new TinyResidualNetwork(1, 8, 2, 4, 3, Loss.MEAN_SQUARED_ERROR);
    float[] standardizedOutputs = Predictor.of(net).outputs(prep.apply(raw));
    float[] outputs = Predictor.of(net, prep).outputs(raw);
    float[] mean = prep.targetStandardization().orElseThrow().mean();
    float[] std = prep.targetStandardization().orElseThrow().std();
    for (int i = 0; i < outputs.length; i++) {
      assertEquals(standardizedOutputs[i] * std[i % 2] + mean[i % 2], outputs[i], 0f, "value " + i);
    }
    assertEquals(600f, mean[1], 1e-4f);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Predictor.of(net).classes(raw));
    assertTrue(e.getMessage().contains("not as a classifier"), e.getMessage());
  }

  @Test
  void badInputIsNamedBySampleAndFeature() {
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 4, 3);
    Predictor predictor = Predictor.of(net);
    float[] rows = data.features().clone();
    rows[6 * 8 + 2] = Float.NaN;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> predictor.classes(rows, 10, new int[10]));
    assertTrue(e.getMessage().contains("feature 2 of sample 6 is NaN"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> predictor.outputs(new float[7]));
    assertThrows(IllegalArgumentException.class, () -> predictor.classes(rows, 10, new int[9]));
    assertThrows(IllegalArgumentException.class, () -> predictor.outputs(SyntheticData.blobs(3, 5, 2, 1, 1)));
    assertThrows(IllegalArgumentException.class, () -> Predictor.of(net, Preprocessing.fit(
        SyntheticData.blobs(3, 5, 2, 1, 1))));
    net.parameters()[net.architecture().parameters().get("head.bias").offset()] = Float.POSITIVE_INFINITY;
    IllegalStateException broken = assertThrows(IllegalStateException.class, () -> predictor.classes(data));
    assertTrue(broken.getMessage().contains("for sample 0"), broken.getMessage());
  }
}
