package dev.shortcut.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.testing.TinyDoubleNetwork;
import dev.shortcut.runtime.testing.TinyResidualNetwork;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
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
  void everyHyperParameterIsChecked() {
    // Each of these trained nothing or broke the network in one step, without a word.
    List<Supplier<Object>> invalid = List.of(
        () -> Sgd.withLearningRate(Double.POSITIVE_INFINITY),
        () -> Sgd.withLearningRate(Double.NaN),
        () -> Sgd.withLearningRate(-0.1),
        () -> Sgd.withLearningRate(0.1).momentum(Double.NaN),
        () -> Sgd.withLearningRate(0.1).momentum(-0.5),
        () -> Sgd.withLearningRate(0.1).nesterov(0),
        () -> Sgd.withLearningRate(0.1).weightDecay(Double.POSITIVE_INFINITY),
        () -> Sgd.withLearningRate(0.1).weightDecay(Double.NaN),
        () -> Adam.withLearningRate(Double.POSITIVE_INFINITY),
        () -> Adam.withLearningRate(0.1).betas(1, 0.999),
        () -> Adam.withLearningRate(0.1).betas(0.9, 1),
        () -> Adam.withLearningRate(0.1).betas(-0.1, 0.999),
        () -> Adam.withLearningRate(0.1).betas(Double.NaN, 0.999),
        () -> Adam.withLearningRate(0.1).betas(0.9, Double.NaN),
        () -> Adam.withLearningRate(0.1).epsilon(0),
        () -> Adam.withLearningRate(0.1).epsilon(-1e-8),
        () -> Adam.withLearningRate(0.1).epsilon(Double.NaN),
        () -> Adam.withLearningRate(0.1).epsilon(Double.POSITIVE_INFINITY),
        () -> Adam.adamW(0.1, 10), // lr·λ = 1 zeroes every weight each step
        () -> Adam.adamW(0.1, Double.POSITIVE_INFINITY),
        () -> Schedule.stepDecay(10, Double.NaN),
        () -> Schedule.stepDecay(10, 0),
        () -> Schedule.stepDecay(10, Double.POSITIVE_INFINITY),
        () -> Schedule.cosine(Double.NaN),
        () -> Schedule.cosine(-0.1),
        () -> Schedule.constant().withWarmup(0),
        () -> Schedule.constant().withWarmup(-5));
    for (int i = 0; i < invalid.size(); i++) {
      Supplier<Object> make = invalid.get(i);
      assertThrows(IllegalArgumentException.class, make::get, "case " + i);
    }
    Adam.withLearningRate(0.1).betas(0, 0); // the boundaries that are legal
    Sgd.withLearningRate(1e-9).momentum(0);
    Schedule.cosine(0);
  }

  @Test
  void aStepRefusesARateThatIsNotFinite() {
    TinyResidualNetwork net = new TinyResidualNetwork(2, 3, 2, 1, 0);
    Sgd sgd = Sgd.withLearningRate(0.1);
    for (double rate : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1}) {
      assertThrows(IllegalArgumentException.class, () -> sgd.step(net, rate));
    }
    assertEquals(0, sgd.steps());
  }

  @Test
  void adamsMomentCoefficientsAreTheFloatsOfOneMinusBeta() {
    // PyTorch computes 1 − β in double and rounds it once; 1 − (float) 0.999 is 0.00099998713,
    // which put every second moment 1.3e-5 off PyTorch's after the first step.
    TinyResidualNetwork net = new TinyResidualNetwork(2, 3, 2, 1, 0);
    Arrays.fill(net.gradients(), 1f);
    Adam adam = Adam.withLearningRate(0.01);
    assertTrue(adam.step(net, adam.learningRate()));
    assertEquals((float) 0.1, adam.floatState(net)[0][0]);
    assertEquals((float) 0.001, adam.floatState(net)[1][0]);
  }

  @Test
  void anUpdateThatWouldOverflowIsNotApplied() {
    // One huge gradient: Adam's second moment g² overflows a float, SGD at a huge rate overflows
    // the weight. The step is refused whole: parameters, state and step count as they were.
    for (Optimizer optimizer : new Optimizer[] {Adam.withLearningRate(0.01), Sgd.withLearningRate(1e30).momentum(0.9)}) {
      TinyResidualNetwork net = new TinyResidualNetwork(2, 3, 2, 1, 0);
      Arrays.fill(net.gradients(), 0.5f);
      assertTrue(optimizer.step(net, optimizer.learningRate()));
      float[] parameters = net.parameters().clone();
      float[][] state = optimizer.floatState(net).clone();
      for (int s = 0; s < state.length; s++) {
        state[s] = state[s].clone();
      }
      net.gradients()[7] = 3e20f;
      assertEquals(7, optimizer.firstNonFiniteUpdate(net, optimizer.learningRate()),
          optimizer.name());
      assertFalse(optimizer.step(net, optimizer.learningRate()), optimizer.name());
      assertArrayEquals(parameters, net.parameters(), optimizer.name());
      for (int s = 0; s < state.length; s++) {
        assertArrayEquals(state[s], optimizer.floatState(net)[s], optimizer.name());
      }
      assertEquals(1, optimizer.steps());
    }
  }

  @Test
  void doublePrecisionUpdatesAreCheckedToo() {
    for (Optimizer optimizer : new Optimizer[] {Adam.withLearningRate(0.01), Sgd.withLearningRate(0.1).nesterov(0.9)}) {
      TinyDoubleNetwork net = new TinyDoubleNetwork(2, 3, 2, 1, 0);
      Arrays.fill(net.gradients(), 0.5);
      assertTrue(optimizer.step(net, 0.01));
      double[] parameters = net.parameters().clone();
      net.gradients()[4] = Double.NaN;
      assertEquals(4, optimizer.firstNonFiniteUpdate(net, 0.01));
      assertFalse(optimizer.step(net, 0.01));
      assertArrayEquals(parameters, net.parameters(), optimizer.name());
      for (double[] state : optimizer.doubleState(net)) {
        for (double v : state) {
          assertTrue(Double.isFinite(v), optimizer.name());
        }
      }
    }
  }

  @Test
  void anOptimizerServesOneNetwork() {
    // Adam's moments belong to the parameters they were computed for: applied to a second network
    // of the same shape they are silently wrong, to another shape they overran an array.
    TinyResidualNetwork first = new TinyResidualNetwork(2, 3, 2, 1, 0);
    TinyResidualNetwork same = new TinyResidualNetwork(2, 3, 2, 1, 0);
    TinyResidualNetwork larger = new TinyResidualNetwork(4, 5, 2, 1, 0);
    Adam adam = Adam.withLearningRate(0.01);
    Arrays.fill(first.gradients(), 0.5f);
    Arrays.fill(same.gradients(), 0.5f);
    assertTrue(adam.step(first, 0.01));
    assertSame(first, adam.network());
    float[] before = same.parameters().clone();
    for (TinyResidualNetwork other : List.of(same, larger)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> adam.step(other, 0.01));
      assertTrue(e.getMessage().contains("serves one network") && e.getMessage().contains("fresh()"), e.getMessage());
      assertThrows(IllegalStateException.class, () -> adam.floatState(other));
    }
    assertArrayEquals(before, same.parameters());
    Adam fresh = adam.fresh();
    assertNotSame(adam, fresh);
    assertEquals(null, fresh.network());
    assertEquals(0, fresh.steps());
    assertTrue(fresh.step(same, 0.01));
    assertArrayEquals(first.parameters(), same.parameters(), "same settings, own state: the same first step");
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
  void thePapersScheduleDividesByTenAtHalfAndThreeQuartersAfterAConstantWarmUp() {
    // 64k iterations, divided by 10 at 32k and 48k; 0.01 for the first 400 (ResNet-110's start).
    Schedule paper = Schedule.multiStep(0.1, 0.5, 0.75).withConstantWarmup(400, 0.1);
    assertEquals(0.01, paper.rate(0.1, 0, 64_000), 1e-15);
    assertEquals(0.01, paper.rate(0.1, 399, 64_000), 1e-15);
    assertEquals(0.1, paper.rate(0.1, 400, 64_000), 1e-15);
    assertEquals(0.1, paper.rate(0.1, 31_999, 64_000), 1e-15);
    assertEquals(0.01, paper.rate(0.1, 32_000, 64_000), 1e-15);
    assertEquals(0.001, paper.rate(0.1, 48_000, 64_000), 1e-15);
    assertEquals(0.001, paper.rate(0.1, 63_999, 64_000), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> Schedule.multiStep(0.1, 0.75, 0.5));
    assertThrows(IllegalArgumentException.class, () -> Schedule.multiStep(0.1, 1.0));
    assertThrows(IllegalArgumentException.class, () -> Schedule.constant().withConstantWarmup(0, 0.1));
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
    for (double max : new double[] {Double.NaN, 0, -1, Double.POSITIVE_INFINITY}) {
      assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNorm(net, max));
    }
  }
}
