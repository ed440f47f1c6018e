package dev.shortcut.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.FloatNetwork;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The paper's deepest CIFAR network, ResNet-1202 (three stages of 200 basic blocks, option-A
 * shortcuts, 1,202 weight layers and 1,201 batch normalizations), on 3×8×8 images to stay cheap:
 * it compiles, trains, and like {@link DeepNetworkTest}'s dense networks keeps every generated
 * method under HotSpot's 8,000 bytes and every class's constant pool half empty.
 */
class DeepConvNetworkTest {
  static final String BASIC = """
      package deepconv;
      import dev.shortcut.annotations.*;
      @ResidualBlock
      public class Basic {
        @Conv(kernel = 3, stride = Conv.STACK) Layer conv1;
        @BatchNorm Layer bn1;
        @Conv(kernel = 3) Layer conv2;
        @BatchNorm Layer bn2;
      }
      """;
  static final String CIFAR = """
      package deepconv;
      import dev.shortcut.annotations.*;
      @Network(channels = 3, height = 8, width = 8, outputs = 10, reshape = Shortcut.ZERO_PAD)
      public class Cifar {
        @Conv(filters = 16) Layer conv1;
        @BatchNorm Layer bn1;
        @Stack(repeat = 200, filters = 16) Basic layer1;
        @Stack(repeat = 200, filters = 32, stride = 2) Basic layer2;
        @Stack(repeat = 200, filters = 64, stride = 2) Basic layer3;
        @GlobalAvgPool Layer avgpool;
        @Dense(units = 10, activation = Activation.NONE) Layer fc;
      }
      """;

  @Test
  void resNet1202CompilesTrainsAndKeepsEveryMethodAndClassSmall() throws IOException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long start = System.nanoTime();
    long cpuStart = threads.getCurrentThreadCpuTime();
    Compiled c = Compiled.compile("deepconv.Basic", BASIC, "deepconv.Cifar", CIFAR);
    System.out.printf("javac with the Shortcut processor, ResNet-1202: %.1f s wall, %.1f s CPU of this thread%n",
        (System.nanoTime() - start) / 1e9, (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
    FloatNetwork net = c.network("deepconv.ResidualCifar", 2, 1);
    assertEquals(1202, net.architecture().layerCount());
    assertEquals(1201, net.architecture().batchNorms().size());
    assertTrue(c.classFiles().keySet().stream().anyMatch(n -> n.contains("$Shard")),
        "a network this deep is split into shards: " + c.classFiles().keySet());
    DeepNetworkTest.assertMethodsSmall(c);
    DeepNetworkTest.assertConstantPoolsHaveHeadroom(c);

    Random r = new Random(2);
    for (int i = 0; i < 2 * 3 * 8 * 8; i++) {
      net.input()[i] = r.nextFloat() * 2 - 1;
    }
    int[] labels = {3, 7};
    double first = Double.NaN;
    double loss = Double.NaN;
    int steps = 4;
    for (int step = 0; step < steps; step++) {
      long t = System.nanoTime();
      net.forward(2);
      loss = softmaxCrossEntropy(net.output(), labels, 10, net.outputGradient());
      if (step == 0) {
        first = loss;
      }
      net.zeroGradients();
      net.backward(2, false);
      float[] p = net.parameters();
      float[] g = net.gradients();
      double norm = 0;
      for (int i = 0; i < p.length; i++) {
        norm += g[i] * g[i];
        p[i] -= 0.02f * g[i];
      }
      assertTrue(Double.isFinite(norm) && norm > 0, "gradients reach the parameters, finite: " + norm);
      System.out.printf("ResNet-1202 step %d: loss %.4f, %.0f ms%n", step, loss, (System.nanoTime() - t) / 1e6);
    }
    assertTrue(loss < 0.8 * first, "loss " + first + " → " + loss);
    assertEquals(steps, net.batchCounts()[0], "each training pass counts once");
  }

  /** Mean softmax cross-entropy; writes its gradient. Independent of the runtime's. */
  private static double softmaxCrossEntropy(float[] logits, int[] labels, int classes, float[] gradient) {
    double sum = 0;
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
}
