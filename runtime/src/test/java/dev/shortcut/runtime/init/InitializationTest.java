package dev.shortcut.runtime.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.annotations.Init;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.testing.TinyResidualNetwork;
import org.junit.jupiter.api.Test;

/** Initializer statistics within the bounds the schemes promise, determinism and overrides. */
class InitializationTest {
  /** A network with a 512×256 stem: 131,072 samples make the statistics tight. */
  private final TinyResidualNetwork net = new TinyResidualNetwork(256, 512, 64, 1, 7);

  private double[] stats(String name) {
    ParameterTable.Parameter p = net.architecture().parameters().get(name);
    double sum = 0;
    double sq = 0;
    for (int i = p.offset(); i < p.offset() + p.size(); i++) {
      sum += net.parameters()[i];
      sq += (double) net.parameters()[i] * net.parameters()[i];
    }
    double mean = sum / p.size();
    return new double[] {mean, Math.sqrt(sq / p.size() - mean * mean)};
  }

  @Test
  void heNormalHasStdSqrtTwoOverFanIn() {
    double[] s = stats("stem.weight");
    double expected = Math.sqrt(2.0 / 256);
    assertEquals(expected, s[1], 0.02 * expected);
    assertEquals(0, s[0], 0.02 * expected);
  }

  @Test
  void xavierNormalHasStdSqrtTwoOverFanInPlusFanOut() {
    double[] s = stats("head.weight");
    double expected = Math.sqrt(2.0 / (512 + 64));
    assertEquals(expected, s[1], 0.03 * expected);
  }

  @Test
  void lastLayerOfBlockAndBiasesStartAtZero() {
    assertArrayEquals(new double[] {0, 0}, stats("body.0.fc2.weight"));
    assertArrayEquals(new double[] {0, 0}, stats("stem.bias"));
  }

  @Test
  void uniformSchemesStayWithinTheirLimits() {
    Initialization.declared().override("stem.weight", Init.HE_UNIFORM).override("body.*.fc1.weight", Init.XAVIER_UNIFORM)
        .initialize(net, 3);
    ParameterTable.Parameter stem = net.architecture().parameters().get("stem.weight");
    double limit = Math.sqrt(6.0 / 256);
    double max = 0;
    for (int i = stem.offset(); i < stem.offset() + stem.size(); i++) {
      max = Math.max(max, Math.abs(net.parameters()[i]));
    }
    assertTrue(max <= limit && max > 0.95 * limit, "max " + max + " limit " + limit);
    double[] s = stats("body.0.fc1.weight");
    assertEquals(Math.sqrt(6.0 / 1024) / Math.sqrt(3), s[1], 0.03 * s[1]);
  }

  @Test
  void sameSeedSameNumbersAndOverridesByPattern() {
    TinyResidualNetwork again = new TinyResidualNetwork(256, 512, 64, 1, 7);
    assertArrayEquals(net.parameters(), again.parameters());
    TinyResidualNetwork other = new TinyResidualNetwork(256, 512, 64, 1, 8);
    assertFalse(java.util.Arrays.equals(net.parameters(), other.parameters()));
    Initialization.declared().override("body.*.fc2.weight", Init.HE_NORMAL).initialize(other, 8);
    assertEquals(Math.sqrt(2.0 / 512), stats(other, "body.0.fc2.weight"), 0.03 * Math.sqrt(2.0 / 512));
  }

  private static double stats(TinyResidualNetwork n, String name) {
    ParameterTable.Parameter p = n.architecture().parameters().get(name);
    double sq = 0;
    for (int i = p.offset(); i < p.offset() + p.size(); i++) {
      sq += (double) n.parameters()[i] * n.parameters()[i];
    }
    return Math.sqrt(sq / p.size());
  }
}
