package dev.shortcut.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.DoubleNetwork;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the generated class promises beyond its arithmetic: names, its Javadoc, its contract. */
class GeneratedCodeTest {
  static final String BLOCK = """
      package n;
      import dev.shortcut.annotations.*;
      @ResidualBlock
      public class Block {
        @Dense(units = 4) Layer fc1;
        @Dense(units = 4) Layer fc2;
      }
      """;

  /**
   * Field names whose natural generated identifiers coincide: {@code FC_WEIGHT}, {@code ACT_X_WEIGHT},
   * {@code body0Forward}, {@code BODY_0_FC1_WEIGHT}, {@code SS_WEIGHT}, {@code DOWN_SAMPLE_WEIGHT}.
   */
  static final String CLASHES = """
      package n;
      import dev.shortcut.annotations.*;
      @Network(inputs = 4, outputs = 2, precision = Precision.DOUBLE)
      public class Clash {
        @Dense(units = 4) Layer fc;
        @Dense(units = 4, activation = Activation.TANH) Layer FC;
        @Dense(units = 4) Layer act_x;
        @Dense(units = 4, activation = Activation.SIGMOID) Layer x_weight;
        @Stack(repeat = 2) Block body;
        @Dense(units = 4) Layer body0;
        @Dense(units = 4, activation = Activation.LEAKY_RELU) Layer body_0_fc1;
        @Dense(units = 4) Layer ß;
        @Dense(units = 4, activation = Activation.TANH) Layer ss;
        @Dense(units = 4) Layer downSample;
        @Dense(units = 4) Layer down_sample;
        @Dense(units = 2, activation = Activation.NONE) Layer head;
      }
      """;

  @Test
  void legalFieldNamesWhoseIdentifiersWouldClashCompileAndComputeTheRightGradients() {
    Compiled c = Compiled.compile("n.Block", BLOCK, "n.Clash", CLASHES);
    String source = c.source("n.ResidualClash");
    for (String constant : List.of("FC_WEIGHT =", "FC_2_WEIGHT =", "ACT_X_WEIGHT =", "X_WEIGHT_2_WEIGHT =",
        "SS_WEIGHT =", "SS_2_WEIGHT =", "BODY_0_FC1_WEIGHT =", "BODY_0_FC1_2_WEIGHT =", "DOWN_SAMPLE_2_WEIGHT =")) {
      assertTrue(source.contains(constant), constant);
    }
    assertTrue(source.contains("void body0Forward(") && source.contains("void body_0Forward("), "method names");
    DoubleNetwork net = c.network("n.ResidualClash", 3, 1);
    // The parameters keep the user's names, each distinct, as PyTorch's state_dict would.
    assertEquals(List.of("fc", "FC", "act_x", "x_weight", "body.0.fc1", "body.0.fc2", "body.1.fc1", "body.1.fc2",
        "body0", "body_0_fc1", "ß", "ss", "downSample", "down_sample", "head"),
        net.architecture().layers().stream().map(l -> l.name()).toList());
    GradientCheckTest.checkForwardAndGradients(net, 3);
  }

