package dev.shortcut.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shortcut.runtime.testing.TinyResidualNetwork;
import org.junit.jupiter.api.Test;

/**
 * Each optimizer against the textbook update, computed here step by step in double for one
 * parameter with a fixed gradient sequence.
 */
class OptimizerTest {
  private static final double[] GRADIENTS = {0.5, -0.25, 1.5, 0.75};
  private static final double P0 = 0.8;

  /** Runs {@code optimizer} on a network whose every gradient is GRADIENTS[t]; returns parameter 0. */
  private static double[] run(Optimizer optimizer, double rate) {
    TinyResidualNetwork net = new TinyResidualNetwork(2, 3, 2, 1, 0);
    java.util.Arrays.fill(net.parameters(), (float) P0);
    double[] trace = new double[GRADIENTS.length];
    for (int t = 0; t < GRADIENTS.length; t++) {
      java.util.Arrays.fill(net.gradients(), (float) GRADIENTS[t]);
      optimizer.step(net, rate);
      trace[t] = net.parameters()[0];
      assertEquals(net.parameters()[0], net.parameters()[net.parameters().length - 1], "all parameters alike");
    }
    return trace;
  }

  @Test
  void plainSgd() {
    double[] got = run(Sgd.withLearningRate(0.1), 0.1);
    double p = P0;
    for (int t = 0; t < GRADIENTS.length; t++) {
      p -= 0.1 * GRADIENTS[t];
      assertEquals(p, got[t], 1e-6);
    }
  }

  @Test
  void sgdWithMomentumAndWeightDecay() {
    double[] got = run(Sgd.withLearningRate(0.1).momentum(0.9).weightDecay(0.01), 0.1);
    double p = P0;
    double v = 0;
    for (int t = 0; t < GRADIENTS.length; t++) {
      double g = GRADIENTS[t] + 0.01 * p;
      v = t == 0 ? g : 0.9 * v + g;
      p -= 0.1 * v;
      assertEquals(p, got[t], 1e-6);
    }
  }

  @Test
  void nesterov() {
    double[] got = run(Sgd.withLearningRate(0.05).nesterov(0.9), 0.05);
    double p = P0;
    double v = 0;
    for (int t = 0; t < GRADIENTS.length; t++) {
      double g = GRADIENTS[t];
      v = t == 0 ? g : 0.9 * v + g;
      p -= 0.05 * (g + 0.9 * v);
      assertEquals(p, got[t], 1e-6);
    }
  }

  @Test
  void adamWithBiasCorrection() {
    double[] got = run(Adam.withLearningRate(0.01), 0.01);
    double p = P0;
    double m = 0;
    double v = 0;
    for (int t = 1; t <= GRADIENTS.length; t++) {
      double g = GRADIENTS[t - 1];
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      double mHat = m / (1 - Math.pow(0.9, t));
      double vHat = v / (1 - Math.pow(0.999, t));
      p -= 0.01 * mHat / (Math.sqrt(vHat) + 1e-8);
      assertEquals(p, got[t - 1], 1e-6);
    }
  }

  @Test
  void adamWDecouplesWeightDecay() {
    double[] got = run(Adam.adamW(0.01, 0.1), 0.01);
    double p = P0;
    double m = 0;
    double v = 0;
    for (int t = 1; t <= GRADIENTS.length; t++) {
      double g = GRADIENTS[t - 1];
      p *= 1 - 0.01 * 0.1;
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      p -= 0.01 * (m / (1 - Math.pow(0.9, t))) / (Math.sqrt(v / (1 - Math.pow(0.999, t))) + 1e-8);
      assertEquals(p, got[t - 1], 1e-6);
    }
  }

  @Test
  void adamWithL2AddsDecayToGradient() {
    double[] got = run(Adam.withLearningRate(0.01).weightDecay(0.1), 0.01);
    double p = P0;
    double m = 0;
    double v = 0;
    for (int t = 1; t <= GRADIENTS.length; t++) {
      double g = GRADIENTS[t - 1] + 0.1 * p;
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      p -= 0.01 * (m / (1 - Math.pow(0.9, t))) / (Math.sqrt(v / (1 - Math.pow(0.999, t))) + 1e-8);
      assertEquals(p, got[t - 1], 1e-6);
    }
  }

  @Test
  void invalidSettingsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Sgd.withLearningRate(0));
    assertThrows(IllegalArgumentException.class, () -> Sgd.withLearningRate(0.1).momentum(1));
    assertThrows(IllegalArgumentException.class, () -> Adam.adamW(0.1, -1));
  }

  @Test
  void schedules() {
    assertEquals(0.1, Schedule.constant().rate(0.1, 500, 1000), 0);
    assertEquals(0.1, Schedule.stepDecay(10, 0.5).rate(0.1, 9, 100), 1e-15);
    assertEquals(0.05, Schedule.stepDecay(10, 0.5).rate(0.1, 10, 100), 1e-15);
    assertEquals(0.025, Schedule.stepDecay(10, 0.5).rate(0.1, 25, 100), 1e-15);
    Schedule cosine = Schedule.cosine(0.0);
    assertEquals(0.1, cosine.rate(0.1, 0, 100), 1e-15);
    assertEquals(0.05, cosine.rate(0.1, 50, 100), 1e-12);
    assertEquals(0.0, cosine.rate(0.1, 100, 100), 1e-12);
    Schedule warm = Schedule.constant().withWarmup(4);
    assertEquals(0.025, warm.rate(0.1, 0, 100), 1e-15);
    assertEquals(0.1, warm.rate(0.1, 3, 100), 1e-15);
    assertEquals(0.1, warm.rate(0.1, 50, 100), 1e-15);
    Schedule warmCosine = Schedule.cosine(0).withWarmup(10);
    assertEquals(0.1, warmCosine.rate(0.1, 10, 110), 1e-12);
    assertEquals(0.05, warmCosine.rate(0.1, 60, 110), 1e-12);
  }

  @Test
  void clippingByGlobalNorm() {
    TinyResidualNetwork net = new TinyResidualNetwork(2, 3, 2, 1, 0);
    java.util.Arrays.fill(net.gradients(), 2f);
    double norm = Math.sqrt(4.0 * net.gradients().length);
    assertEquals(norm, GradientClipping.clipByGlobalNorm(net, 1.0), 1e-4);
    assertEquals(1.0, GradientClipping.globalNorm(net), 1e-5);
    assertEquals(1.0, GradientClipping.clipByGlobalNorm(net, 5.0), 1e-5);
    assertEquals(1.0, GradientClipping.globalNorm(net), 1e-5);
  }
}
