package dev.shortcut.processor.model;

import static dev.shortcut.processor.model.Decls.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Bias;
import dev.shortcut.annotations.Conv;
import dev.shortcut.annotations.Init;
import dev.shortcut.annotations.Loss;
import dev.shortcut.annotations.Precision;
import dev.shortcut.annotations.Shortcut;
import dev.shortcut.annotations.Variant;
import dev.shortcut.processor.diagnostics.Diagnostics;
import dev.shortcut.processor.diagnostics.Message;
import dev.shortcut.processor.diagnostics.Origin;
import dev.shortcut.processor.model.Declarations.BlockDecl;
import dev.shortcut.processor.model.Declarations.ConvDecl;
import dev.shortcut.processor.model.Declarations.DenseDecl;
import dev.shortcut.processor.model.Declarations.GlobalPoolDecl;
import dev.shortcut.processor.model.Declarations.Member;
import dev.shortcut.processor.model.Declarations.NetworkDecl;
import dev.shortcut.processor.model.Declarations.NormDecl;
import dev.shortcut.processor.model.Declarations.StackDecl;
import dev.shortcut.processor.model.GradientPlan.Write;
import dev.shortcut.processor.model.NetworkModel.Block;
import dev.shortcut.processor.model.NetworkModel.Layer;
import dev.shortcut.processor.model.NetworkModel.ShortcutKind;
import dev.shortcut.processor.validation.ModelChecks;
import dev.shortcut.processor.validation.Validator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The model, its gradient plan and the validation, built in plain Java: no compiler involved. */
class ModelBuilderTest {
  @Test
  void depthFamilyAndPlainTwins() {
    List<NetworkModel> models = ModelBuilder.build(
        lecture(denseBlock(Shortcut.AUTO, 64, 64), List.of(2, 4, 54), List.of(Variant.RESIDUAL, Variant.PLAIN), 10));
    assertEquals(List.of("ResidualLecture6", "ResidualLecture10", "ResidualLecture110", "PlainLecture6",
        "PlainLecture10", "PlainLecture110"), models.stream().map(NetworkModel::className).toList());
    NetworkModel residual = models.get(0);
    assertEquals(ShortcutKind.IDENTITY, residual.blocks().get(0).shortcut());
    List<Layer> layers = residual.layers();
    assertEquals(Init.ZERO, ((NetworkModel.Dense) layers.get(2)).init(), "the block's last layer starts at zero");
    assertEquals(Init.HE_NORMAL, ((NetworkModel.Dense) layers.get(1)).init());
    assertEquals(Init.XAVIER_NORMAL, ((NetworkModel.Dense) layers.get(5)).init(), "the head has no ReLU");
    NetworkModel plain = models.get(3);
    assertEquals(ShortcutKind.NONE, plain.blocks().get(0).shortcut());
    assertEquals(Init.HE_NORMAL, ((NetworkModel.Dense) plain.layers().get(2)).init(), "no zero layer in a plain twin");
    assertEquals("body.1.fc2", layers.get(4).path());
    assertEquals(64 * 784 + 64 + 4 * (64 * 64 + 64) + 10 * 64 + 10, residual.parameterCount());
  }

  @Test
  void autoResolvesToProjectionWhenTheWidthChanges() {
    NetworkModel m = ModelBuilder.build(lecture(denseBlock(Shortcut.AUTO, 128, 32), List.of(1),
        List.of(Variant.RESIDUAL), 10)).get(0);
    Block b = m.blocks().get(0);
    assertEquals(ShortcutKind.PROJECTION, b.shortcut());
    assertEquals(Shape.flat(64), b.input());
    assertEquals(Shape.flat(32), b.output());
    assertEquals(1, b.projection().size());
    assertEquals("body.0.shortcut", b.projection().get(0).path());
  }