  @Test
  void aLayerNamedShortcutIsFineWhereTheBlockHasNoProjection() {
    Compiled c = Compiled.compile("n.Named", """
        package n;
        import dev.shortcut.annotations.*;
        @ResidualBlock
        public class Named {
          @Dense(units = 4) Layer fc;
          @Dense(units = 4) Layer shortcut;
        }
        """, "n.Net", """
        package n;
        import dev.shortcut.annotations.*;
        @Network(inputs = 4, outputs = 2, precision = Precision.DOUBLE)
        public class Net {
          @Stack(repeat = 2) Named body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    DoubleNetwork net = c.network("n.ResidualNet", 2, 3);
    assertTrue(net.architecture().parameters().contains("body.1.shortcut.weight"));
    GradientCheckTest.checkForwardAndGradients(net, 2);
  }

  @Test
  void aThreeLayerBlockIsDocumentedWithItsOwnSteps() {
    Compiled c = Compiled.compile("n.Three", """
        package n;
        import dev.shortcut.annotations.*;
        @ResidualBlock
        public class Three {
          @Dense(units = 4) Layer fc1;
          @Dense(units = 4) Layer fc2;
          @Dense(units = 4) Layer fc3;
        }
        """, "n.Net", """
        package n;
        import dev.shortcut.annotations.*;
        @Network(inputs = 4, outputs = 2)
        public class Net {
          @Stack(repeat = 2) Three body;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """, "n.Mixed", """
        package n;
        import dev.shortcut.annotations.*;
        @Network(inputs = 4, outputs = 2)
        public class Mixed {
          @Stack(repeat = 1) Three three;
          @Stack(repeat = 1) Block two;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """, "n.Block", BLOCK);
    String source = c.source("n.ResidualNet");
    assertTrue(source.replaceAll("\\s+\\*\\s+", " ").contains("{@code a[l+3] = g(z[l+3] + a[l])}"),
        "class Javadoc counts three layers");
    assertTrue(source.contains("// shortcut: ∂L/∂a[l] = ∂L/∂z[l+3], unchanged"));
    assertFalse(source.contains("l+2] + a[l]") || source.contains("z[l+2], unchanged"), "no a[l+2] for this block");
    assertTrue(c.source("n.ResidualMixed").replaceAll("\\s+\\*\\s+", " ").contains("{@code a[l+n] = g(z[l+n] + a[l])},"
        + " n being the block's steps (2 or 3): the shortcut joins before the last activation."));
  }

  static final String SMALL = """
      package n;
      import dev.shortcut.annotations.*;
      @Network(inputs = 4, outputs = 2, precision = Precision.DOUBLE)
      public class Small {
        @Stack(repeat = 2) Block body;
        @Dense(units = 2, activation = Activation.NONE) Layer head;
      }
      """;

  @Test
  void backwardRefusesStaleOrMissingActivations() {
    DoubleNetwork net = Compiled.compile("n.Block", BLOCK, "n.Small", SMALL).network("n.ResidualSmall", 4, 1);
    IllegalStateException none = assertThrows(IllegalStateException.class, () -> net.backward(2, false));
    assertEquals("backward(2) needs a forward pass first: no forward ran since this network was built or since "
        + "the last backward", none.getMessage());

    net.forward(2);
    IllegalStateException fewer = assertThrows(IllegalStateException.class, () -> net.backward(3, false));
    assertEquals("backward(3) needs the activations of as many rows, but the last forward ran 2; run forward(batch) "
        + "first", fewer.getMessage());
    assertArrayEquals(new double[net.gradients().length], net.gradients(), "a refused backward writes nothing");

    java.util.Arrays.fill(net.outputGradient(), 0.5);
    net.backward(2, false);
    assertThrows(IllegalStateException.class, () -> net.backward(2, false), "a backward consumes its forward");

    net.forward(4);
    net.backward(3, true); // fewer rows than the forward ran is fine
    assertThrows(IllegalArgumentException.class, () -> net.forward(5), "batch past maxBatch");
    assertThrows(IllegalStateException.class, () -> net.backward(1, false), "a failed forward leaves nothing to use");
  }

  @Test
  void forwardAndBackwardAllocateNothing() {
    DoubleNetwork net = Compiled.compile("n.Block", BLOCK, "n.Small", SMALL).network("n.ResidualSmall", 4, 1);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    // Windows of 1,000 steps until one is clean (as the runtime's SteadyState does): the JIT needs a
    // while to compile the generated methods, longer on a busy machine; a real allocation per step
    // shows in every window.
    long idle = 0;
    long allocated = -1;
    long deadline = System.nanoTime() + 30_000_000_000L;
    for (int window = 0; window < 40 || System.nanoTime() < deadline; window++) {
      long before = threads.getCurrentThreadAllocatedBytes();
      idle = threads.getCurrentThreadAllocatedBytes() - before;
      before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 1_000; i++) {
        step(net);
      }
      allocated = threads.getCurrentThreadAllocatedBytes() - before;
      if (allocated == idle) {
        break;
      }
    }
    assertEquals(idle, allocated, "bytes allocated by 1,000 steps, beyond the measurement's own");
  }

  private static void step(DoubleNetwork net) {
    net.forward(4);
    net.zeroGradients();
    java.util.Arrays.fill(net.outputGradient(), 0.1);
    net.backward(4, false);
  }

  @Test
  void aMaxBatchPastWhatArraysHoldIsRefusedBeforeAllocating() throws ReflectiveOperationException {
    Compiled c = Compiled.compile("n.Wide", """
        package n;
        import dev.shortcut.annotations.*;
        @Network(inputs = 1000000, outputs = 2)
        public class Wide {
          @Dense(units = 1) Layer squeeze;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """);
    Class<?> wide = c.loadClass("n.ResidualWide");
    int max = (Integer.MAX_VALUE - 8) / 1_000_000; // input rows of a million floats each
    assertEquals(max, wide.getField("MAX_BATCH").getInt(null));
    java.lang.reflect.InvocationTargetException e = assertThrows(java.lang.reflect.InvocationTargetException.class,
        () -> wide.getConstructor(int.class).newInstance(max + 1));
    assertEquals("maxBatch " + (max + 1) + " is too large: this network's buffers hold at most " + max
        + " rows in Java arrays", e.getCause().getMessage());
  }

  @Test
  void oneValuePerChannelIsRefusedInTrainingModeBeforeAnyStatisticChanges() {
    // Global pooling leaves a 1×1 map; normalizing it over a batch of one would divide by a zero
    // variance (PyTorch: "Expected more than 1 value per channel when training").
    DoubleNetwork net = Compiled.compile("n.Pooled", """
        package n;
        import dev.shortcut.annotations.*;
        @Network(channels = 1, height = 4, width = 4, outputs = 2, precision = Precision.DOUBLE)
        public class Pooled {
          @Conv(filters = 3, kernel = 3) Layer conv;
          @BatchNorm Layer bn;
          @GlobalAvgPool Layer pool;
          @Dense(units = 3) Layer fc;
          @BatchNorm Layer fcNorm;
          @Dense(units = 2, activation = Activation.NONE) Layer head;
        }
        """).network("n.ResidualPooled", 4, 1);
    double[] buffers = net.buffers().clone();
    long[] counts = net.batchCounts().clone();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.forward(1));
    assertEquals("fcNorm normalizes one value per channel and sample, so training mode needs batches of at least 2,"
        + " got 1; use a larger batch, or evaluation mode (setTraining(false))", e.getMessage());
    assertArrayEquals(buffers, net.buffers(), "the convolution's batch normalization ran nothing");
    assertArrayEquals(counts, net.batchCounts());
    net.forward(2);
    assertFalse(java.util.Arrays.equals(counts, net.batchCounts()), "two samples are fine");
    net.setTraining(false);
    net.forward(1); // running statistics: any batch

    // The trainer refuses a run whose last batch would hold one sample, before its first step.
    net.setTraining(true);
    double[] parameters = net.parameters().clone();
    dev.shortcut.runtime.data.Dataset five = dev.shortcut.runtime.data.Dataset.classification("five",
        new float[5 * 16], 16, new int[] {0, 1, 0, 1, 0}, 2)
        .withImageShape(dev.shortcut.runtime.data.ImageShape.of(1, 4, 4));
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> dev.shortcut.runtime.train.Trainer.builder(dev.shortcut.runtime.optim.Sgd.withLearningRate(0.1))
            .epochs(1).batchSize(2).progress(false).build().fit(net, five, null));
    assertTrue(refused.getMessage().startsWith("fcNorm in ResidualPooled normalizes one value per channel and sample,"
        + " so every training batch needs at least 2 samples, but batches of 2 over 5 samples leave a batch of 1"),
        refused.getMessage());
    assertArrayEquals(parameters, net.parameters());
  }
}
