package dev.shortcut.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Init;
import dev.shortcut.annotations.Loss;
import dev.shortcut.annotations.Precision;
import dev.shortcut.runtime.data.ImageShape;
import dev.shortcut.runtime.testing.TinyConvNetwork;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The description of a network of every layer kind: shapes, blocks, tables and layouts. */
class ArchitectureTest {
  private final Architecture a = new TinyConvNetwork(2, 1).architecture();

  @Test
  void describesEveryLayerWithItsShapes() {
    assertEquals(Shape.of(2, 6, 6), a.input());
    assertEquals(Optional.of(ImageShape.of(2, 6, 6)), a.imageShape());
    List<String> outputs = a.layers().stream().map(l -> l.name() + " " + l.output()).toList();
    assertEquals(List.of("conv1 4×6×6", "bn1 4×6×6", "layer1.0.conv1 6×3×3", "layer1.0.bn1 6×3×3",
        "layer1.0.conv2 6×3×3", "layer1.0.bn2 6×3×3", "layer2.0.conv1 8×2×2", "layer2.0.bn1 8×2×2",
        "layer2.0.conv2 8×2×2", "layer2.0.bn2 8×2×2", "fc 3"), outputs);
    assertEquals(6, a.layerCount(), "five convolutions and one dense layer; batch norms and projections do not count");
    assertEquals(4 * 36, a.maxWidth());
    Architecture.Block b1 = a.blocks().get(0);
    assertEquals(ShortcutKind.PROJECTION, b1.shortcut());
    assertEquals(List.of("layer1.0.downsample.0", "layer1.0.downsample.1"),
        b1.projection().stream().map(Architecture.Layer::name).toList());
    assertEquals("layer1.0.downsample.0.weight", b1.projectionName());
    Architecture.Block b2 = a.blocks().get(1);
    assertEquals(ShortcutKind.ZERO_PAD, b2.shortcut());
    assertEquals(2, b2.stride());
    assertEquals(Shape.of(6, 3, 3), b2.input());
    assertEquals(Shape.of(8, 2, 2), b2.output());
    assertEquals(6, a.batchNorms().size(), "the projection's batch normalization included");
    assertEquals(a, new TinyConvNetwork(2, 9).architecture(), "a record: equal descriptions are equal");
  }

  @Test
  void parametersCarryPyTorchShapesRolesAndLayouts() {
    ParameterTable t = a.parameters();
    ParameterTable.Parameter conv = t.get("layer1.0.conv1.weight");
    assertArrayEquals(new int[] {6, 4, 3, 3}, conv.shape());
    assertEquals(Layout.CONV_HWIO, conv.layout());
    assertEquals(ParameterTable.Role.WEIGHT, conv.role());
    assertEquals(4 * 9, conv.fanIn());
    assertEquals(6 * 9, conv.fanOut());
    assertEquals(ParameterTable.Role.PROJECTION, t.get("layer1.0.downsample.0.weight").role());
    assertEquals("layer1.0", t.get("layer1.0.downsample.0.weight").layer(), "a projection's tensors name the block");
    assertEquals(ParameterTable.Role.BN_WEIGHT, t.get("layer1.0.downsample.1.weight").role());
    assertEquals(ParameterTable.Role.BN_BIAS, t.get("bn1.bias").role());
    assertEquals(Init.ZERO, t.get("layer1.0.bn2.weight").init(), "zeroInitLast");
    ParameterTable.Parameter fc = t.get("fc.weight");
    assertArrayEquals(new int[] {3, 32}, fc.shape());
    assertEquals(Layout.denseFromNhwc(8, 2, 2), fc.layout());
    assertFalse(t.contains("conv1.bias"), "no bias before batch normalization");
    assertEquals(List.of("conv1.weight", "bn1.weight", "bn1.bias", "layer1.0.downsample.0.weight",
        "layer1.0.downsample.1.weight", "layer1.0.downsample.1.bias", "layer1.0.conv1.weight"),
        t.all().subList(0, 7).stream().map(ParameterTable.Parameter::name).toList(),
        "forward order, a projection before its block's layers");
    // Element 7 of conv1.weight (stored [kh][kw][in][out] = [3][3][2][4]) is out 3, in 1, kh 0, kw 0.
    assertEquals("[3, 1, 0, 0]", t.get("conv1.weight").position(7));
  }

