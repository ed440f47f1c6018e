package dev.shortcut.runtime.report;

import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.NetworkArrays;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The L2 norm of each weight layer's weight gradient (dense and convolution layers, input side
 * first): the lecture's vanishing and exploding gradients, made visible.
 */
public final class GradientNorms {
  private GradientNorms() {}

  /** One norm per weight layer, in forward order, from the network's current gradients. */
  public static double[] perLayer(Network net) {
    List<ParameterTable.Parameter> weights = weights(net);
    Values gradients = NetworkArrays.of(net).gradients();
    double[] norms = new double[weights.size()];
    for (int i = 0; i < norms.length; i++) {
      ParameterTable.Parameter w = weights.get(i);
      norms[i] = Math.sqrt(gradients.sumOfSquares(w.offset(), w.offset() + w.size()));
    }
    return norms;
  }

  /** The same, keyed by layer name. */
  public static Map<String, Double> perLayerMap(Network net) {
    double[] norms = perLayer(net);
    List<ParameterTable.Parameter> weights = weights(net);
    Map<String, Double> map = new LinkedHashMap<>();
    for (int i = 0; i < norms.length; i++) {
      map.put(weights.get(i).layer(), norms[i]);
    }
    return map;
  }

  /** The weight tensor of every weight layer on the main path, in forward order. */
  private static List<ParameterTable.Parameter> weights(Network net) {
    Architecture a = net.architecture();
    List<ParameterTable.Parameter> weights = new ArrayList<>();
    for (Architecture.Layer l : a.layers()) {
      if (l instanceof Architecture.DenseLayer d) {
        weights.add(a.parameters().get(d.weightName()));
      } else if (l instanceof Architecture.ConvLayer c) {
        weights.add(a.parameters().get(c.weightName()));
      }
    }
    return weights;
  }
}
