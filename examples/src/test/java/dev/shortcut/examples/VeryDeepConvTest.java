package dev.shortcut.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.examples.paper.PlainDeep1202;
import dev.shortcut.examples.paper.ResidualDeep1202;
import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.ImageShape;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.optim.Sgd;
import dev.shortcut.runtime.train.NonFiniteException;
import dev.shortcut.runtime.train.Trainer;
import dev.shortcut.runtime.train.TrainingHistory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The paper's 1,202-layer network and its plain twin compile and take training steps. */
class VeryDeepConvTest {

  private static Dataset images(int n) {
    SplittableRandom r = new SplittableRandom(5);
    float[] x = new float[n * 32 * 32];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 10;
      for (int p = 0; p < 32 * 32; p++) {
        x[i * 1024 + p] = (float) r.nextGaussian() + (p % 10 == y[i] ? 1 : 0);
      }
    }
    return Dataset.classification("noise", x, 1024, y, 10).withImageShape(ImageShape.of(1, 32, 32));
  }

  private static long weightLayers(Architecture a) {
    return a.layers().stream().filter(Architecture.Layer::isWeightLayer).count();
  }

  private static java.util.List<String> tensors(FloatNetwork net) {
    return net.architecture().parameters().all().stream().map(p -> p.name() + p.shapeString()).toList();
  }

  /** Whether any element of the tensor changed. */
  private static boolean changed(FloatNetwork net, float[] before, String tensor) {
    ParameterTable.Parameter p = net.architecture().parameters().get(tensor);
    for (int i = p.offset(); i < p.offset() + p.size(); i++) {
      if (net.parameters()[i] != before[i]) {
        return true;
      }
    }
    return false;
  }

  @Test
  void resNet1202TrainsEveryLayerFromTheFirstSteps() {
    FloatNetwork net = new ResidualDeep1202(2, 1L, Kernels.withThreads(2));
    assertEquals(1202, weightLayers(net.architecture()));
    float[] before = net.parameters().clone();
    TrainingHistory h = Trainer.builder(Sgd.withLearningRate(0.01).momentum(0.9))
        .epochs(1).batchSize(2).seed(1).maxSteps(2).progress(false).build()
        .fit(net, images(4), null);
    assertEquals(2, h.steps());
    assertTrue(Double.isFinite(h.last().trainLoss()));
    // The gradient reaches the stem through 600 blocks, and the last block's zero γ starts moving.
    assertTrue(changed(net, before, "conv1.weight"), "the first convolution is trained");
    assertTrue(changed(net, before, "layer3.199.bn2.weight"), "the last block's γ is trained");
    assertTrue(changed(net, before, "fc.weight"));
    for (float v : net.parameters()) {
      assertTrue(Float.isFinite(v));
    }
  }

  @Test
  void thePlainTwinsGradientOverflowsAndTheUpdateIsRefused() {
    FloatNetwork plain = new PlainDeep1202(2, 1L, Kernels.withThreads(2));
    assertEquals(1202, weightLayers(plain.architecture()));
    assertFalse(plain.architecture().residual());
    // Option A has no parameters, so the twins hold the same tensors (19.4 million values, as the
    // paper counts); only their starts differ (the plain twin keeps every γ at 1).
    assertEquals(tensors(new ResidualDeep1202(1)), tensors(plain));
    assertEquals(19_420_986, plain.architecture().parameters().totalSize());
    // Without shortcuts the gradient is a product over 1,202 layers: at this start it passes
    // float's range on the way back to the stem. The step is refused, named, and changes nothing.
    float[] before = plain.parameters().clone();
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> Trainer.builder(
        Sgd.withLearningRate(0.01).momentum(0.9)).epochs(1).batchSize(2).seed(1).maxSteps(1).progress(false)
        .build().fit(plain, images(2), null));
    assertTrue(e.getMessage().contains("PlainDeep1202"), e.getMessage());
    assertTrue(e.getMessage().contains("overflowed"), e.getMessage());
    assertArrayEquals(before, plain.parameters());
  }
}