  @Test
  void thePapersFamilyUnrollsInLockstepWithStageStridesAndOptionA() {
    List<NetworkModel> models = ModelBuilder.build(cifar(List.of(3, 5, 7, 9, 18), Shortcut.ZERO_PAD));
    assertEquals(List.of("ResidualCifar20", "ResidualCifar32", "ResidualCifar44", "ResidualCifar56",
        "ResidualCifar110", "PlainCifar20", "PlainCifar32", "PlainCifar44", "PlainCifar56", "PlainCifar110"),
        models.stream().map(NetworkModel::className).toList());
    NetworkModel r20 = models.get(0);
    assertEquals(20, r20.layerCount());
    Block first2 = r20.blocks().get(3);
    assertEquals("layer2.0", first2.path());
    assertEquals(Shape.of(16, 32, 32), first2.input());
    assertEquals(Shape.of(32, 16, 16), first2.output());
    assertEquals(2, first2.stride());
    assertEquals(ShortcutKind.ZERO_PAD, first2.shortcut());
    assertEquals(ShortcutKind.IDENTITY, r20.blocks().get(4).shortcut(), "the stride is the first block's only");
    assertEquals(Shape.flat(10), r20.output());
    // The paper's 0.27 M for ResNet-20: 3·3·3·16 + 32 (stem and its BN); stage 1: 3·(2·3·3·16·16 + 64);
    // stage 2: 3·3·16·32 + 3·3·32·32 + 128 + 2·(2·3·3·32·32 + 128); stage 3 likewise at 64; 64·10 + 10.
    long stage1 = 3 * (2 * 9 * 16 * 16 + 64);
    long stage2 = 9 * 16 * 32 + 9 * 32 * 32 + 128 + 2 * (2 * 9 * 32 * 32 + 128);
    long stage3 = 9 * 32 * 64 + 9 * 64 * 64 + 256 + 2 * (2 * 9 * 64 * 64 + 256);
    assertEquals(9 * 3 * 16 + 32 + stage1 + stage2 + stage3 + 650, r20.parameterCount());
    assertEquals(269_722, r20.parameterCount());
    assertEquals(19, r20.counterCount(), "one num_batches_tracked per batch normalization");
    NetworkModel.Norm bn2 = (NetworkModel.Norm) first2.children().get(3);
    assertTrue(bn2.joinsShortcut() && bn2.zeroGamma(), "the shortcut joins after the last BN, whose γ starts at 0");
    NetworkModel.Conv conv1 = (NetworkModel.Conv) first2.children().get(0);
    assertEquals(-1, conv1.bias(), "no bias where batch normalization follows");
    assertEquals(Activation.NONE, conv1.activation(), "the ReLU comes after the normalization");
    assertEquals(Activation.RELU, ((NetworkModel.Norm) first2.children().get(1)).activation());
  }

  @Test
  void optionBProjectsWithAConvolutionAndItsNormalization() {
    NetworkModel m = ModelBuilder.build(cifar(List.of(3), Shortcut.PROJECTION)).get(0);
    Block b = m.blocks().get(3);
    assertEquals(ShortcutKind.PROJECTION, b.shortcut());
    assertEquals(List.of("layer2.0.shortcut.0", "layer2.0.shortcut.1"),
        b.projection().stream().map(Layer::path).toList());
    NetworkModel.Conv p = (NetworkModel.Conv) b.projection().get(0);
    assertEquals(1, p.kernel());
    assertEquals(2, p.stride());
    assertEquals(b.output(), b.projection().get(1).output());
    assertEquals(20, m.layerCount(), "projections are not counted in the depth");
  }

