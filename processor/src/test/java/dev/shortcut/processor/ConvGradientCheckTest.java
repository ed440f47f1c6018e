package dev.shortcut.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.Architecture.BatchNormLayer;
import dev.shortcut.runtime.Architecture.Block;
import dev.shortcut.runtime.Architecture.ConvLayer;
import dev.shortcut.runtime.Architecture.DenseLayer;
import dev.shortcut.runtime.Architecture.Layer;
import dev.shortcut.runtime.Architecture.PoolLayer;
import dev.shortcut.runtime.Architecture.Pooling;
import dev.shortcut.runtime.DoubleNetwork;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.ShortcutKind;
import dev.shortcut.runtime.kernel.Kernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generated convolutional networks, in double precision, against central finite differences
 * (every parameter and every input value) and against {@link NaiveConvNetwork}, an independent
 * interpreter of their {@link Architecture}, in training and evaluation mode; their float twins
 * (on one thread and on two) against them, gradients included; and the layer {@code
 * firstNonFiniteLayer} names when one layer is poisoned.
 *
 * <p>Small declarations, each with its plain twin, cover between them every layer kind, every
 * shortcut kind, stride 2 on odd and even sizes, 28 → 14 → 7, maps strided down to 1×1,
 * unusual windows, activations other than ReLU, bottleneck blocks, stacks that set filters and
 * the first block's stride, and nested blocks; {@link
 * #theDeclarationsCoverEveryLayerAndShortcutKind} checks that they do.
 */
class ConvGradientCheckTest {

  /** The paper's basic block; filters and the first block's stride come from the stack. */
  static final String BASIC = """
      package conv;
      import dev.shortcut.annotations.*;
      @ResidualBlock
      public class Basic {
        @Conv(kernel = 3, stride = Conv.STACK) Layer conv1;
        @BatchNorm Layer bn1;
        @Conv(kernel = 3) Layer conv2;
        @BatchNorm Layer bn2;
      }
      """;
  /** torchvision's bottleneck: 1×1, strided 3×3, 1×1 to four times the stack's filters. */
  static final String BOTTLENECK = """
      package conv;
      import dev.shortcut.annotations.*;
      @ResidualBlock
      public class Bottleneck {
        @Conv(kernel = 1) Layer conv1;
        @BatchNorm Layer bn1;
        @Conv(kernel = 3, stride = Conv.STACK) Layer conv2;
        @BatchNorm Layer bn2;
        @Conv(kernel = 1, expansion = 4) Layer conv3;
        @BatchNorm Layer bn3;
      }
      """;
  /** A block of blocks whose shapes match, with a projection forced around them. */
  static final String OUTER = """
      package conv;
      import dev.shortcut.annotations.*;
      @ResidualBlock(shortcut = Shortcut.PROJECTION)
      public class Outer {
        @Stack(repeat = 2, filters = 3) Basic inner;
        @Conv(kernel = 3, activation = Activation.TANH) Layer conv;
        @BatchNorm Layer bn;
      }
      """;
  /**
   * Batch normalization everywhere: a leaky stem on 2×7×7; an identity block; the nested block
   * (its projection a 1×1 convolution and batch normalization at stride 1); a bottleneck at stride
   * 2 on the odd 7×7 (projection: strided 1×1 convolution and batch normalization, 3×7×7 → 8×4×4);
   * max pooling with padding; a dense layer reading the flattened 8×2×2 map, normalized
   * ({@code BatchNorm1d}) before its tanh; a dense head.
   */
  static final String NORMALIZED = """
      package conv;
      import dev.shortcut.annotations.*;
      @Network(channels = 2, height = 7, width = 7, outputs = 3, precision = Precision.DOUBLE,
          variants = {Variant.RESIDUAL, Variant.PLAIN})
      public class Normalized {
        @Conv(filters = 3, activation = Activation.LEAKY_RELU) Layer conv1;
        @BatchNorm Layer bn1;
        @Stack(repeat = 1, filters = 3) Basic layer1;
        @Stack(repeat = 1, filters = 3) Outer nested;
        @Stack(repeat = 1, filters = 2, stride = 2) Bottleneck layer2;
        @MaxPool(kernel = 3, stride = 2, padding = 1) Layer pool;
        @Dense(units = 5, activation = Activation.TANH) Layer fc1;
        @BatchNorm Layer bn2;
        @Dense(units = 3, activation = Activation.NONE) Layer fc;
      }
      """;
  /** A block without batch normalization: biased convolutions, tanh then leaky ReLU. */
  static final String UNNORMALIZED_BLOCK = """
      package conv;
      import dev.shortcut.annotations.*;
      @ResidualBlock
      public class Biased {
        @Conv(kernel = 3, stride = Conv.STACK, activation = Activation.TANH) Layer conv1;
        @Conv(kernel = 3, activation = Activation.LEAKY_RELU) Layer conv2;
      }
      """;
  /** The same, reshaped by option A where its shape changes. */
  static final String PADDED_BLOCK = """
      package conv;
      import dev.shortcut.annotations.*;
      @ResidualBlock(reshape = Shortcut.ZERO_PAD)
      public class Padded {
        @Conv(kernel = 3, stride = Conv.STACK, activation = Activation.TANH) Layer conv1;
        @Conv(kernel = 3, activation = Activation.LEAKY_RELU) Layer conv2;
      }
      """;
  /**
   * No batch normalization: a 1×1 stem without bias on 3×7×7, average pooling counting its
   * padding, an identity block, a projection (1×1 convolution, no normalization) at stride 2 on
   * 7×7, an option-A block at stride 2 (4×4×4 → 6×2×2), a dense layer on the flattened map.
   */
  static final String UNNORMALIZED = """
      package conv;
      import dev.shortcut.annotations.*;
      @Network(channels = 3, height = 7, width = 7, outputs = 3, precision = Precision.DOUBLE,
          variants = {Variant.RESIDUAL, Variant.PLAIN})
      public class Unnormalized {
        @Conv(filters = 3, kernel = 1, bias = Bias.NO, activation = Activation.NONE) Layer stem;
        @AvgPool(kernel = 3, stride = 1, padding = 1) Layer smooth;
        @Stack(repeat = 1, filters = 3) Biased same;
        @Stack(repeat = 1, filters = 4, stride = 2) Biased down;
        @Stack(repeat = 1, filters = 6, stride = 2) Padded pad;
        @Dense(units = 3, activation = Activation.NONE) Layer fc;
      }
      """;
  /**
   * The paper's CIFAR family in small on Fashion-MNIST's size: a strided stem 28 → 14, then
   * option-A stages 14 → 7 and 7 → 4 (the odd case), global average pooling and a dense head.
   */
  static final String OPTION_A = """
      package conv;
      import dev.shortcut.annotations.*;
      @Network(channels = 1, height = 28, width = 28, outputs = 2, precision = Precision.DOUBLE,
          reshape = Shortcut.ZERO_PAD, variants = {Variant.RESIDUAL, Variant.PLAIN})
      public class OptionA {
        @Conv(filters = 2, stride = 2) Layer conv1;
        @BatchNorm Layer bn1;
        @Stack(repeat = 1, filters = 3, stride = 2) Basic layer1;
        @Stack(repeat = 1, filters = 4, stride = 2) Basic layer2;
        @GlobalAvgPool Layer avgpool;
        @Dense(units = 2, activation = Activation.NONE) Layer fc;
      }
      """;

