package dev.shortcut.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Precision;
import dev.shortcut.annotations.Shortcut;
import dev.shortcut.annotations.Variant;
import dev.shortcut.processor.model.Declarations.BlockDecl;
import dev.shortcut.processor.model.Declarations.DenseDecl;
import dev.shortcut.processor.model.Declarations.NetworkDecl;
import dev.shortcut.processor.model.Declarations.StackDecl;
import dev.shortcut.processor.model.ModelBuilder;
import dev.shortcut.processor.model.NetworkModel;
import dev.shortcut.processor.diagnostics.Origin;
import dev.shortcut.processor.writing.NetworkWriter;
import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.DoubleNetwork;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.ShortcutKind;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated backward passes against central finite differences, in double precision, and
 * generated forward passes against a naive interpreter of the network's {@link Architecture}.
 */
class GradientCheckTest {

  static final String BLOCK = """
      package g;
      import dev.shortcut.annotations.*;
      @ResidualBlock
      public class Block {
        @Dense(units = 4) Layer fc1;
        @Dense(units = 6, activation = Activation.LEAKY_RELU) Layer fc2;
      }
      """;
  static final String NARROWING = """
      package g;
      import dev.shortcut.annotations.*;
      @ResidualBlock
      public class Narrowing {
        @Dense(units = 7, activation = Activation.SIGMOID) Layer fc1;
        @Dense(units = 4) Layer fc2;
      }
      """;
  static final String OUTER = """
      package g;
      import dev.shortcut.annotations.*;
      @ResidualBlock(shortcut = Shortcut.PROJECTION)
      public class Outer {
        @Stack(repeat = 2) Block inner;
        @Dense(units = 5, activation = Activation.TANH) Layer out;
      }
      """;
  static final String NET = """
      package g;
      import dev.shortcut.annotations.*;
      @Network(inputs = 5, outputs = 3, precision = Precision.DOUBLE,
          variants = {Variant.RESIDUAL, Variant.PLAIN})
      public class Net {
        @Dense(units = 6, activation = Activation.TANH) Layer stem;
        @Stack(repeat = 2) Block body;
        @Stack(repeat = 1) Narrowing down;
        @Stack(repeat = 1) Outer nested;
        @Dense(units = 3, activation = Activation.NONE) Layer head;
      }
      """;

  static Compiled compileAll() {
    return Compiled.compile("g.Block", BLOCK, "g.Narrowing", NARROWING, "g.Outer", OUTER, "g.Net", NET);
  }

  @Test
  void residualNetworkWithIdentityProjectionAndNestedBlocks() {
    Compiled c = compileAll();
    DoubleNetwork net = c.network("g.ResidualNet", 3, 1);
    Architecture a = net.architecture();
    assertTrue(a.blocks().stream().anyMatch(b -> b.shortcut() == ShortcutKind.IDENTITY));
    assertTrue(a.blocks().stream().anyMatch(b -> b.shortcut() == ShortcutKind.PROJECTION));
    checkForwardAndGradients(net, 3);
  }

  @Test
  void plainTwin() {
    DoubleNetwork net = compileAll().network("g.PlainNet", 3, 1);
    assertTrue(net.architecture().blocks().stream().allMatch(b -> b.shortcut() == ShortcutKind.NONE));
    assertEquals(0, net.architecture().parameters().all().stream()
        .filter(p -> p.name().endsWith("shortcut.weight")).count());
    checkForwardAndGradients(net, 3);
  }

  @Test
  void batchOfOneAndPartialBatch() {
    DoubleNetwork net = compileAll().network("g.ResidualNet", 4, 2);
    checkForwardAndGradients(net, 1);
    checkForwardAndGradients(net, 3);
  }

  @Test
  void floatTwinAgreesWithDouble() {
    String floatNet = NET.replace("precision = Precision.DOUBLE,", "").replace("class Net", "class FNet");
    Compiled c = Compiled.compile("g.Block", BLOCK, "g.Narrowing", NARROWING, "g.Outer", OUTER, "g.Net", NET,
        "g.FNet", floatNet);
    DoubleNetwork d = c.network("g.ResidualNet", 2, 5);
    FloatNetwork f = c.network("g.ResidualFNet", 2, 5);
    Random r = new Random(3);
    for (int i = 0; i < d.parameters().length; i++) {
      d.parameters()[i] = r.nextDouble() - 0.5;
      f.parameters()[i] = (float) d.parameters()[i];
    }
    for (int i = 0; i < 2 * 5; i++) {
      d.input()[i] = r.nextDouble();
      f.input()[i] = (float) d.input()[i];
    }
    d.forward(2);
    f.forward(2);
    for (int i = 0; i < 2 * 3; i++) {
      assertEquals(d.output()[i], f.output()[i], 1e-5 * (1 + Math.abs(d.output()[i])));
    }
  }

