package dev.shortcut.runtime.init;

import dev.shortcut.annotations.Init;
import dev.shortcut.runtime.DoubleNetwork;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.ParameterTable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fills a network's parameters from a seed, using the scheme each tensor declares (He for ReLU
 * layers, zero for the last layer of a residual block, zero biases) unless overridden by name.
 *
 * <p>Each tensor draws from its own stream, derived from the seed and the tensor's name, so
 * adding a layer does not change the numbers of the others, and the result does not depend on
 * thread count.
 */
public final class Initialization {

  private final Map<String, Init> overrides;

  private Initialization(Map<String, Init> overrides) {
    this.overrides = overrides;
  }

  /** The declared schemes, no overrides. */
  public static Initialization declared() {
    return new Initialization(Map.of());
  }

  /**
   * Returns a copy that uses {@code init} for the tensors whose name matches {@code pattern}: an
   * exact name ({@code body.3.fc2.weight}), or a pattern where {@code *} stands for one path
   * segment ({@code body.*.fc2.weight}).
   */
  public Initialization override(String pattern, Init init) {
    Map<String, Init> copy = new LinkedHashMap<>(overrides);
    copy.put(pattern, init);
    return new Initialization(copy);
  }

  /** Initializes with the declared schemes: what generated constructors call. */
  public static void apply(Network network, long seed) {
    declared().initialize(network, seed);
  }

  /** Overwrites every parameter of {@code network}. */
  public void initialize(Network network, long seed) {
    ParameterTable table = network.architecture().parameters();
    for (ParameterTable.Parameter p : table.all()) {
      Init init = schemeFor(p);
      SplittableRandom random = new SplittableRandom(seed ^ mix(p.name().hashCode()));
      if (network instanceof FloatNetwork f) {
        float[] values = f.parameters();
        for (int i = 0; i < p.size(); i++) {
          values[p.offset() + i] = (float) sample(init, p, random);
        }
      } else if (network instanceof DoubleNetwork d) {
        double[] values = d.parameters();
        for (int i = 0; i < p.size(); i++) {
          values[p.offset() + i] = sample(init, p, random);
        }
      } else {
        throw new IllegalArgumentException(
            "network " + network.name() + " is neither a FloatNetwork nor a DoubleNetwork");
      }
    }
  }

  /** The scheme used for {@code p}: the last matching override, else the declared one. */
  public Init schemeFor(ParameterTable.Parameter p) {
    Init chosen = p.init();
    for (Map.Entry<String, Init> e : overrides.entrySet()) {
      if (matches(e.getKey(), p.name())) {
        chosen = e.getValue();
      }
    }
    return chosen == Init.AUTO ? Init.HE_NORMAL : chosen;
  }

  static boolean matches(String pattern, String name) {
    String[] ps = pattern.split("\\.");
    String[] ns = name.split("\\.");
    if (ps.length != ns.length) {
      return false;
    }
    for (int i = 0; i < ps.length; i++) {
      if (!ps[i].equals("*") && !ps[i].equals(ns[i])) {
        return false;
      }
    }
    return true;
  }

  private static double sample(Init init, ParameterTable.Parameter p, SplittableRandom random) {
    double fanIn = p.fanIn();
    double fanOut = p.fanOut();
    switch (init) {
      case ZERO:
        return 0;
      case HE_NORMAL:
        return random.nextGaussian() * Math.sqrt(2 / fanIn);
      case HE_UNIFORM:
        return uniform(random, Math.sqrt(6 / fanIn));
      case XAVIER_NORMAL:
        return random.nextGaussian() * Math.sqrt(2 / (fanIn + fanOut));
      case XAVIER_UNIFORM:
        return uniform(random, Math.sqrt(6 / (fanIn + fanOut)));
      default:
        throw new AssertionError(init);
    }
  }

  private static double uniform(SplittableRandom random, double limit) {
    return (2 * random.nextDouble() - 1) * limit;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb93e185a9b87L;
    return z ^ (z >>> 33);
  }
}