  /** Pooling inside a block, so the projection's stride comes from the pool; a biased convolution normalized. */
  static final String POOLED_BLOCK = """
      package conv;
      import dev.shortcut.annotations.*;
      @ResidualBlock
      public class Pooled {
        @Conv(kernel = 3, bias = Bias.YES) Layer conv1;
        @BatchNorm Layer bn1;
        @MaxPool(kernel = 2) Layer pool;
        @Conv(kernel = 1, activation = Activation.SIGMOID) Layer conv2;
        @BatchNorm Layer bn2;
      }
      """;
  /** Option A around a path that pools, without batch normalization. */
  static final String PADDED_POOL_BLOCK = """
      package conv;
      import dev.shortcut.annotations.*;
      @ResidualBlock(reshape = Shortcut.ZERO_PAD)
      public class PaddedPool {
        @Conv(kernel = 3, stride = Conv.STACK) Layer conv1;
        @AvgPool(kernel = 3, stride = 1, padding = 1) Layer pool;
        @Conv(kernel = 3) Layer conv2;
      }
      """;
  /**
   * Windows of every other size: a 5×5 kernel at stride 3 (13 → 5), option A at stride 2 on 5×5,
   * an even 2×2 kernel without padding (3 → 2), padding wider than half the kernel (2 → 4), max
   * pooling at stride 1 (4 → 3), average pooling 3×3 at stride 2 with padding (3 → 2), and a block
   * that pools 2×2 → 1×1 under a strided projection with batch normalization.
   */
  static final String GEOMETRY = """
      package conv;
      import dev.shortcut.annotations.*;
      @Network(channels = 2, height = 13, width = 13, outputs = 2, precision = Precision.DOUBLE,
          variants = {Variant.RESIDUAL, Variant.PLAIN})
      public class Geometry {
        @Conv(filters = 3, kernel = 5, stride = 3, padding = 2, activation = Activation.TANH) Layer wide;
        @Stack(repeat = 1, filters = 4, stride = 2) PaddedPool padded;
        @Conv(filters = 3, kernel = 2, padding = 0, activation = Activation.SIGMOID) Layer even;
        @Conv(filters = 2, kernel = 3, padding = 2) Layer grow;
        @MaxPool(kernel = 2, stride = 1) Layer max;
        @AvgPool(kernel = 3, stride = 2, padding = 1) Layer avg;
        @Stack(repeat = 1, filters = 4) Pooled pooled;
        @Dense(units = 2, activation = Activation.NONE) Layer fc;
      }
      """;

  /** The basic block with a projection wherever its shape changes, in a network that pads elsewhere. */
  static final String PROJECTED_BLOCK = """
      package conv;
      import dev.shortcut.annotations.*;
      @ResidualBlock(reshape = Shortcut.PROJECTION)
      public class Projected {
        @Conv(kernel = 3, stride = Conv.STACK) Layer conv1;
        @BatchNorm Layer bn1;
        @Conv(kernel = 3) Layer conv2;
        @BatchNorm Layer bn2;
      }
      """;
  /**
   * Wide enough for the float kernels' vector loops (20 channels: a 16-lane vector and a tail; 48:
   * three) and, at a batch of 64, for their work to be split over threads: 64·15·15·20 values per
   * batch normalization pass the elementwise threshold, 52 million multiply-adds the convolutions'.
   */
  static final String WIDE = """
      package conv;
      import dev.shortcut.annotations.*;
      @Network(channels = 3, height = 15, width = 15, outputs = 4, precision = Precision.DOUBLE,
          reshape = Shortcut.ZERO_PAD)
      public class Wide {
        @Conv(filters = 20) Layer conv1;
        @BatchNorm Layer bn1;
        @MaxPool(kernel = 3, stride = 1, padding = 1) Layer pool;
        @Stack(repeat = 1, filters = 20) Basic layer1;
        @Stack(repeat = 1, filters = 32, stride = 2) Basic layer2;
        @Stack(repeat = 1, filters = 48, stride = 2) Projected layer3;
        @GlobalAvgPool Layer avgpool;
        @Dense(units = 4, activation = Activation.NONE) Layer fc;
      }
      """;

