package dev.shortcut.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.ImageShape;
import dev.shortcut.runtime.loss.SoftmaxCrossEntropy;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.testing.RecordingNetwork;
import dev.shortcut.runtime.testing.SyntheticData;
import dev.shortcut.runtime.testing.TinyConvNetwork;
import dev.shortcut.runtime.testing.TinyResidualNetwork;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Training steps run in training mode; validation and evaluation in evaluation mode (batch
 * normalization on its running statistics); and the network is left in the mode it was found in.
 */
class TrainerModesTest {
  private final Dataset train = SyntheticData.blobs(128, 8, 4, 0.6, 1);
  private final Dataset test = SyntheticData.blobs(64, 8, 4, 0.6, 2);

  @Test
  void stepsTrainAndValidationEvaluatesThenTheModeIsRestored() {
    for (boolean initially : new boolean[] {true, false}) {
      RecordingNetwork net = new RecordingNetwork(new TinyResidualNetwork(8, 16, 4, 32, 3));
      net.setTraining(initially);
      Trainer.builder(Adam.withLearningRate(0.01)).batchSize(32).epochs(2).progress(false).build()
          .fit(net, train, test);
      // Per epoch: 4 training steps, then 2 validation batches of maxBatch 32.
      StringBuilder modes = new StringBuilder();
      for (RecordingNetwork.Pass p : net.passes()) {
        modes.append(p.training() ? 'T' : 'E');
      }
      assertEquals("TTTTEETTTTEE", modes.toString());
      assertEquals(initially, net.isTraining(), "left as it was found");
    }
  }

  @Test
  void evaluationRestoresTheModeEvenWhenItFails() {
    RecordingNetwork net = new RecordingNetwork(new TinyResidualNetwork(8, 16, 4, 32, 3));
    Trainer.evaluate(net, test);
    assertTrue(net.passes().stream().noneMatch(RecordingNetwork.Pass::training));
    assertTrue(net.isTraining());
    net.parameters()[0] = Float.NaN;
    assertThrows(NonFiniteException.class, () -> Trainer.evaluate(net, test));
    assertTrue(net.isTraining(), "restored on the way out of a failure");
  }

  @Test
  void evaluationUsesTheRunningStatisticsAndLeavesThemAlone() {
    TinyConvNetwork net = new TinyConvNetwork(4, 1);
    SplittableRandom r = new SplittableRandom(3);
    for (int step = 0; step < 2; step++) { // some running statistics to use
      for (int i = 0; i < net.input().length; i++) {
        net.input()[i] = r.nextGaussian();
      }
      net.forward(4);
    }
    float[] x = new float[10 * 72];
    int[] y = new int[10];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = r.nextInt(3);
    }
    Dataset data = Dataset.classification("images", x, 72, y, 3).withImageShape(ImageShape.of(2, 6, 6));
    double[] buffers = net.buffers().clone();
    long[] counts = net.batchCounts().clone();
    Evaluation e = Trainer.evaluate(net, data);
    assertArrayEquals(buffers, net.buffers(), "evaluation updates no running statistic");
    assertArrayEquals(counts, net.batchCounts());
    assertTrue(net.isTraining());

    // The same loss, computed sample by sample in evaluation mode: independent of the batch.
    net.setTraining(false);
    double loss = 0;
    for (int n = 0; n < 10; n++) {
      for (int i = 0; i < 72; i++) {
        net.input()[i] = x[n * 72 + i];
      }
      net.forward(1);
      loss += SoftmaxCrossEntropy.lossAndGradient(net.output(), 1, 3, y, n, net.outputGradient());
    }
    net.setTraining(true);
    assertEquals(loss / 10, e.loss(), 1e-12);
  }

  @Test
  void aNetworkWithBatchNormalizationMustImplementTheMode() {
    dev.shortcut.runtime.testing.ArraysOnlyNetwork arrays = new dev.shortcut.runtime.testing.ArraysOnlyNetwork(
        new TinyConvNetwork(1, 1).architecture(), 1);
    dev.shortcut.runtime.FloatNetwork withoutMode = new dev.shortcut.runtime.FloatNetwork() {
      @Override
      public dev.shortcut.runtime.Architecture architecture() {
        return arrays.architecture();
      }

      @Override
      public int maxBatch() {
        return 1;
      }

      @Override
      public void forward(int batch) {}

      @Override
      public void backward(int batch, boolean inputGradient) {}

      @Override
      public void zeroGradients() {}

      @Override
      public float[] parameters() {
        return arrays.parameters();
      }

      @Override
      public float[] gradients() {
        return arrays.gradients();
      }

      @Override
      public float[] input() {
        return arrays.input();
      }

      @Override
      public float[] output() {
        return arrays.output();
      }

      @Override
      public float[] outputGradient() {
        return arrays.outputGradient();
      }

      @Override
      public float[] inputGradient() {
        return arrays.inputGradient();
      }
    };
    String m = assertThrows(UnsupportedOperationException.class, () -> withoutMode.setTraining(false)).getMessage();
    assertTrue(m.contains("has batch normalization but does not implement setTraining"), m);
    TinyResidualNetwork dense = new TinyResidualNetwork(8, 16, 4, 32, 3);
    dense.setTraining(false); // no batch normalization: the mode changes nothing, and is accepted
    assertEquals(0, dense.batchCounts().length);
    assertEquals(0, dense.buffers().length);
    assertFalse(dense.architecture().buffers().counters().iterator().hasNext());
  }

  @Test
  void aBrokenRunningStatisticStopsTheRunBeforeItsFirstStep() {
    TinyConvNetwork net = new TinyConvNetwork(4, 1);
    int var = net.architecture().buffers().get("layer2.0.bn1.running_var").offset();
    net.buffers()[var + 3] = Double.NaN;
    float[] x = new float[8 * 72];
    Dataset data = Dataset.classification("images", x, 72, new int[8], 3).withImageShape(ImageShape.of(2, 6, 6));
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> Trainer.builder(Adam.withLearningRate(0.01))
        .batchSize(4).progress(false).onNonFinite(NonFinitePolicy.SKIP).build().fit(net, data, null));
    assertEquals(NonFiniteException.Source.PARAMETERS, e.source());
    assertEquals("layer2.0.bn1", e.layer());
    assertTrue(e.getMessage().contains("layer2.0.bn1.running_var holds NaN at [3]"), e.getMessage());
    assertEquals(0, net.forwardCalls(), "no step ran");
  }
}
