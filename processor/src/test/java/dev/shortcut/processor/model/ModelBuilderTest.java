package dev.shortcut.processor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.processor.model.Declarations.BlockDecl;
import dev.shortcut.processor.model.Declarations.DenseDecl;
import dev.shortcut.processor.model.Declarations.NetworkDecl;
import dev.shortcut.processor.model.Declarations.StackDecl;
import dev.shortcut.processor.validation.Diagnostics;
import dev.shortcut.processor.validation.Message;
import dev.shortcut.processor.validation.Validator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The model and the validation, built in plain Java: no compiler involved. */
class ModelBuilderTest {
  private static final Origin O = Origin.NOWHERE;

  private static DenseDecl dense(String name, int units, String activation) {
    return new DenseDecl(name, units, activation, "AUTO", O, O, O);
  }

  private static BlockDecl block(String shortcut, int... widths) {
    List<Declarations.Member> layers = new java.util.ArrayList<>();
    for (int i = 0; i < widths.length; i++) {
      layers.add(dense("fc" + (i + 1), widths[i], "RELU"));
    }
    return new BlockDecl("m.B", "B", shortcut, true, layers, true, O, O);
  }

  private static NetworkDecl network(BlockDecl block, List<Integer> repeats, List<String> variants, int outputs) {
    return new NetworkDecl("m", "Lecture", "Lecture", 784, outputs, "SOFTMAX_CROSS_ENTROPY", "FLOAT", variants,
        List.of(dense("stem", 64, "RELU"), new StackDecl("body", block, repeats, O, O), dense("head", 10, "NONE")),
        true, O, O, O, O, O, O);
  }

  @Test
  void depthFamilyAndPlainTwins() {
    List<NetworkModel> models = ModelBuilder.build(
        network(block("AUTO", 64, 64), List.of(2, 4, 54), List.of("RESIDUAL", "PLAIN"), 10));
    assertEquals(List.of("ResidualLecture6", "ResidualLecture10", "ResidualLecture110", "PlainLecture6",
        "PlainLecture10", "PlainLecture110"), models.stream().map(NetworkModel::className).toList());
    NetworkModel residual = models.get(0);
    assertEquals("IDENTITY", residual.blocks().get(0).shortcut());
    assertEquals("ZERO", residual.layers().get(2).init(), "the block's last layer starts at zero");
    assertEquals("HE_NORMAL", residual.layers().get(1).init());
    assertEquals("XAVIER_NORMAL", residual.layers().get(5).init(), "the head has no ReLU");
    NetworkModel plain = models.get(3);
    assertEquals("NONE", plain.blocks().get(0).shortcut());
    assertEquals("HE_NORMAL", plain.layers().get(2).init(), "no zero layer in a plain twin");
    assertEquals("body.1.fc2", residual.layers().get(4).path());
    assertEquals(64 * 784 + 64 + 4 * (64 * 64 + 64) + 10 * 64 + 10, residual.parameterCount());
  }

  @Test
  void autoResolvesToProjectionWhenTheWidthChanges() {
    NetworkModel m = ModelBuilder.build(network(block("AUTO", 128, 32), List.of(1), List.of("RESIDUAL"), 10)).get(0);
    NetworkModel.BlockNode b = m.blocks().get(0);
    assertEquals("PROJECTION", b.shortcut());
    assertEquals(64, b.inputs());
    assertEquals(32, b.outputs());
    assertTrue(b.projectionOffset() >= 0 && b.projectionSlot() > 0);
  }

  @Test
  void validationFindsShapeErrorsWithoutJavac() {
    NetworkDecl bad = network(block("IDENTITY", 128, 32), List.of(3), List.of("RESIDUAL"), 12);
    Diagnostics d = new Diagnostics();
    Validator.checkDeclaration(bad, d);
    Validator.checkModels(ModelBuilder.build(bad), bad, d);
    List<Message> messages = d.all().stream().map(Diagnostics.Diagnostic::message).toList();
    assertEquals(List.of(Message.IDENTITY_WIDTH, Message.OUTPUT_WIDTH), messages);
    assertTrue(d.all().get(0).text().contains("'body[0]' needs equal widths: input 64 → fc1 128 → fc2 32"),
        d.all().get(0).text());
  }

  @Test
  void sizesAreExactPastTheRangeOfInt() {
    NetworkDecl wide = new NetworkDecl("m", "Wide", "Wide", 70_000, 2, "SOFTMAX_CROSS_ENTROPY", "FLOAT",
        List.of("RESIDUAL"), List.of(dense("wide", 70_000, "RELU"), dense("head", 2, "NONE")), true, O, O, O, O, O, O);
    NetworkModel m = ModelBuilder.build(wide).get(0);
    assertEquals(4_900_000_000L, m.layers().get(0).weightCount());
    assertEquals(70_000L * 70_000 + 70_000 + 2 * 70_000 + 2, m.parameterCount());
    assertEquals(4_900_070_000L, m.layers().get(1).weightOffset());
  }

  @Test
  void layerCountsAreMeasuredWithoutUnrollingAndSaturateInsteadOfWrapping() {
    BlockDecl inner = block("AUTO", 8, 8);
    BlockDecl outer = new BlockDecl("m.O", "O", "AUTO", true,
        List.of(new StackDecl("inner", inner, List.of(2_000_000_000), O, O), dense("out", 8, "RELU")), true, O, O);
    NetworkDecl huge = new NetworkDecl("m", "Huge", "Huge", 8, 10, "SOFTMAX_CROSS_ENTROPY", "FLOAT",
        List.of("RESIDUAL", "PLAIN"),
        List.of(new StackDecl("body", outer, List.of(2_000_000_000), O, O), dense("head", 10, "NONE")),
        true, O, O, O, O, O, O);
    assertEquals(Long.MAX_VALUE, ModelBuilder.totalLayerCount(huge));
    NetworkDecl family = network(block("AUTO", 64, 64), List.of(2, 4, 54), List.of("RESIDUAL", "PLAIN"), 10);
    assertEquals(2 * ((2 + 2 * 2) + (2 + 2 * 4) + (2 + 2 * 54)), ModelBuilder.totalLayerCount(family));
  }

  @Test
  void displayPaths() {
    assertEquals("body[3].inner[0].fc1", Validator.displayPath("body.3.inner.0.fc1"));
  }
}
