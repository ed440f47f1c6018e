package dev.shortcut.runtime.report;

import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.DoubleNetwork;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Network;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The L2 norm of each dense layer's weight gradient, input side first: the lecture's vanishing
 * and exploding gradients, made visible.
 */
public final class GradientNorms {
  private GradientNorms() {}

  /** One norm per dense layer, in forward order, from the network's current gradients. */
  public static double[] perLayer(Network net) {
    List<Architecture.DenseLayer> layers = net.architecture().layers();
    double[] norms = new double[layers.size()];
    for (int i = 0; i < norms.length; i++) {
      Architecture.DenseLayer l = layers.get(i);
      norms[i] = norm(net, l.weightOffset(), l.units() * l.inputs());
    }
    return norms;
  }

  /** The same, keyed by layer name. */
  public static Map<String, Double> perLayerMap(Network net) {
    double[] norms = perLayer(net);
    Map<String, Double> map = new LinkedHashMap<>();
    List<Architecture.DenseLayer> layers = net.architecture().layers();
    for (int i = 0; i < norms.length; i++) {
      map.put(layers.get(i).name(), norms[i]);
    }
    return map;
  }

  private static double norm(Network net, int offset, int size) {
    double sum = 0;
    if (net instanceof FloatNetwork f) {
      float[] g = f.gradients();
      for (int i = offset; i < offset + size; i++) {
        sum += (double) g[i] * g[i];
      }
    } else {
      double[] g = ((DoubleNetwork) net).gradients();
      for (int i = offset; i < offset + size; i++) {
        sum += g[i] * g[i];
      }
    }
    return Math.sqrt(sum);
  }
}