  static final String[] DOUBLE_SOURCES = {"conv.Basic", BASIC, "conv.Bottleneck", BOTTLENECK, "conv.Outer", OUTER,
      "conv.Biased", UNNORMALIZED_BLOCK, "conv.Padded", PADDED_BLOCK, "conv.Normalized", NORMALIZED,
      "conv.Unnormalized", UNNORMALIZED, "conv.OptionA", OPTION_A, "conv.Pooled", POOLED_BLOCK,
      "conv.PaddedPool", PADDED_POOL_BLOCK, "conv.Geometry", GEOMETRY, "conv.Projected", PROJECTED_BLOCK,
      "conv.Wide", WIDE};

  /** The networks that {@link #DOUBLE_SOURCES} generate. */
  static final List<String> NETWORKS = List.of("ResidualNormalized", "PlainNormalized", "ResidualUnnormalized",
      "PlainUnnormalized", "ResidualOptionA", "PlainOptionA", "ResidualGeometry", "PlainGeometry");

  /** The same declarations in float, their classes prefixed with {@code F}. */
  static String[] floatSources() {
    List<String> all = new ArrayList<>(Arrays.asList(DOUBLE_SOURCES));
    for (String[] net : new String[][] {{"Normalized", NORMALIZED}, {"Unnormalized", UNNORMALIZED},
        {"OptionA", OPTION_A}, {"Geometry", GEOMETRY}, {"Wide", WIDE}}) {
      all.add("conv.F" + net[0]);
      all.add(net[1].replace("precision = Precision.DOUBLE,", "").replace("class " + net[0], "class F" + net[0]));
    }
    return all.toArray(String[]::new);
  }

  /**
   * Samples per batch where batch normalization meets a flat layer: {@code BatchNorm1d} over two
   * samples maps each pair to about ±1 whatever they are, a function so sharply curved that no
   * finite difference resolves it to 1e-6. Elsewhere, 2.
   */
  static final int NORMALIZED_BATCH = 4;
  /** Step of the five-point stencil; see {@link #assertGradient}. */
  static final double STEP = 2e-5;

  private static Compiled compiled;

  @BeforeAll
  static void compile() {
    compiled = Compiled.compile(floatSources());
  }

  static DoubleNetwork network(String simpleName, long seed) {
    return compiled.network("conv." + simpleName, 4, seed);
  }

  // ---- what the declarations cover ------------------------------------------------------------

  @Test
  void theDeclarationsCoverEveryLayerAndShortcutKind() {
    List<Architecture> residual = List.of(network("ResidualNormalized", 1).architecture(),
        network("ResidualUnnormalized", 1).architecture(), network("ResidualOptionA", 1).architecture());
    List<Layer> layers = new ArrayList<>();
    List<Block> blocks = new ArrayList<>();
    List<Block> normalized = new ArrayList<>();
    for (Architecture a : residual) {
      layers.addAll(a.layers());
      blocks.addAll(a.blocks());
      for (Block b : a.blocks()) {
        if (a.layers().subList(b.firstLayer(), b.lastLayer() + 1).stream().anyMatch(BatchNormLayer.class::isInstance)) {
          normalized.add(b);
        }
      }
    }
    blocks.forEach(b -> layers.addAll(b.projection()));
    assertCovered(layers, l -> l instanceof ConvLayer c && c.hasBias(), "a convolution with bias");
    assertCovered(layers, l -> l instanceof ConvLayer c && !c.hasBias() && !c.name().contains("shortcut"),
        "a convolution without bias");
    assertCovered(layers, l -> l instanceof ConvLayer c && c.stride() == 2 && c.input().height() % 2 == 1,
        "stride 2 on an odd size");
    assertCovered(layers, l -> l instanceof ConvLayer c && c.input().height() == 28 && c.output().height() == 14,
        "28 → 14");
    assertCovered(layers, l -> l instanceof BatchNormLayer bn && !bn.shape().isFlat(), "BatchNorm2d");
    assertCovered(layers, l -> l instanceof BatchNormLayer bn && bn.shape().isFlat(), "BatchNorm1d");
    assertCovered(layers, l -> l instanceof PoolLayer p && p.kind() == Pooling.MAX && p.padding() > 0,
        "max pooling with padding");
    assertCovered(layers, l -> l instanceof PoolLayer p && p.kind() == Pooling.AVERAGE && p.padding() > 0,
        "average pooling with padding");
    assertCovered(layers, l -> l instanceof Architecture.GlobalAvgPoolLayer, "global average pooling");
    assertCovered(layers, l -> l instanceof DenseLayer d && !d.input().isFlat(), "a dense layer on a flattened map");
    assertCovered(layers, l -> l.activation() == dev.shortcut.annotations.Activation.TANH, "tanh");
    assertCovered(layers, l -> l.activation() == dev.shortcut.annotations.Activation.LEAKY_RELU, "leaky ReLU");
    assertCovered(layers, l -> l instanceof ConvLayer c && c.name().equals("layer2.0.conv3") && c.filters() == 8,
        "a bottleneck's expansion");

    assertCovered(blocks, b -> b.shortcut() == ShortcutKind.IDENTITY, "identity");
    assertCovered(blocks, b -> b.shortcut() == ShortcutKind.PROJECTION && b.projection().size() == 2
        && ((ConvLayer) b.projection().get(0)).stride() == 2, "a strided projection with batch normalization");
    assertCovered(blocks, b -> b.shortcut() == ShortcutKind.PROJECTION && b.projection().size() == 1
        && b.projection().get(0) instanceof ConvLayer, "a projection without batch normalization");
    assertCovered(blocks, b -> b.shortcut() == ShortcutKind.ZERO_PAD && normalized.contains(b),
        "option A with batch normalization");
    assertCovered(blocks, b -> b.shortcut() == ShortcutKind.ZERO_PAD && !normalized.contains(b),
        "option A without batch normalization");
    assertCovered(blocks, b -> b.shortcut() == ShortcutKind.ZERO_PAD && b.input().height() == 7,
        "option A on an odd size");
    assertCovered(blocks, b -> b.name().equals("nested.0.inner.1"), "nested blocks");
    assertTrue(network("PlainNormalized", 1).architecture().blocks().stream()
        .allMatch(b -> b.shortcut() == ShortcutKind.NONE));
  }

