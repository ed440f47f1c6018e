package dev.shortcut.examples.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.shortcut.examples.paper.ResidualCifar20;
import dev.shortcut.runtime.FloatNetwork;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serving example of {@code docs/onnx.md} classifies images as the network does. */
class ServingExampleTest {
  @TempDir Path dir;

  @Test
  void theServedModelClassifiesAsTheNetwork() throws Exception {
    FloatNetwork net = new ResidualCifar20(6, 17);
    OnnxRuntimeCheck.makeNonTrivial(net, 6, 18);
    Path model = ServingExample.export(net, dir);

    OnnxRuntimeCheck.randomInput(net, 6, 19);
    net.setTraining(false);
    net.forward(6);
    int[] expected = new int[6];
    for (int n = 0; n < 6; n++) {
      for (int c = 1; c < 10; c++) {
        if (net.output()[n * 10 + c] > net.output()[n * 10 + expected[n]]) {
          expected[n] = c;
        }
      }
    }
    float[][][][] images = ServingExample.toNchw(net.input(), 6, 3, 32, 32);
    assertArrayEquals(expected, ServingExample.classify(model, images));
  }
}
