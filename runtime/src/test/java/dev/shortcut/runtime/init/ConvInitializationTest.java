package dev.shortcut.runtime.init;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Init;
import dev.shortcut.annotations.Loss;
import dev.shortcut.annotations.Precision;
import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.BufferTable;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.Shape;
import dev.shortcut.runtime.ShortcutKind;
import dev.shortcut.runtime.testing.ArraysOnlyNetwork;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Convolutional networks start as torchvision's do: He normal over the fan-out for convolutions,
 * batch normalization γ = 1 and β = 0 (γ = 0 for a residual block's last one with zeroInitLast),
 * running means 0, running variances 1, batch counts 0.
 */
class ConvInitializationTest {
  private static final Shape IN = Shape.of(8, 4, 4);

  /** conv 8→64 (3×3) → bn → block [conv 64→64 → bn (γ zero)] with a 1×1 conv+bn projection … */
  private static ArraysOnlyNetwork network() {
    Shape map = Shape.of(64, 4, 4);
    int conv = 9 * 8 * 64;
    int inner = 9 * 64 * 64;
    Architecture a = Architecture.builder("init", IN, 10, Loss.SOFTMAX_CROSS_ENTROPY, Precision.FLOAT, true)
        .conv("conv1", IN, 64, 3, 1, 1, Activation.NONE, Init.AUTO, 0, -1, null)
        .batchNorm("bn1", map, 0.1, 1e-5, Activation.RELU, Init.AUTO, conv, conv + 64, 0, 64, 0, null)
        .conv("b.conv1", map, 64, 3, 1, 1, Activation.NONE, Init.AUTO, conv + 128, -1, "b")
        .batchNorm("b.bn1", map, 0.1, 1e-5, Activation.RELU, Init.ZERO, conv + 128 + inner, conv + 192 + inner, 128,
            192, 1, "b")
        .globalAvgPool("gap", map, null)
        .dense("fc", 64, 10, Activation.NONE, Init.XAVIER_NORMAL, conv + 256 + inner, conv + 896 + inner, null)
        .block("b", map, map, ShortcutKind.PROJECTION, 1, 2, 3,
            Architecture.ConvLayer.of("b.down.0", map, 64, 1, 1, 0, Activation.NONE, Init.AUTO,
                conv + 906 + inner, -1, "b"),
            new Architecture.BatchNormLayer("b.down.1", map, 0.1, 1e-5, Activation.NONE, Init.AUTO,
                conv + 906 + inner + 4096, conv + 906 + inner + 4160, 256, 320, 2, "b"))
        .build();
    return new ArraysOnlyNetwork(a, 1);
  }

  private static double[] meanAndStd(ArraysOnlyNetwork net, String name) {
    ParameterTable.Parameter p = net.architecture().parameters().get(name);
    double sum = 0;
    double sq = 0;
    for (int i = p.offset(); i < p.offset() + p.size(); i++) {
      sum += net.parameters()[i];
      sq += (double) net.parameters()[i] * net.parameters()[i];
    }
    double mean = sum / p.size();
    return new double[] {mean, Math.sqrt(sq / p.size() - mean * mean)};
  }

  @Test
  void convolutionsDrawHeNormalOverTheFanOut() {
    ArraysOnlyNetwork net = network();
    Initialization.apply(net, 5);
    // conv1 is 8 → 64: fan-in 72 (σ 0.167), fan-out 576 (σ 0.059); torchvision uses the fan-out.
    double[] s = meanAndStd(net, "conv1.weight");
    assertEquals(Math.sqrt(2.0 / (64 * 9)), s[1], 0.05 * Math.sqrt(2.0 / (64 * 9)));
    assertEquals(0, s[0], 0.005);
    double[] projection = meanAndStd(net, "b.down.0.weight");
    assertEquals(Math.sqrt(2.0 / 64), projection[1], 0.05 * Math.sqrt(2.0 / 64), "a 1×1 convolution: fan-out 64");
    double[] fc = meanAndStd(net, "fc.weight");
    assertEquals(Math.sqrt(2.0 / 74), fc[1], 0.25 * Math.sqrt(2.0 / 74), "dense layers keep their schemes");
  }

  @Test
  void batchNormalizationStartsAtOneAndZeroAndBuffersAreReset() {
    ArraysOnlyNetwork net = network();
    Arrays.fill(net.buffers(), 7f);
    Arrays.fill(net.batchCounts(), 12L);
    Initialization.apply(net, 5);
    assertEquals(1.0, meanAndStd(net, "bn1.weight")[0], 0.0);
    assertEquals(0.0, meanAndStd(net, "bn1.weight")[1], 0.0);
    assertEquals(1.0, meanAndStd(net, "b.down.1.weight")[0], 0.0, "a projection's γ starts at 1");
    assertEquals(0.0, meanAndStd(net, "b.bn1.weight")[0], 0.0, "zeroInitLast: the block starts as its shortcut");
    assertEquals(0.0, meanAndStd(net, "b.bn1.weight")[1], 0.0);
    for (String bias : new String[] {"bn1.bias", "b.bn1.bias", "b.down.1.bias", "fc.bias"}) {
      assertEquals(0.0, meanAndStd(net, bias)[0], 0.0, bias);
      assertEquals(0.0, meanAndStd(net, bias)[1], 0.0, bias);
    }
    for (BufferTable.Buffer b : net.architecture().buffers().all()) {
      for (int i = b.offset(); i < b.offset() + b.size(); i++) {
        assertEquals(b.kind() == BufferTable.Kind.RUNNING_VAR ? 1f : 0f, net.buffers()[i], b.name());
      }
    }
    assertEquals(0L, Arrays.stream(net.batchCounts()).max().orElseThrow());
  }

  @Test
  void anOverrideCanZeroOrRestoreABatchNormalizationsGamma() {
    ArraysOnlyNetwork net = network();
    Initialization.declared().override("b.bn1.weight", Init.AUTO).override("bn1.weight", Init.ZERO).initialize(net, 5);
    assertEquals(1.0, meanAndStd(net, "b.bn1.weight")[0], 0.0);
    assertEquals(0.0, meanAndStd(net, "bn1.weight")[0], 0.0);
    assertEquals(Init.AUTO, Initialization.declared().schemeFor(net.architecture().parameters().get("bn1.weight")),
        "AUTO on γ means 1, not He");
  }
}