  private static <T> void assertCovered(List<T> items, Predicate<T> what, String description) {
    assertTrue(items.stream().anyMatch(what), "no " + description + " among " + items);
  }

  // ---- gradients and the interpreter, training mode --------------------------------------------

  @Test
  void normalizedResidual() {
    checkForwardAndGradients(network("ResidualNormalized", 1), NORMALIZED_BATCH);
  }

  @Test
  void normalizedPlain() {
    checkForwardAndGradients(network("PlainNormalized", 1), NORMALIZED_BATCH);
  }

  @Test
  void unnormalizedResidual() {
    checkForwardAndGradients(network("ResidualUnnormalized", 1), 2);
  }

  @Test
  void unnormalizedPlain() {
    checkForwardAndGradients(network("PlainUnnormalized", 1), 2);
  }

  @Test
  void optionAResidual() {
    checkForwardAndGradients(network("ResidualOptionA", 1), 2);
  }

  @Test
  void optionAPlain() {
    checkForwardAndGradients(network("PlainOptionA", 1), 2);
  }

  @Test
  void geometryResidual() {
    checkForwardAndGradients(network("ResidualGeometry", 1), NORMALIZED_BATCH);
  }

  @Test
  void geometryPlain() {
    checkForwardAndGradients(network("PlainGeometry", 1), NORMALIZED_BATCH);
  }

  /**
   * A partial batch of a larger network computes what a network of exactly that many rows does:
   * the rows past {@code batch}, garbage here, enter no statistic, no output and no gradient.
   */
  @Test
  void partialBatchIgnoresTheRowsPastIt() {
    for (String name : List.of("ResidualNormalized", "ResidualOptionA")) {
      DoubleNetwork large = network(name, 2);
      DoubleNetwork exact = compiled.network("conv." + name, 2, 2);
      Architecture a = large.architecture();
      Random r = new Random(9);
      for (int i = 0; i < large.parameters().length; i++) {
        large.parameters()[i] = exact.parameters()[i] = r.nextDouble() - 0.5;
      }
      for (int i = 0; i < large.input().length; i++) {
        large.input()[i] = i < 2 * a.inputs() ? 2 * r.nextDouble() - 1 : 1e3 * r.nextGaussian();
      }
      System.arraycopy(large.input(), 0, exact.input(), 0, 2 * a.inputs());
      for (DoubleNetwork n : List.of(large, exact)) {
        n.forward(2);
        for (int i = 0; i < 2 * a.outputs(); i++) {
          n.outputGradient()[i] = 0.1 * (i + 1);
        }
        n.zeroGradients();
        n.backward(2, true);
      }
      assertOutputs(exact.output(), large.output(), 2 * a.outputs(), 1e-12, name);
      assertOutputs(exact.buffers(), large.buffers(), exact.buffers().length, 1e-12, name + " buffers");
      assertOutputs(exact.gradients(), large.gradients(), exact.gradients().length, 1e-12, name + " gradients");
      assertOutputs(exact.inputGradient(), large.inputGradient(), 2 * a.inputs(), 1e-12, name + " input gradient");
    }
  }

  /**
   * Stages that stride a map down to 1×1 pixel and widen it there, as torchvision's ResNets do on
   * small images (ResNet-18's last stage on 32×32 CIFAR images): a 1×1 map is still an image, so
   * the shortcut that follows 2×2 → 1×1 is a strided 1×1 convolution with batch normalization (or
   * option A), and the one that widens 1×1 → 1×1 is a 1×1 convolution with batch normalization
   * (or option A), never a dense {@code W_s}. Once rejected at compile time as "flattening layers
   * in the block", and given a dense projection without batch normalization at 1×1.
   */
  static String pixel(String reshape) {
    return """
        package conv;
        import dev.shortcut.annotations.*;
        @Network(channels = 2, height = 2, width = 2, outputs = 2, precision = Precision.DOUBLE,
            reshape = Shortcut.%s)
        public class Pixel%s {
          @Conv(filters = 3) Layer conv1;
          @BatchNorm Layer bn1;
          @Stack(repeat = 1, filters = 4, stride = 2) Basic layer1;
          @Stack(repeat = 1, filters = 6) Basic layer2;
          @Stack(repeat = 1, filters = 6) Basic layer3;
          @GlobalAvgPool Layer avgpool;
          @Dense(units = 2, activation = Activation.NONE) Layer fc;
        }
        """.formatted(reshape, reshape.equals("ZERO_PAD") ? "OptionA" : "Projection");
  }