  @Test
  void buffersAndCountersOfEveryBatchNormalization() {
    BufferTable b = a.buffers();
    assertEquals(2 * (4 + 6 + 6 + 6 + 8 + 8), b.totalSize());
    assertEquals(6, b.counters().size());
    BufferTable.Buffer var = b.get("layer1.0.downsample.1.running_var");
    assertEquals(BufferTable.Kind.RUNNING_VAR, var.kind());
    assertEquals(6, var.size());
    assertEquals("layer1.0", var.layer());
    assertEquals(1, b.counter("layer1.0.downsample.1.num_batches_tracked").index());
    assertTrue(b.contains("layer2.0.bn2.num_batches_tracked"));
    assertTrue(Architecture.builder("dense", 4, 2, Loss.SOFTMAX_CROSS_ENTROPY, Precision.FLOAT, true)
        .dense("fc", 4, 2, Activation.NONE, Init.AUTO, 0, 8, null).build().buffers().isEmpty());
  }

  @Test
  void layoutsArePermutationsToAndFromPyTorchs() {
    int[] conv = {5, 3, 3, 2}; // [out][in][kh][kw]
    int[] dense = {4, 3 * 2 * 5};
    Layout nhwc = Layout.denseFromNhwc(3, 2, 5);
    for (int i = 0; i < 5 * 3 * 3 * 2; i++) {
      assertEquals(i, Layout.CONV_HWIO.storedIndex(Layout.CONV_HWIO.torchIndex(i, conv), conv));
    }
    for (int i = 0; i < 4 * 30; i++) {
      assertEquals(i, nhwc.storedIndex(nhwc.torchIndex(i, dense), dense));
    }
    // Written out from the definitions: stored HWIO [kh][kw][in][out], PyTorch [out][in][kh][kw].
    int o = 4;
    int in = 2;
    int y = 1;
    int x = 1;
    assertEquals(((o * 3 + in) * 3 + y) * 2 + x, Layout.CONV_HWIO.torchIndex(((y * 2 + x) * 3 + in) * 5 + o, conv));
    // Stored [out][h][w][c] (NHWC flatten), PyTorch [out][c·h·w] in CHW order.
    int c = 2;
    assertEquals(3 * 30 + (c * 2 + 1) * 5 + 4, nhwc.torchIndex(3 * 30 + (1 * 5 + 4) * 3 + c, dense));
  }

  @Test
  void poolingAndGlobalAveragePoolingShapes() {
    Shape in = Shape.of(8, 7, 7);
    Architecture net = Architecture.builder("pools", in, 5, Loss.SOFTMAX_CROSS_ENTROPY, Precision.FLOAT, false)
        .pool("max", Architecture.Pooling.MAX, in, 3, 2, 1, null)
        .pool("avg", Architecture.Pooling.AVERAGE, Shape.of(8, 4, 4), 2, 2, 0, null)
        .globalAvgPool("gap", Shape.of(8, 2, 2), null)
        .dense("fc", 8, 5, Activation.NONE, Init.AUTO, 0, 40, null)
        .build();
    assertEquals(List.of(Shape.of(8, 4, 4), Shape.of(8, 2, 2), Shape.flat(8), Shape.flat(5)),
        net.layers().stream().map(Architecture.Layer::output).toList());
    assertEquals(1, net.layerCount());
  }