  @Test
  void theGradientPlanOverwritesFirstAndAccumulatesAfter() {
    NetworkModel m = ModelBuilder.build(cifar(List.of(3), Shortcut.ZERO_PAD)).get(0);
    GradientPlan plan = m.gradients();
    for (Block b : m.blocks()) {
      Layer first = (Layer) b.children().get(0);
      // The shortcut reaches a[l] first (the last layer's backward runs before the first's).
      assertEquals(Write.OVERWRITE, plan.shortcutWrite(b), b.path());
      assertEquals(Write.ACCUMULATE, plan.inputWrite(first), b.path());
      for (int i = 1; i < b.children().size(); i++) {
        assertEquals(Write.OVERWRITE, plan.inputWrite((Layer) b.children().get(i)), b.children().get(i).path());
      }
    }
    NetworkModel plain = ModelBuilder.build(cifar(List.of(3), Shortcut.ZERO_PAD)).get(1);
    for (Layer l : plain.layers()) {
      assertEquals(Write.OVERWRITE, plain.gradients().inputWrite(l), "a chain writes each gradient once: " + l.path());
    }
  }

  @Test
  void aProjectionWritesTheBlockInputBeforeTheMainPathAccumulates() {
    NetworkModel m = ModelBuilder.build(cifar(List.of(3), Shortcut.PROJECTION)).get(0);
    Block b = m.blocks().get(3);
    GradientPlan plan = m.gradients();
    assertEquals(Write.OVERWRITE, plan.inputWrite(b.projection().get(1)), "the projection's BN writes its conv's");
    assertEquals(Write.OVERWRITE, plan.inputWrite(b.projection().get(0)), "the projection reaches a[l] first");
    assertEquals(Write.ACCUMULATE, plan.inputWrite((Layer) b.children().get(0)));
  }

  @Test
  void aOneLayerBlockOverwritesThroughTheLayerThenAccumulatesTheShortcut() {
    BlockDecl one = denseBlock(Shortcut.IDENTITY, 64);
    NetworkModel m = ModelBuilder.build(lecture(one, List.of(2), List.of(Variant.RESIDUAL), 10)).get(0);
    Block b = m.blocks().get(0);
    assertEquals(Write.OVERWRITE, m.gradients().inputWrite((Layer) b.children().get(0)));
    assertEquals(Write.ACCUMULATE, m.gradients().shortcutWrite(b));
  }

  @Test
  void gradientBuffersAreReusedSoADeepChainKeepsAFew() {
    NetworkModel deep = ModelBuilder.build(lecture(denseBlock(Shortcut.AUTO, 64, 64), List.of(500),
        List.of(Variant.RESIDUAL), 10)).get(0);
    GradientPlan plan = deep.gradients();
    assertTrue(plan.buffers() <= 4, "a chain of blocks needs the block input's, the layer's and its input's: "
        + plan.buffers());
    // No two slots whose gradients are alive at once share a buffer: along the chain, a block's
    // input gradient and its layers' gradients are all distinct while the block runs backward.
    for (Block b : deep.blocks()) {
      Set<Integer> buffers = new HashSet<>();
      buffers.add(plan.buffer(b.inputSlot()));
      for (var child : b.children()) {
        buffers.add(plan.buffer(child.outputSlot()));
      }
      assertEquals(b.children().size() + 1, buffers.size(), b.path());
    }
    NetworkModel cifar = ModelBuilder.build(cifar(List.of(18), Shortcut.ZERO_PAD)).get(0);
    assertTrue(cifar.gradients().width() < cifar.activationWidth() / 10,
        "gradients " + cifar.gradients().width() + " vs activations " + cifar.activationWidth());
  }

  @Test
  void validationFindsShapeErrorsWithoutJavac() {
    NetworkDecl bad = lecture(denseBlock(Shortcut.IDENTITY, 128, 32), List.of(3), List.of(Variant.RESIDUAL), 12);
    Diagnostics d = new Diagnostics();
    Validator.checkDeclaration(bad, d);
    ModelChecks.check(ModelBuilder.build(bad), bad, d);
    List<Message> messages = d.all().stream().map(Diagnostics.Diagnostic::message).toList();
    assertEquals(List.of(Message.IDENTITY_WIDTH, Message.OUTPUT_WIDTH), messages);
    assertTrue(d.all().get(0).text().contains("'body[0]' needs equal widths: input 64 → fc1 128 → fc2 32"),
        d.all().get(0).text());
  }