  @Test
  void mapsStridedDownToOnePixelStayImages() {
    Compiled c = Compiled.compile("conv.Basic", BASIC, "conv.PixelProjection", pixel("PROJECTION"),
        "conv.PixelOptionA", pixel("ZERO_PAD"));
    DoubleNetwork projection = c.network("conv.ResidualPixelProjection", 4, 1);
    List<Block> blocks = projection.architecture().blocks();
    assertEquals(dev.shortcut.runtime.Shape.of(4, 1, 1), blocks.get(0).output());
    for (Block b : blocks.subList(0, 2)) {
      assertEquals(ShortcutKind.PROJECTION, b.shortcut(), b.name());
      assertTrue(b.projection().size() == 2 && b.projection().get(0) instanceof ConvLayer
          && b.projection().get(1) instanceof BatchNormLayer, b.name() + ": " + b.projection());
      assertEquals(b.name() + ".shortcut.0.weight", b.projectionName());
    }
    assertEquals(ShortcutKind.IDENTITY, blocks.get(2).shortcut());
    checkForwardAndGradients(projection, NORMALIZED_BATCH);

    DoubleNetwork optionA = c.network("conv.ResidualPixelOptionA", 4, 1);
    assertEquals(List.of(ShortcutKind.ZERO_PAD, ShortcutKind.ZERO_PAD, ShortcutKind.IDENTITY),
        optionA.architecture().blocks().stream().map(Block::shortcut).toList());
    checkForwardAndGradients(optionA, NORMALIZED_BATCH);
  }

  /** A block that does flatten (global pooling after its convolutions) is still refused. */
  @Test
  void aBlockThatFlattensIsStillRefused() {
    JavaFileObject block = ConvDiagnosticsTest.source("Flat", """
        @ResidualBlock
        public class Flat {
          @Conv(kernel = 3, stride = 2) Layer conv1;
          @BatchNorm Layer bn1;
          @GlobalAvgPool Layer pool;
          @Dense(units = 4) Layer fc;
        }
        """);
    JavaFileObject net = ConvDiagnosticsTest.source("Net", """
        @Network(channels = 1, height = 2, width = 2, outputs = 4)
        public class Net {
          @Conv(filters = 4) Layer conv1;
          @Stack(repeat = 1, filters = 4) Flat body;
          @Dense(units = 4, activation = Activation.NONE) Layer head;
        }
        """);
    Expected.assertDiagnostics(ConvDiagnosticsTest.compile(block, net), Expected.error("Flat.java",
        "@ResidualBlock",
        "the projection shortcut of block 'body[0]' cannot follow its main path: input 4×2×2 → conv1 4 → pool 4 → fc"
            + " 4; a shortcut joins two images or two vectors, so keep flattening layers (@Dense, @GlobalAvgPool) out"
            + " of the block"));
  }

  // ---- evaluation mode ------------------------------------------------------------------------

  /**
   * Training-mode passes update the running statistics as PyTorch does (momentum 0.1, unbiased
   * variance, one count per pass); evaluation mode normalizes with them, changes none of them,
   * refuses backward; training mode then uses batch statistics again. The interpreter keeps
   * statistics of its own from PyTorch's initial values, so the network's initial buffers are
   * checked too.
   */
  @Test
  void evaluationModeUsesTheRunningStatistics() {
    for (String name : List.of("ResidualNormalized", "PlainNormalized", "ResidualOptionA", "PlainOptionA")) {
      DoubleNetwork net = network(name, 3);
      Architecture a = net.architecture();
      NaiveConvNetwork naive = new NaiveConvNetwork(a);
      Random r = new Random(11);
      for (int i = 0; i < net.parameters().length; i++) {
        net.parameters()[i] = r.nextDouble() - 0.5;
      }
      assertTrue(net.isTraining(), "a new network trains");
      assertBuffersMatch(net, naive, 0);
      for (int pass = 1; pass <= 3; pass++) {
        randomInput(net, 4, r);
        net.forward(4);
        assertOutputs(naive.forward(net.parameters(), net.input(), 4, true), net.output(), 4 * a.outputs(), 1e-12,
            name + " training pass " + pass);
        assertBuffersMatch(net, naive, pass);
      }

      net.setTraining(false);
      assertTrue(!net.isTraining());
      randomInput(net, 3, r);
      net.forward(3);
      assertOutputs(naive.forward(net.parameters(), net.input(), 3, false), net.output(), 3 * a.outputs(), 1e-12,
          name + " evaluation");
      assertBuffersMatch(net, naive, 3);
      // One sample alone: evaluation mode needs no batch.
      net.forward(1);
      assertOutputs(naive.forward(net.parameters(), net.input(), 1, false), net.output(), a.outputs(), 1e-12,
          name + " evaluation of one sample");
      assertThrows(IllegalStateException.class, () -> net.backward(1, false));

      net.setTraining(true);
      net.forward(3);
      assertOutputs(naive.forward(net.parameters(), net.input(), 3, true), net.output(), 3 * a.outputs(), 1e-12,
          name + " training again");
      assertBuffersMatch(net, naive, 4);
    }
  }

  private static void randomInput(DoubleNetwork net, int batch, Random r) {
    for (int i = 0; i < batch * net.architecture().inputs(); i++) {
      net.input()[i] = 2 * r.nextDouble() - 1;
    }
  }

