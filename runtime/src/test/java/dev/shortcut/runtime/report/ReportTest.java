package dev.shortcut.runtime.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Init;
import dev.shortcut.annotations.Loss;
import dev.shortcut.annotations.Precision;
import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.ShortcutKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What users read: the summary table and the progress bar. */
class ReportTest {

  /** stem 8 → 16, a projection block to 32 of leaky ReLU layers with long names, head. */
  private static Architecture projected() {
    int stemW = 0;
    int stemB = stemW + 16 * 8;
    int projection = stemB + 16;
    int fc1W = projection + 32 * 16;
    int fc1B = fc1W + 32 * 16;
    int fc2W = fc1B + 32;
    int fc2B = fc2W + 32 * 32;
    int headW = fc2B + 32;
    int headB = headW + 3 * 32;
    return Architecture.builder("Projected", 8, 3, Loss.SOFTMAX_CROSS_ENTROPY, Precision.FLOAT, true)
        .dense("stem", 8, 16, Activation.RELU, Init.HE_NORMAL, stemW, stemB, null)
        .dense("widening_stage.0.first_layer", 16, 32, Activation.LEAKY_RELU, Init.HE_NORMAL, fc1W, fc1B,
            "widening_stage.0")
        .dense("widening_stage.0.second_layer", 32, 32, Activation.LEAKY_RELU, Init.ZERO, fc2W, fc2B,
            "widening_stage.0")
        .dense("head", 32, 3, Activation.NONE, Init.XAVIER_NORMAL, headW, headB, null)
        .block("widening_stage.0", 16, 32, ShortcutKind.PROJECTION, Init.HE_NORMAL, projection, 1, 2)
        .build();
  }

  @Test
  void summaryColumnsStayAlignedForLongKindsAndNames() {
    // block:projection and dense:leaky_relu are 16 characters; the kind column had room for 14.
    String summary = ModelSummary.of(projected());
    List<String> table = new ArrayList<>();
    for (String line : summary.split("\\R")) {
      if (!line.startsWith("-") && !line.startsWith("Projected") && !line.startsWith("parameters:")) {
        table.add(line);
      }
    }
    String header = table.get(0);
    int kindAt = header.indexOf("kind");
    int outputEnd = header.indexOf("output") + "output".length();
    assertEquals(6, table.size() - 1, summary);
    for (String row : table.subList(1, table.size())) {
      assertEquals(header.length(), row.length(), "every row as wide as the header:\n" + summary);
      assertTrue(row.charAt(kindAt - 1) == ' ', "kind column starts alike:\n" + summary);
      assertTrue(Character.isDigit(row.charAt(outputEnd - 1)) && row.charAt(outputEnd) == ' ',
          "output column ends alike:\n" + summary);
    }
    assertTrue(summary.contains("block:projection") && summary.contains("dense:leaky_relu"), summary);
    assertTrue(summary.contains("1 projection"), summary);
  }

  @Test
  void progressSeparatesTheSpeedFromTheLoss() throws InterruptedException {
    // The library prints "<speed> samples/s" and then the message with nothing between them.
    List<String> lines = new ArrayList<>();
    Progress bar = Progress.start("net epoch 1", 100, line -> {
      synchronized (lines) {
        lines.add(line);
      }
    });
    Thread.sleep(300);
    bar.advance(50, 0.5, 0.75);
    Thread.sleep(300);
    bar.advance(50, 0.25, 0.875);
    bar.close();
    String last;
    synchronized (lines) {
      assertFalse(lines.isEmpty());
      last = lines.get(lines.size() - 1);
    }
    assertTrue(last.contains("samples/s | loss 0.2500, accuracy 87.50%"), last);
    assertFalse(last.contains("samples/sloss"), last);
  }

  @Test
  void aConvolutionalSummaryShowsShapesKindsAndEveryShortcut() {
    String s = ModelSummary.of(new dev.shortcut.runtime.testing.TinyConvNetwork(1, 1).architecture());
    assertTrue(s.contains("TinyConvNetwork (residual, 6 layers, double)"), s);
    for (String row : new String[] {"input  ", "2×6×6", "conv3x3/2:none", "batchnorm:relu", "block:zero-pad",
        "block:projection   6×3×3          36", "dense:none             3          99"}) {
      assertTrue(s.contains(row), row + " in\n" + s);
    }
    assertTrue(s.contains("parameters: 1,819; shortcuts: 0 identity, 1 projection, 1 zero-pad"), s);
  }
}
