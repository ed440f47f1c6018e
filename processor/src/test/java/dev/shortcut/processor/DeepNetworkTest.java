package dev.shortcut.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import dev.shortcut.runtime.FloatNetwork;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Deep networks compile, run forward and backward, and no generated method reaches HotSpot's
 * 8,000-byte limit, past which it would stay interpreted: calls are split into helper methods at
 * every nesting level, and past {@code 1,024} layers the class is split into inner classes, each
 * with a constant pool of its own (a class file holds 65,535 constants).
 */
class DeepNetworkTest {
  static final int HUGE_METHOD_LIMIT = 8000;
  /** Half the class file's limit: every generated class keeps that much headroom. */
  static final int CONSTANT_POOL_HEADROOM = 65_535 / 2;

  static final String BLOCK = """
      package deep;
      import dev.shortcut.annotations.*;
      @ResidualBlock
      public class Block {
        @Dense(units = 8) Layer fc1;
        @Dense(units = 8) Layer fc2;
      }
      """;

  static String deep(int repeat) {
    return """
        package deep;
        import dev.shortcut.annotations.*;
        @Network(inputs = 8, outputs = 4)
        public class Deep {
          @Dense(units = 8) Layer stem;
          @Stack(repeat = %d) Block body;
          @Dense(units = 4, activation = Activation.NONE) Layer head;
        }
        """.formatted(repeat);
  }

  @Test
  void thousandLayerNetworkCompilesRunsAndKeepsMethodsSmall() throws IOException {
    Compiled c = Compiled.compile("deep.Block", BLOCK, "deep.Deep", deep(500));
    FloatNetwork net = c.network("deep.ResidualDeep", 4, 1);
    assertEquals(1002, net.architecture().layerCount());
    Random r = new Random(1);
    for (int i = 0; i < net.input().length; i++) {
      net.input()[i] = r.nextFloat();
    }
    net.forward(4);
    for (int i = 0; i < 16; i++) {
      assertTrue(Float.isFinite(net.output()[i]));
      net.outputGradient()[i] = 0.1f;
    }
    net.zeroGradients();
    net.backward(4, true);
    double norm = 0;
    for (float g : net.gradients()) {
      assertTrue(Float.isFinite(g));
      norm += g * g;
    }
    assertTrue(norm > 0, "gradients reach the parameters");
    assertMethodsSmall(c);
    assertFalse(c.classFiles().keySet().stream().anyMatch(n -> n.contains("$")), "a network this size is one class");
  }

  /**
   * 10,000 layers: before the class was split, javac stopped with "too many constants" near 5,300.
   * The network trains: a few steps of gradient descent lower its loss on a fixed batch.
   */
  @Test
  void tenThousandLayerNetworkCompilesTrainsAndKeepsEveryClassSmall() throws IOException {
    Compiled c = Compiled.compile("deep.Block", BLOCK, "deep.Deep", deep(4_999));
    FloatNetwork net = c.network("deep.ResidualDeep", 4, 1);
    assertEquals(10_000, net.architecture().layerCount());
    assertTrue(c.classFiles().containsKey("deep.ResidualDeep$Shard9"), c.classFiles().keySet()::toString);
    assertMethodsSmall(c);
    assertConstantPoolsHaveHeadroom(c);

    Random r = new Random(2);
    for (int i = 0; i < net.input().length; i++) {
      net.input()[i] = r.nextFloat() * 2 - 1;
    }
    int[] labels = {0, 1, 2, 3};
    double first = Double.NaN;
    double loss = Double.NaN;
    for (int step = 0; step < 20; step++) {
      net.forward(4);
      loss = softmaxCrossEntropy(net.output(), labels, net.outputGradient());
      if (step == 0) {
        first = loss;
      }
      net.zeroGradients();
      net.backward(4, false);
      float[] p = net.parameters();
      float[] g = net.gradients();
      for (int i = 0; i < p.length; i++) {
        p[i] -= 1e-4f * g[i]; // 5,000 blocks each move the output: the step shrinks with depth
      }
    }
    assertTrue(loss < 0.9 * first, "loss " + first + " → " + loss);
  }