  /** Every running mean and variance within 1e-12 of the interpreter's, and every count {@code passes}. */
  private static void assertBuffersMatch(DoubleNetwork net, NaiveConvNetwork naive, long passes) {
    List<BatchNormLayer> norms = net.architecture().batchNorms();
    assertTrue(!norms.isEmpty());
    for (BatchNormLayer bn : norms) {
      double[] mean = naive.runningMean(bn.name());
      double[] variance = naive.runningVariance(bn.name());
      for (int c = 0; c < bn.channels(); c++) {
        assertEquals(mean[c], net.buffers()[bn.meanOffset() + c], 1e-12, bn.name() + ".running_mean[" + c + "]");
        assertEquals(variance[c], net.buffers()[bn.varianceOffset() + c], 1e-12 * Math.max(1, variance[c]),
            bn.name() + ".running_var[" + c + "]");
      }
      assertEquals(passes, naive.batchesTracked(bn.name()));
      assertEquals(passes, net.batchCounts()[bn.counter()], bn.name() + ".num_batches_tracked");
    }
  }

  // ---- float twins ------------------------------------------------------------------------------

  /**
   * The float networks of the same declarations, given the same parameters and inputs (rounded to
   * float, so both compute on the same values), agree with the double ones within 1e-5 relative:
   * outputs in training mode, running statistics, outputs in evaluation mode; and their gradients
   * within 1e-4, so the float kernels that training runs are checked through the double ones the
   * finite differences check.
   */
  @Test
  void floatTwinsAgreeWithDouble() {
    for (String name : NETWORKS) {
      String floatName = name.replace("Residual", "ResidualF").replace("Plain", "PlainF");
      DoubleNetwork d = network(name, 4);
      FloatNetwork f = compiled.network("conv." + floatName, 4, 4);
      Architecture a = d.architecture();
      assertEquals(a.parameters(), f.architecture().parameters());
      Random r = new Random(13);
      for (int i = 0; i < d.parameters().length; i++) {
        f.parameters()[i] = (float) (r.nextDouble() - 0.5);
        d.parameters()[i] = f.parameters()[i];
      }
      for (int pass = 0; pass < 3; pass++) {
        for (int i = 0; i < 4 * a.inputs(); i++) {
          f.input()[i] = (float) (2 * r.nextDouble() - 1);
          d.input()[i] = f.input()[i];
        }
        d.forward(4);
        f.forward(4);
        assertAgree(d.output(), f.output(), 4 * a.outputs(), name + " training pass " + pass);
      }
      double[] outputGradient = new double[4 * a.outputs()];
      for (int i = 0; i < outputGradient.length; i++) {
        f.outputGradient()[i] = (float) (r.nextDouble() - 0.5);
        d.outputGradient()[i] = f.outputGradient()[i];
      }
      d.zeroGradients();
      f.zeroGradients();
      d.backward(4, true);
      f.backward(4, true);
      double largest = largest(d.gradients(), 0, d.gradients().length);
      for (var t : a.parameters().all()) {
        assertGradientsAgree(d.gradients(), f.gradients(), t.offset(), t.size(), largest, name + " " + t.name());
      }
      assertGradientsAgree(d.inputGradient(), f.inputGradient(), 0, 4 * a.inputs(), 0, name + " input");
      assertAgree(d.buffers(), f.buffers(), d.buffers().length, name + " running statistics");
      d.setTraining(false);
      f.setTraining(false);
      d.forward(4);
      f.forward(4);
      assertAgree(d.output(), f.output(), 4 * a.outputs(), name + " evaluation");
    }
  }

  /**
   * A tensor's float gradient within 1e-4 of the double one, relative to the tensor's largest
   * value, or to a tenth of the network's largest gradient where the tensor's are all smaller:
   * the bias of a layer that batch normalization follows has a gradient of exactly 0, a sum of
   * terms that cancel, which float rounding leaves near 1e-7. A wrong kernel is off by the
   * gradient's whole size.
   */
  private static void assertGradientsAgree(double[] expected, float[] actual, int from, int count,
      double networkLargest, String what) {
    double tolerance = 1e-4 * Math.max(largest(expected, from, count), 0.1 * networkLargest);
    for (int i = from; i < from + count; i++) {
      assertEquals(expected[i], actual[i], tolerance, what + " [" + (i - from) + "]");
    }
  }

  private static double largest(double[] values, int from, int count) {
    double largest = 0;
    for (int i = from; i < from + count; i++) {
      largest = Math.max(largest, Math.abs(values[i]));
    }
    return largest;
  }