  @Test
  void inconsistentDescriptionsAreRefusedWithBothShapes() {
    Shape in = Shape.of(4, 8, 8);
    Architecture.Builder identityAcrossStride = Architecture.builder("n", in, 10, Loss.SOFTMAX_CROSS_ENTROPY,
            Precision.FLOAT, true)
        .conv("b.conv", in, 4, 3, 2, 1, Activation.RELU, Init.AUTO, 0, -1, "b")
        .block("b", in, Shape.of(4, 4, 4), ShortcutKind.IDENTITY, 1, 0, 0)
        .globalAvgPool("gap", Shape.of(4, 4, 4), null)
        .dense("fc", 4, 10, Activation.NONE, Init.AUTO, 144, 184, null);
    assertMessage(identityAcrossStride::build, "identity shortcut of block b needs equal shapes: 4×8×8 → 4×4×4");

    Architecture.Builder fewerChannels = Architecture.builder("n", in, 2, Loss.SOFTMAX_CROSS_ENTROPY,
            Precision.FLOAT, true)
        .conv("b.conv", in, 2, 3, 2, 1, Activation.RELU, Init.AUTO, 0, -1, "b")
        .block("b", in, Shape.of(2, 4, 4), ShortcutKind.ZERO_PAD, 2, 0, 0)
        .globalAvgPool("gap", Shape.of(2, 4, 4), null);
    assertMessage(fewerChannels::build, "zero-padding shortcut of block b with stride 2 turns 4×8×8 into 4×4×4");

    assertMessage(() -> Architecture.ConvLayer.of("big", Shape.of(1, 3, 3), 2, 7, 1, 1, Activation.NONE, Init.AUTO,
        0, -1, null), "big: a kernel of 7 does not fit an input of 3 padded by 1");

    Architecture.Builder chain = Architecture.builder("n", in, 3, Loss.SOFTMAX_CROSS_ENTROPY, Precision.FLOAT, true)
        .conv("c", in, 4, 3, 1, 1, Activation.RELU, Init.AUTO, 0, -1, null)
        .dense("fc", 100, 3, Activation.NONE, Init.AUTO, 144, 444, null);
    assertMessage(chain::build, "layer fc takes 100 inputs but receives 4×8×8");

    Architecture.Builder projection = Architecture.builder("n", in, 8 * 16, Loss.MEAN_SQUARED_ERROR,
            Precision.FLOAT, true)
        .conv("b.conv", in, 8, 3, 2, 1, Activation.RELU, Init.AUTO, 0, -1, "b")
        .block("b", in, Shape.of(8, 4, 4), ShortcutKind.PROJECTION, 2, 0, 0,
            Architecture.ConvLayer.of("b.down", in, 8, 1, 1, 0, Activation.NONE, Init.AUTO, 288, -1, "b"));
    assertMessage(projection::build, "the projection of block b gives 8×8×8, not 8×4×4");
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
    String m = assertThrows(RuntimeException.class, call).getMessage();
    assertTrue(m.contains(expected), m);
  }

  @Test
  void theDenseBuilderOfTodaysGeneratorDescribesTheSameAsBefore() {
    Architecture dense = Architecture.builder("d", 6, 2, Loss.SOFTMAX_CROSS_ENTROPY, Precision.FLOAT, true)
        .dense("stem", 6, 4, Activation.RELU, Init.HE_NORMAL, 0, 24, null)
        .dense("body.0.fc1", 4, 5, Activation.RELU, Init.HE_NORMAL, 48, 68, "body.0")
        .dense("body.0.fc2", 5, 5, Activation.RELU, Init.ZERO, 73, 98, "body.0")
        .dense("head", 5, 2, Activation.NONE, Init.XAVIER_NORMAL, 103, 113, null)
        .block("body.0", 4, 5, ShortcutKind.PROJECTION, Init.HE_NORMAL, 28, 1, 2)
        .build();
    assertEquals(Optional.empty(), dense.imageShape());
    assertEquals(6, dense.inputs());
    assertEquals(List.of("stem.weight", "stem.bias", "body.0.shortcut.weight", "body.0.fc1.weight"),
        dense.parameters().all().subList(0, 4).stream().map(ParameterTable.Parameter::name).toList());
    ParameterTable.Parameter ws = dense.parameters().get("body.0.shortcut.weight");
    assertEquals(ParameterTable.Role.PROJECTION, ws.role());
    assertEquals("body.0", ws.layer());
    assertArrayEquals(new int[] {5, 4}, ws.shape());
    assertEquals(28, dense.blocks().get(0).projectionOffset());
    assertEquals(115, dense.parameterCount());
    assertEquals(4, dense.layerCount());
  }

  @Test
  void aRandomShapeRoundTripsThroughEveryLayout() {
    SplittableRandom r = new SplittableRandom(4);
    for (int trial = 0; trial < 50; trial++) {
      int c = 1 + r.nextInt(5);
      int h = 1 + r.nextInt(4);
      int w = 1 + r.nextInt(4);
      int out = 1 + r.nextInt(3);
      int[] shape = {out, c * h * w};
      Layout l = Layout.denseFromNhwc(c, h, w);
      boolean[] hit = new boolean[out * c * h * w];
      for (int i = 0; i < hit.length; i++) {
        int t = l.torchIndex(i, shape);
        assertFalse(hit[t], "a permutation");
        hit[t] = true;
      }
    }
  }
}