  /**
   * {@link #NET} split into inner classes of at most three layers: layers and blocks of one run per
   * class, the nested block in a class of its own with its inner blocks in others, offsets read
   * across classes. The split network computes exactly what the whole one does, and its gradients
   * pass the same check.
   */
  @Test
  void splitIntoInnerClassesComputesExactlyTheSame() {
    for (NetworkModel model : ModelBuilder.build(netDeclaration())) {
      String qualified = "g." + model.className();
      String split = NetworkWriter.write(model, 3).toString();
      assertTrue(split.contains("private final class Shard0"), split);
      DoubleNetwork parts = Compiled.compile(qualified, split).network(qualified, 3, 7);
      DoubleNetwork whole = Compiled.compile(qualified, NetworkWriter.write(model, Integer.MAX_VALUE).toString())
          .network(qualified, 3, 7);
      assertArrayEquals(whole.parameters(), parts.parameters(), "same initialization");
      Random r = new Random(5);
      for (int i = 0; i < 3 * 5; i++) {
        whole.input()[i] = parts.input()[i] = r.nextDouble();
      }
      for (DoubleNetwork n : List.of(whole, parts)) {
        n.forward(3);
        java.util.Arrays.fill(n.outputGradient(), 0, 9, 0.25);
        n.zeroGradients();
        n.backward(3, true);
      }
      assertArrayEquals(whole.output(), parts.output());
      assertArrayEquals(whole.gradients(), parts.gradients());
      assertArrayEquals(whole.inputGradient(), parts.inputGradient());
      checkForwardAndGradients(parts, 3);
    }
  }

  /** {@link #NET} and its blocks as plain declarations, for the writer alone. */
  static NetworkDecl netDeclaration() {
    BlockDecl block = TestDeclarations.block("g.Block", Shortcut.AUTO,
        TestDeclarations.dense("fc1", 4, Activation.RELU), TestDeclarations.dense("fc2", 6, Activation.LEAKY_RELU));
    BlockDecl narrowing = TestDeclarations.block("g.Narrowing", Shortcut.AUTO,
        TestDeclarations.dense("fc1", 7, Activation.SIGMOID), TestDeclarations.dense("fc2", 4, Activation.RELU));
    BlockDecl outer = TestDeclarations.block("g.Outer", Shortcut.PROJECTION,
        TestDeclarations.stack("inner", block, 2), TestDeclarations.dense("out", 5, Activation.TANH));
    return TestDeclarations.network("g", "Net", 5, 3, Precision.DOUBLE, List.of(Variant.RESIDUAL, Variant.PLAIN),
        TestDeclarations.dense("stem", 6, Activation.TANH), TestDeclarations.stack("body", block, 2),
        TestDeclarations.stack("down", narrowing, 1), TestDeclarations.stack("nested", outer, 1),
        TestDeclarations.dense("head", 3, Activation.NONE));
  }

  /** Randomizes parameters (the zero-initialized layers too), then checks everything. */
  static void checkForwardAndGradients(DoubleNetwork net, int batch) {
    Random random = new Random(42);
    double[] p = net.parameters();
    for (int i = 0; i < p.length; i++) {
      p[i] = random.nextDouble() - 0.5;
    }
    int in = net.architecture().inputs();
    int out = net.architecture().outputs();
    for (int i = 0; i < batch * in; i++) {
      net.input()[i] = 2 * random.nextDouble() - 1;
    }
    double[] weights = new double[batch * out];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = random.nextDouble() - 0.5;
    }

    net.forward(batch);
    double[] expected = NaiveNetwork.forward(net.architecture(), p, net.input(), batch);
    for (int i = 0; i < batch * out; i++) {
      assertEquals(expected[i], net.output()[i], 1e-12, "output " + i);
    }