  private static void assertAgree(double[] expected, float[] actual, int count, String what) {
    for (int i = 0; i < count; i++) {
      assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, Math.abs(expected[i])), what + " [" + i + "]");
    }
  }

  /**
   * The float network on two threads, wide enough for its kernels' vector loops and their split
   * over threads, against the double network (itself against the interpreter) and against the
   * float network on one thread: outputs, gradients, running statistics, evaluation.
   */
  @Test
  void wideFloatNetworkOnThreadsAgreesWithDouble() throws ReflectiveOperationException {
    int batch = 64;
    DoubleNetwork d = compiled.network("conv.ResidualWide", batch, 6);
    Class<?> floatClass = compiled.loadClass("conv.ResidualFWide");
    FloatNetwork threaded = (FloatNetwork) floatClass.getConstructor(int.class, long.class, Kernels.class)
        .newInstance(batch, 6L, Kernels.withThreads(2));
    FloatNetwork single = compiled.network("conv.ResidualFWide", batch, 6);
    Architecture a = d.architecture();
    assertTrue(a.blocks().stream().map(Block::shortcut).toList()
        .containsAll(List.of(ShortcutKind.IDENTITY, ShortcutKind.ZERO_PAD, ShortcutKind.PROJECTION)));
    Random r = new Random(19);
    for (int i = 0; i < d.parameters().length; i++) {
      threaded.parameters()[i] = single.parameters()[i] = (float) (r.nextDouble() - 0.5);
      d.parameters()[i] = threaded.parameters()[i];
    }
    for (int i = 0; i < batch * a.inputs(); i++) {
      threaded.input()[i] = single.input()[i] = (float) (2 * r.nextDouble() - 1);
      d.input()[i] = threaded.input()[i];
    }
    for (int i = 0; i < batch * a.outputs(); i++) {
      threaded.outputGradient()[i] = single.outputGradient()[i] = (float) (r.nextDouble() - 0.5);
      d.outputGradient()[i] = threaded.outputGradient()[i];
    }
    d.forward(batch);
    assertOutputs(new NaiveConvNetwork(a).forward(d.parameters(), d.input(), batch, true), d.output(),
        batch * a.outputs(), 1e-12, "Wide");
    double largest = 0;
    d.zeroGradients();
    d.backward(batch, true);
    largest = largest(d.gradients(), 0, d.gradients().length);
    for (FloatNetwork f : List.of(threaded, single)) {
      String name = f == threaded ? "Wide on 2 threads" : "Wide on 1 thread";
      f.forward(batch);
      assertAgree(d.output(), f.output(), batch * a.outputs(), name);
      f.zeroGradients();
      f.backward(batch, true);
      for (var t : a.parameters().all()) {
        assertGradientsAgree(d.gradients(), f.gradients(), t.offset(), t.size(), largest, name + " " + t.name());
      }
      assertGradientsAgree(d.inputGradient(), f.inputGradient(), 0, batch * a.inputs(), 0, name + " input");
      assertAgree(d.buffers(), f.buffers(), d.buffers().length, name + " running statistics");
      f.setTraining(false);
    }
    d.setTraining(false);
    d.forward(batch);
    for (FloatNetwork f : List.of(threaded, single)) {
      f.forward(batch);
      assertAgree(d.output(), f.output(), batch * a.outputs(), "Wide in evaluation mode");
    }
  }

  // ---- diagnostics ------------------------------------------------------------------------------

  /**
   * One poisoned parameter (the first element of a weight, of γ, of a projection's weight or γ):
   * {@code firstNonFiniteLayer} names the layer it belongs to, or for a projection's, the layer its
   * block's shortcut joins; -1 before the poison. And the output is not finite either: no ReLU,
   * pooling or normalization downstream hides the NaN from training. In float, as training runs,
   * and in double.
   */
  @Test
  void firstNonFiniteLayerNamesThePoisonedLayer() {
    for (String name : List.of("ResidualFNormalized", "ResidualNormalized", "ResidualFOptionA",
        "ResidualFUnnormalized", "ResidualFGeometry", "ResidualGeometry")) {
      Network net = compiled.network("conv." + name, 4, 5);
      Architecture a = net.architecture();
      List<int[]> cases = new ArrayList<>(); // {parameter offset, layer expected}
      for (int li = 0; li < a.layers().size(); li++) {
        int offset = weightOffset(a.layers().get(li));
        if (offset >= 0) {
          cases.add(new int[] {offset, li});
        }
      }
      for (Block b : a.blocks()) {
        for (Layer p : b.projection()) {
          cases.add(new int[] {weightOffset(p), b.lastLayer()});
        }
      }
      assertTrue(cases.size() >= 6, name + ": " + cases.size());
      for (int[] c : cases) {
        Random r = new Random(17);
        double[] values = new double[a.parameterCount()];
        for (int i = 0; i < values.length; i++) {
          values[i] = r.nextDouble() - 0.5;
        }
        setParameters(net, values);
        setInput(net, r);
        net.forward(4);
        assertEquals(-1, net.firstNonFiniteLayer(4), name + ": nothing poisoned yet");
        values[c[0]] = Double.NaN;
        setParameters(net, values);
        net.forward(4);
        assertEquals(c[1], net.firstNonFiniteLayer(4), () -> name + ": " + owner(a, c[0]) + " is NaN, "
            + a.layers().get(c[1]).name() + " is the first layer whose output is not finite");
        // No ReLU, pool or normalization on the way swallows it: training sees it in the output.
        assertTrue(!allFinite(net, 4 * a.outputs()), () -> name + ": " + owner(a, c[0]) + " is NaN, the output finite");
      }
    }
  }

  private static boolean allFinite(Network net, int count) {
    for (int i = 0; i < count; i++) {
      double v = net instanceof DoubleNetwork d ? d.output()[i] : ((FloatNetwork) net).output()[i];
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /** Offset of a layer's weight (γ for batch normalization), or -1 for none. */
  private static int weightOffset(Layer l) {
    if (l instanceof DenseLayer d) {
      return d.weightOffset();
    } else if (l instanceof ConvLayer c) {
      return c.weightOffset();
    } else if (l instanceof BatchNormLayer bn) {
      return bn.weightOffset();
    }
    return -1;
  }

  private static void setParameters(Network net, double[] values) {
    if (net instanceof DoubleNetwork d) {
      System.arraycopy(values, 0, d.parameters(), 0, values.length);
    } else {
      float[] p = ((FloatNetwork) net).parameters();
      for (int i = 0; i < values.length; i++) {
        p[i] = (float) values[i];
      }
    }
  }

  private static void setInput(Network net, Random r) {
    if (net instanceof DoubleNetwork d) {
      for (int i = 0; i < d.input().length; i++) {
        d.input()[i] = 2 * r.nextDouble() - 1;
      }
    } else {
      float[] in = ((FloatNetwork) net).input();
      for (int i = 0; i < in.length; i++) {
        in[i] = (float) (2 * r.nextDouble() - 1);
      }
    }
  }

  /**
   * Randomizes the parameters and {@code batch} input rows, compares the forward pass with the
   * interpreter within 1e-12, then every parameter's and every input value's gradient with central
   * differences in double precision.
   */
  static void checkForwardAndGradients(DoubleNetwork net, int batch) {
    Random random = new Random(42);
    double[] p = net.parameters();
    for (int i = 0; i < p.length; i++) {
      p[i] = random.nextDouble() - 0.5;
    }
    Architecture a = net.architecture();
    int in = a.inputs();
    int out = a.outputs();
    for (int i = 0; i < batch * in; i++) {
      net.input()[i] = 2 * random.nextDouble() - 1;
    }
    double[] weights = new double[batch * out];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = random.nextDouble() - 0.5;
    }

    net.forward(batch);
    double[] expected = new NaiveConvNetwork(a).forward(p, net.input(), batch, true);
    assertOutputs(expected, net.output(), batch * out, 1e-12, a.name());

    net.zeroGradients();
    System.arraycopy(weights, 0, net.outputGradient(), 0, weights.length);
    net.backward(batch, true);
    double[] grad = net.gradients().clone();
    double[] inputGrad = Arrays.copyOf(net.inputGradient(), batch * in);

    for (int i = 0; i < p.length; i++) {
      assertGradient(net, p, i, batch, weights, grad[i], a.name() + " parameter " + i + " " + owner(a, i));
    }
    for (int i = 0; i < batch * in; i++) {
      assertGradient(net, net.input(), i, batch, weights, inputGrad[i], a.name() + " input " + i);
    }
  }

  /**
   * Compares one analytic derivative with a numerical one within {@link GradientCheckTest}'s
   * relative 1e-6 (gradients under 1e-4 weighed as 1e-4). The central difference of step {@link
   * #STEP} settles most; it cannot settle all, for either usual step: batch normalization over a
   * few values is sharply curved, so with a step of 1e-5 the h² truncation error alone can exceed
   * 1e-6, and the outputs carry a rounding error near 1e-15, which a step of 1e-6 turns into 1e-9,
   * a 1e-5 relative error of the smallest gradients weighed. Where the central difference
   * disagrees, the five-point stencil (error in h⁴), from the same step and twice it, decides.
   *
   * <p>Only where those steps cross a kink (a ReLU's input changes sign, a max pool's maximum
   * moves), which the interpreter sees, is the step shortened, down to 1e-8; the rounding error
   * then grows as the step shrinks, and so does the floor under which gradients are weighed.
   */
  private static void assertGradient(DoubleNetwork net, double[] array, int i, int batch, double[] w,
      double analytic, String what) {
    double h = STEP;
    if (isClose(centralDifference(net, array, i, batch, w, h), analytic, 1e-4)) {
      return;
    }
    double numeric = fivePoint(net, array, i, batch, w, h);
    while (!isClose(numeric, analytic, 1e-4 * STEP / h) && h > 1e-8 && crossesKink(net, array, i, batch, 2 * h)) {
      h /= 10;
      numeric = fivePoint(net, array, i, batch, w, h);
    }
    double floor = 1e-4 * STEP / h;
    double found = numeric;
    double step = h;
    assertTrue(isClose(numeric, analytic, floor),
        () -> what + ": numeric " + found + " analytic " + analytic + " (step " + step + ")");
  }

  /** Whether the interpreter's pattern of kinks differs at {@code array[i] ± h}. */
  private static boolean crossesKink(DoubleNetwork net, double[] array, int i, int batch, double h) {
    Architecture a = net.architecture();
    double saved = array[i];
    String at = NaiveConvNetwork.kinks(a, net.parameters(), net.input(), batch);
    array[i] = saved + h;
    String plus = NaiveConvNetwork.kinks(a, net.parameters(), net.input(), batch);
    array[i] = saved - h;
    String minus = NaiveConvNetwork.kinks(a, net.parameters(), net.input(), batch);
    array[i] = saved;
    return !at.equals(plus) || !at.equals(minus);
  }

  /** Relative error at most 1e-6, gradients under {@code floor} weighed as {@code floor}. */
  private static boolean isClose(double numeric, double analytic, double floor) {
    double scale = Math.max(Math.max(Math.abs(numeric), Math.abs(analytic)), floor);
    return Math.abs(numeric - analytic) / scale <= 1e-6;
  }

  static void assertOutputs(double[] expected, double[] actual, int count, double tolerance, String what) {
    for (int i = 0; i < count; i++) {
      assertEquals(expected[i], actual[i], tolerance * Math.max(1, Math.abs(expected[i])), what + " output " + i);
    }
  }

  static String owner(Architecture a, int index) {
    for (var t : a.parameters().all()) {
      if (index >= t.offset() && index < t.offset() + t.size()) {
        return t.name() + t.position(index - t.offset());
      }
    }
    return "?";
  }

  /** {@code (f(h) − f(−h)) / 2h}, error O(h²). */
  private static double centralDifference(DoubleNetwork net, double[] array, int i, int batch, double[] w,
      double h) {
    double saved = array[i];
    array[i] = saved + h;
    double plus = loss(net, batch, w);
    array[i] = saved - h;
    double minus = loss(net, batch, w);
    array[i] = saved;
    return (plus - minus) / (2 * h);
  }

  /** The five-point stencil, {@code (4 D(h) − D(2h)) / 3} of central differences D: error O(h⁴). */
  private static double fivePoint(DoubleNetwork net, double[] array, int i, int batch, double[] w, double h) {
    return (4 * centralDifference(net, array, i, batch, w, h) - centralDifference(net, array, i, batch, w, 2 * h))
        / 3;
  }

  private static double loss(DoubleNetwork net, int batch, double[] w) {
    net.forward(batch);
    double sum = 0;
    for (int i = 0; i < w.length; i++) {
      sum += w[i] * net.output()[i];
    }
    return sum;
  }
}