  @Test
  void anIdentityAcrossAChangeOfShapeShowsTheImageTrace() {
    NetworkDecl bad = cifar(List.of(3), Shortcut.PROJECTION);
    BlockDecl identity = block(Shortcut.IDENTITY, ((StackDecl) bad.members().get(2)).block().members());
    List<Member> members = new ArrayList<>(bad.members());
    members.set(3, stack("layer2", identity, List.of(3), 32, 2));
    NetworkDecl net = network("Cifar", 0, new int[] {3, 32, 32}, 10, List.of(Variant.RESIDUAL),
        Shortcut.PROJECTION, members);
    Diagnostics d = new Diagnostics();
    ModelChecks.check(ModelBuilder.build(net), net, d);
    assertEquals(List.of(Message.IDENTITY_SHAPE), d.all().stream().map(Diagnostics.Diagnostic::message).toList());
    assertEquals("identity shortcut of block 'layer2[0]' needs equal shapes: input 16×32×32 → conv1 32×16×16"
        + " → conv2 32×16×16; use shortcut = PROJECTION or ZERO_PAD", d.all().get(0).text());
  }

  @Test
  void sizesAreExactPastTheRangeOfInt() {
    NetworkDecl wide = network("Wide", 70_000, new int[3], 2, List.of(Variant.RESIDUAL), Shortcut.PROJECTION,
        List.of(dense("wide", 70_000, Activation.RELU), dense("head", 2, Activation.NONE)));
    NetworkModel m = ModelBuilder.build(wide).get(0);
    NetworkModel.Dense first = (NetworkModel.Dense) m.layers().get(0);
    assertEquals(4_900_000_000L, first.weightCount());
    assertEquals(70_000L * 70_000 + 70_000 + 2 * 70_000 + 2, m.parameterCount());
    assertEquals(4_900_070_000L, ((NetworkModel.Dense) m.layers().get(1)).weight());
  }

  @Test
  void layerCountsAreMeasuredWithoutUnrollingAndSaturateInsteadOfWrapping() {
    BlockDecl inner = denseBlock(Shortcut.AUTO, 8, 8);
    BlockDecl outer = block(Shortcut.AUTO,
        List.of(stack("inner", inner, List.of(2_000_000_000), 0, 1), dense("out", 8, Activation.RELU)));
    NetworkDecl huge = network("Huge", 8, new int[3], 10, List.of(Variant.RESIDUAL, Variant.PLAIN),
        Shortcut.PROJECTION,
        List.of(stack("body", outer, List.of(2_000_000_000), 0, 1), dense("head", 10, Activation.NONE)));
    assertEquals(Long.MAX_VALUE, ModelBuilder.totalLayerCount(huge));
    NetworkDecl family = lecture(denseBlock(Shortcut.AUTO, 64, 64), List.of(2, 4, 54),
        List.of(Variant.RESIDUAL, Variant.PLAIN), 10);
    assertEquals(2 * ((2 + 2 * 2) + (2 + 2 * 4) + (2 + 2 * 54)), ModelBuilder.totalLayerCount(family));
  }

  @Test
  void traces() {
    assertEquals("body[3].inner[0].fc1", Traces.display("body.3.inner.0.fc1"));
    NetworkModel r20 = ModelBuilder.build(cifar(List.of(3), Shortcut.ZERO_PAD)).get(0);
    assertEquals("input 3×32×32 → conv1 16×32×32 → layer1[0..2] 16×32×32 → layer2[0..2] 32×16×16"
        + " → layer3[0..2] 64×8×8 → avgpool 64 → fc 10", Traces.network(r20));
    assertNotEquals(Traces.network(r20), Traces.network(ModelBuilder.build(cifar(List.of(5), Shortcut.ZERO_PAD)).get(0)));
  }
}