    net.zeroGradients();
    System.arraycopy(weights, 0, net.outputGradient(), 0, weights.length);
    net.backward(batch, true);
    double[] grad = net.gradients().clone();
    double[] inputGrad = java.util.Arrays.copyOf(net.inputGradient(), batch * in);

    for (int i = 0; i < p.length; i++) {
      double numeric = centralDifference(net, p, i, batch, weights);
      assertClose(numeric, grad[i], "parameter " + i + " " + owner(net, i));
    }
    for (int i = 0; i < batch * in; i++) {
      double numeric = centralDifference(net, net.input(), i, batch, weights);
      assertClose(numeric, inputGrad[i], "input " + i);
    }
  }

  private static String owner(DoubleNetwork net, int index) {
    for (var t : net.architecture().parameters().all()) {
      if (index >= t.offset() && index < t.offset() + t.size()) {
        return t.name() + "[" + (index - t.offset()) + "]";
      }
    }
    return "?";
  }

  private static double centralDifference(DoubleNetwork net, double[] array, int i, int batch, double[] w) {
    double h = 1e-6;
    double saved = array[i];
    array[i] = saved + h;
    double plus = loss(net, batch, w);
    array[i] = saved - h;
    double minus = loss(net, batch, w);
    array[i] = saved;
    return (plus - minus) / (2 * h);
  }

  private static double loss(DoubleNetwork net, int batch, double[] w) {
    net.forward(batch);
    double sum = 0;
    for (int i = 0; i < w.length; i++) {
      sum += w[i] * net.output()[i];
    }
    return sum;
  }

  static void assertClose(double numeric, double analytic, String what) {
    double scale = Math.max(Math.max(Math.abs(numeric), Math.abs(analytic)), 1e-4);
    assertTrue(Math.abs(numeric - analytic) / scale <= 1e-6,
        () -> what + ": numeric " + numeric + " analytic " + analytic);
  }

  /** The network computed from its description alone, plain loops in double. */
  static final class NaiveNetwork {
    static double[] forward(Architecture a, double[] p, double[] input, int batch) {
      double[] out = new double[batch * a.outputs()];
      for (int s = 0; s < batch; s++) {
        double[] x = java.util.Arrays.copyOfRange(input, s * a.inputs(), (s + 1) * a.inputs());
        double[][] blockInput = new double[a.blocks().size()][];
        for (int li = 0; li < a.layers().size(); li++) {
          for (int bi = 0; bi < a.blocks().size(); bi++) {
            if (a.blocks().get(bi).firstLayer() == li) {
              blockInput[bi] = x;
            }
          }
          Architecture.DenseLayer l = (Architecture.DenseLayer) a.layers().get(li);
          double[] z = new double[l.units()];
          for (int o = 0; o < l.units(); o++) {
            z[o] = p[l.biasOffset() + o];
            for (int k = 0; k < l.inputs(); k++) {
              z[o] += p[l.weightOffset() + o * l.inputs() + k] * x[k];
            }
          }
          // Innermost blocks end first; a block's shortcut joins its last layer.
          for (int bi = a.blocks().size() - 1; bi >= 0; bi--) {
            Architecture.Block b = a.blocks().get(bi);
            if (b.lastLayer() != li || b.shortcut() == ShortcutKind.NONE) {
              continue;
            }
            for (int o = 0; o < l.units(); o++) {
              if (b.shortcut() == ShortcutKind.IDENTITY) {
                z[o] += blockInput[bi][o];
              } else {
                for (int k = 0; k < b.inputs(); k++) {
                  z[o] += p[b.projectionOffset() + o * b.inputs() + k] * blockInput[bi][k];
                }
              }
            }
          }
          for (int o = 0; o < z.length; o++) {
            z[o] = g(l.activation(), z[o]);
          }
          x = z;
        }
        System.arraycopy(x, 0, out, s * a.outputs(), a.outputs());
      }
      return out;
    }

    static double g(Activation act, double z) {
      switch (act) {
        case RELU: return Math.max(0, z);
        case NONE: return z;
        case TANH: return Math.tanh(z);
        case SIGMOID: return 1 / (1 + Math.exp(-z));
        case LEAKY_RELU: return z > 0 ? z : 0.01 * z;
        default: throw new AssertionError(act);
      }
    }
  }
}