  /** Mean softmax cross-entropy of 4-class logits; writes its gradient. Independent of the runtime's. */
  private static double softmaxCrossEntropy(float[] logits, int[] labels, float[] gradient) {
    double sum = 0;
    int classes = 4;
    for (int s = 0; s < labels.length; s++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < classes; k++) {
        max = Math.max(max, logits[s * classes + k]);
      }
      double z = 0;
      for (int k = 0; k < classes; k++) {
        z += Math.exp(logits[s * classes + k] - max);
      }
      for (int k = 0; k < classes; k++) {
        double p = Math.exp(logits[s * classes + k] - max) / z;
        gradient[s * classes + k] = (float) ((p - (k == labels[s] ? 1 : 0)) / labels.length);
      }
      sum -= logits[s * classes + labels[s]] - max - Math.log(z);
    }
    return sum / labels.length;
  }

  static final String INNER = """
      package deep;
      import dev.shortcut.annotations.*;
      @ResidualBlock
      public class Inner {
        @Dense(units = 8) Layer fc1;
        @Dense(units = 8) Layer fc2;
      }
      """;
  static final String OUTER = """
      package deep;
      import dev.shortcut.annotations.*;
      @ResidualBlock
      public class Outer {
        @Stack(repeat = 1600) Inner inner;
        @Dense(units = 8) Layer out;
      }
      """;
  static final String NESTED = """
      package deep;
      import dev.shortcut.annotations.*;
      @Network(inputs = 8, outputs = 4)
      public class Nested {
        @Dense(units = 8) Layer stem;
        @Stack(repeat = 1) Outer body;
        @Dense(units = 4, activation = Activation.NONE) Layer head;
      }
      """;

  /** One block stacking 1,600 inner blocks: its methods once held 1,600 calls, over 8,000 bytes. */
  @Test
  void aBlockStackingSixteenHundredBlocksKeepsMethodsSmall() throws IOException {
    Compiled c = Compiled.compile("deep.Inner", INNER, "deep.Outer", OUTER, "deep.Nested", NESTED);
    FloatNetwork net = c.network("deep.ResidualNested", 2, 1);
    assertEquals(3_203, net.architecture().layerCount());
    runsForwardAndBackward(net);
    assertMethodsSmall(c);
    assertConstantPoolsHaveHeadroom(c);
  }

  /** The same block in one class, not split into inner classes: the calls alone are split. */
  @Test
  void callsAreSplitAtEveryNestingLevelInOneClass() throws IOException {
    BlockDecl inner = TestDeclarations.block("deep.Inner", Shortcut.AUTO,
        TestDeclarations.dense("fc1", 8, Activation.RELU), TestDeclarations.dense("fc2", 8, Activation.RELU));
    BlockDecl outer = TestDeclarations.block("deep.Outer", Shortcut.AUTO,
        TestDeclarations.stack("inner", inner, 1_600), TestDeclarations.dense("out", 8, Activation.RELU));
    NetworkDecl decl = TestDeclarations.network("deep", "Nested", 8, 4, Precision.FLOAT, List.of(Variant.RESIDUAL),
        TestDeclarations.dense("stem", 8, Activation.RELU), TestDeclarations.stack("body", outer, 1),
        TestDeclarations.dense("head", 4, Activation.NONE));
    NetworkModel model = ModelBuilder.build(decl).get(0);
    String source = NetworkWriter.write(model, Integer.MAX_VALUE).toString();
    Compiled c = Compiled.compile("deep.ResidualNested", source);
    assertFalse(c.classFiles().keySet().stream().anyMatch(n -> n.contains("$")), "one class");
    assertTrue(source.contains("private void body_0ForwardPart0(int batch)"), "the block's own calls are split");
    runsForwardAndBackward(c.network("deep.ResidualNested", 2, 1));
    assertMethodsSmall(c);
  }

  private static void runsForwardAndBackward(FloatNetwork net) {
    Random r = new Random(3);
    for (int i = 0; i < net.input().length; i++) {
      net.input()[i] = r.nextFloat();
    }
    net.forward(2);
    java.util.Arrays.fill(net.outputGradient(), 0.1f);
    net.zeroGradients();
    net.backward(2, true);
    double norm = 0;
    for (float g : net.gradients()) {
      assertTrue(Float.isFinite(g));
      norm += g * g;
    }
    assertTrue(norm > 0, "gradients reach the parameters");
  }

  /** Every method of every compiled class under HotSpot's limit. */
  static void assertMethodsSmall(Compiled c) throws IOException {
    int largest = 0;
    String where = "";
    for (Map.Entry<String, byte[]> e : c.classFiles().entrySet()) {
      for (Map.Entry<String, Integer> m : codeLengths(e.getValue()).entrySet()) {
        if (m.getValue() > largest) {
          largest = m.getValue();
          where = e.getKey() + "." + m.getKey();
        }
      }
    }
    assertTrue(largest < HUGE_METHOD_LIMIT, "largest method " + where + " has " + largest + " bytes of bytecode");
    assertTrue(largest > 0);
  }

  /** Every class the processor split a network into keeps half its constant pool free. */
  static void assertConstantPoolsHaveHeadroom(Compiled c) throws IOException {
    for (Map.Entry<String, byte[]> e : c.classFiles().entrySet()) {
      int constants = constantPoolCount(e.getValue());
      assertTrue(constants < CONSTANT_POOL_HEADROOM, e.getKey() + " has " + constants + " constants");
    }
  }

  /** The constant_pool_count of a class file (JVMS §4.1). */
  static int constantPoolCount(byte[] classFile) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
    in.readInt();
    in.readUnsignedShort();
    in.readUnsignedShort();
    return in.readUnsignedShort();
  }

  /** Method name → bytecode length, read from the class file's Code attributes (JVMS §4). */
  static Map<String, Integer> codeLengths(byte[] classFile) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
    in.readInt();
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 3, 4 -> in.readInt();
        case 5, 6 -> {
          in.readLong();
          i++;
        }
        case 7, 8, 16, 19, 20 -> in.readUnsignedShort();
        case 9, 10, 11, 12, 17, 18 -> in.readInt();
        case 15 -> {
          in.readUnsignedByte();
          in.readUnsignedShort();
        }
        default -> throw new IOException("unknown constant tag " + tag);
      }
    }
    in.readUnsignedShort();
    in.readUnsignedShort();
    in.readUnsignedShort();
    int interfaces = in.readUnsignedShort();
    in.skipBytes(2 * interfaces);
    int fields = in.readUnsignedShort();
    for (int f = 0; f < fields; f++) {
      in.skipBytes(6);
      skipAttributes(in);
    }
    Map<String, Integer> lengths = new java.util.LinkedHashMap<>();
    int methods = in.readUnsignedShort();
    for (int m = 0; m < methods; m++) {
      in.readUnsignedShort();
      String name = utf8[in.readUnsignedShort()];
      in.readUnsignedShort();
      int attributes = in.readUnsignedShort();
      for (int a = 0; a < attributes; a++) {
        String attribute = utf8[in.readUnsignedShort()];
        int length = in.readInt();
        if (attribute.equals("Code")) {
          in.readUnsignedShort();
          in.readUnsignedShort();
          int codeLength = in.readInt();
          lengths.merge(name, codeLength, Math::max);
          in.skipBytes(length - 8);
        } else {
          in.skipBytes(length);
        }
      }
    }
    return lengths;
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      in.readUnsignedShort();
      in.skipBytes(in.readInt());
    }
  }
}
