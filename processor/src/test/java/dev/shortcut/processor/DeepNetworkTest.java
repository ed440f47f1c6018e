package dev.shortcut.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.FloatNetwork;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A residual network of 1,002 layers compiles, runs forward and backward, and no generated method
 * reaches HotSpot's 8,000-byte limit, past which it would stay interpreted.
 */
class DeepNetworkTest {
  static final int HUGE_METHOD_LIMIT = 8000;

  @Test
  void thousandLayerNetworkCompilesRunsAndKeepsMethodsSmall() throws IOException {
    Compiled c = Compiled.compile("deep.Block", """
        package deep;
        import dev.shortcut.annotations.*;
        @ResidualBlock
        public class Block {
          @Dense(units = 8) Layer fc1;
          @Dense(units = 8) Layer fc2;
        }
        """, "deep.Deep", """
        package deep;
        import dev.shortcut.annotations.*;
        @Network(inputs = 8, outputs = 4)
        public class Deep {
          @Dense(units = 8) Layer stem;
          @Stack(repeat = 500) Block body;
          @Dense(units = 4, activation = Activation.NONE) Layer head;
        }
        """);
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
