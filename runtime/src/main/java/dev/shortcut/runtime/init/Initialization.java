package dev.shortcut.runtime.init;

import dev.shortcut.annotations.Init;
import dev.shortcut.runtime.BufferTable;
import dev.shortcut.runtime.Layout;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.NetworkArrays;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.Values;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fills a network's parameters from a seed, using the scheme each tensor declares unless
 * overridden by name, and resets its buffers. The schemes are the paper's and torchvision's: He
 * normal for ReLU layers (over the fan-in for dense layers, over the fan-out for convolutions, as
 * torchvision's {@code kaiming_normal_(mode="fan_out")}), Xavier where declared, zero for the last
 * layer of a residual block without batch normalization, zero biases; batch normalization starts
 * with γ = 1 and β = 0, or γ = 0 for the last batch normalization of a residual block that starts
 * as the identity ({@code zeroInitLast}, torchvision's {@code zero_init_residual}); running means
 * start at 0, running variances at 1 and batch counts at 0.
 *
 * <p>Each tensor draws from its own stream, derived from the seed and the tensor's name, in
 * PyTorch's element order whatever the storage layout, so adding a layer does not change the
 * numbers of the others, and the result does not depend on thread count.
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

  /** Overwrites every parameter of {@code network} and resets its buffers and batch counts. */
  public void initialize(Network network, long seed) {
    NetworkArrays arrays = NetworkArrays.of(network);
    Values values = arrays.parameters();
    for (ParameterTable.Parameter p : network.architecture().parameters().all()) {
      Init init = schemeFor(p);
      SplittableRandom random = new SplittableRandom(seed ^ mix(p.name().hashCode()));
      for (int t = 0; t < p.size(); t++) {
        values.set(p.offset() + p.layout().storedIndex(t, p.shape()), sample(init, p, random));
      }
    }
    Values buffers = arrays.buffers();
    for (BufferTable.Buffer b : network.architecture().buffers().all()) {
      buffers.fill(b.offset(), b.offset() + b.size(), b.kind() == BufferTable.Kind.RUNNING_VAR ? 1 : 0);
    }
    Arrays.fill(arrays.batchCounts(), 0L);
  }

  /**
   * The scheme used for {@code p}: the last matching override, else the declared one, with
   * {@link Init#AUTO} resolved to He normal; on a batch normalization's γ, {@code AUTO} stays and
   * means 1.
   */
  public Init schemeFor(ParameterTable.Parameter p) {
    Init chosen = p.init();
    for (Map.Entry<String, Init> e : overrides.entrySet()) {
      if (matches(e.getKey(), p.name())) {
        chosen = e.getValue();
      }
    }
    if (chosen != Init.AUTO) {
      return chosen;
    }
    return p.role() == ParameterTable.Role.BN_WEIGHT ? Init.AUTO : Init.HE_NORMAL;
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
    // He over the fan-out for convolutions (torchvision's mode="fan_out"), over the fan-in otherwise.
    double heFan = p.layout() == Layout.CONV_HWIO ? fanOut : fanIn;
    switch (init) {
      case AUTO:
        return 1; // only a batch normalization's γ keeps AUTO (see schemeFor)
      case ZERO:
        return 0;
      case HE_NORMAL:
        return random.nextGaussian() * Math.sqrt(2 / heFan);
      case HE_UNIFORM:
        return uniform(random, Math.sqrt(6 / heFan));
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
