package dev.shortcut.runtime.train;

import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.BufferTable;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.NetworkArrays;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.Values;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.optim.Optimizer;
import java.util.List;

/**
 * Finds where a NaN or an infinity came from, once a check has seen one: runs only on that path,
 * so it may take its time. Causes are looked for in the order that separates them: the data,
 * then the parameters, then the layers in forward order.
 */
final class Diagnosis {
  private Diagnosis() {}

  /**
   * The cause of an output or loss that is not finite after a forward pass over rows
   * {@code order[start .. start+b)} of {@code data}, loaded into the network.
   */
  static NonFiniteException forward(Network net, Dataset data, int[] order, int start, int b, float[] targets,
      double loss, String when, int epoch, long step) {
    NetworkArrays arrays = NetworkArrays.of(net);
    int width = data.width();
    int inputs = b * width;
    int bad = arrays.input().firstNonFinite(0, inputs);
    if (bad >= 0) {
      return new NonFiniteException(net.name(), when, epoch, step, NonFiniteException.Source.INPUT_DATA, null,
          "feature " + bad % width + " of sample " + order[start + bad / width] + " of '" + data.name() + "' is "
              + arrays.input().get(bad));
    }
    int outputs = net.architecture().outputs();
    if (!data.isClassification()) {
      bad = Kernels.firstNonFinite(targets, 0, b * outputs);
      if (bad >= 0) {
        return new NonFiniteException(net.name(), when, epoch, step, NonFiniteException.Source.TARGETS, null,
            "target " + bad % outputs + " of sample " + order[start + bad / outputs] + " of '" + data.name()
                + "' is " + targets[bad]);
      }
    }
    NonFiniteException broken = parameters(net, when, epoch, step);
    if (broken != null) {
      return broken;
    }
    List<Architecture.Layer> layers = net.architecture().layers();
    String unseen;
    try {
      int layer = net.firstNonFiniteLayer(b);
      if (layer >= 0) {
        return new NonFiniteException(net.name(), when, epoch, step, NonFiniteException.Source.ACTIVATIONS,
            layers.get(layer).name(), "it is the first layer, in forward order, whose output holds a NaN or an "
                + "infinity");
      }
      unseen = "";
    } catch (UnsupportedOperationException e) {
      unseen = "; " + net.name() + " does not report which layer overflowed first";
    }
    bad = arrays.output().firstNonFinite(0, b * outputs);
    if (bad >= 0) {
      return new NonFiniteException(net.name(), when, epoch, step, NonFiniteException.Source.ACTIVATIONS,
          layers.get(layers.size() - 1).name(), "output " + bad % outputs + " of sample "
              + order[start + bad / outputs] + " is " + arrays.output().get(bad) + unseen);
    }
    return new NonFiniteException(net.name(), when, epoch, step, NonFiniteException.Source.LOSS, null,
        "the batch's loss is " + loss + " with finite outputs");
  }

  /**
   * The cause of an update the optimizer refused: a gradient that is not finite (the first tensor
   * in forward order), or else the update itself.
   */
  static NonFiniteException update(Network net, Optimizer optimizer, double rate, double loss, String when,
      int epoch, long step) {
    NetworkArrays arrays = NetworkArrays.of(net);
    ParameterTable.Parameter p = firstNonFiniteTensor(net, true);
    if (p != null) {
      int i = first(arrays.gradients(), p);
      return new NonFiniteException(net.name(), when, epoch, step, NonFiniteException.Source.GRADIENTS, p.layer(),
          "the gradient of " + p.name() + " is " + arrays.gradients().get(i) + " at " + position(p, i)
              + " while the loss is finite (" + loss + ")");
    }
    NonFiniteException broken = parameters(net, when, epoch, step);
    if (broken != null) {
      return broken;
    }
    int i = optimizer.firstNonFiniteUpdate(net, rate);
    if (i < 0) {
      throw new IllegalStateException("the " + optimizer.name() + " optimizer refused an update it now finds finite");
    }
    p = net.architecture().parameters().at(i);
    return new NonFiniteException(net.name(), when, epoch, step, NonFiniteException.Source.UPDATE, p.layer(),
        "the " + optimizer.name() + " update of " + p.name() + " at " + position(p, i) + " (value "
            + arrays.parameters().get(i) + ", gradient " + arrays.gradients().get(i) + ", learning rate "
            + rate + ") would not be finite");
  }

  /** Parameters that are not finite, before a step; null when all are finite. */
  static NonFiniteException parameters(Network net, String when, int epoch, long step) {
    ParameterTable.Parameter p = firstNonFiniteTensor(net, false);
    if (p == null) {
      return buffers(net, when, epoch, step);
    }
    Values parameters = NetworkArrays.of(net).parameters();
    int i = first(parameters, p);
    return new NonFiniteException(net.name(), when, epoch, step, NonFiniteException.Source.PARAMETERS, p.layer(),
        p.name() + " holds " + parameters.get(i) + " at " + position(p, i));
  }

  /**
   * Running statistics that are not finite, or a negative variance (set by hand, or loaded from
   * a bad file): evaluation mode would turn every output into NaN. Null when all are sound.
   */
  private static NonFiniteException buffers(Network net, String when, int epoch, long step) {
    Values buffers = NetworkArrays.of(net).buffers();
    for (BufferTable.Buffer b : net.architecture().buffers().all()) {
      for (int i = b.offset(); i < b.offset() + b.size(); i++) {
        double v = buffers.get(i);
        if (!Double.isFinite(v) || b.kind() == BufferTable.Kind.RUNNING_VAR && v < 0) {
          return new NonFiniteException(net.name(), when, epoch, step, NonFiniteException.Source.PARAMETERS,
              b.layer(), b.name() + " holds " + v + " at [" + (i - b.offset()) + "]");
        }
      }
    }
    return null;
  }

  /** Optimizer state that is not finite (a resumed run); null when all is finite. */
  static NonFiniteException optimizerState(Network net, Optimizer optimizer, String when, int epoch, long step) {
    List<Values> state = optimizer.state(net);
    for (int s = 0; s < state.size(); s++) {
      for (ParameterTable.Parameter p : net.architecture().parameters().all()) {
        int i = first(state.get(s), p);
        if (i >= 0) {
          return new NonFiniteException(net.name(), when, epoch, step, NonFiniteException.Source.PARAMETERS,
              p.layer(), "the " + optimizer.name() + " optimizer's " + optimizer.stateNames().get(s) + " of "
                  + p.name() + " is not finite at " + position(p, i));
        }
      }
    }
    return null;
  }

  /** The first tensor, in forward order, whose gradients (or parameters) are not all finite; null when none. */
  static ParameterTable.Parameter firstNonFiniteTensor(Network net, boolean gradients) {
    NetworkArrays arrays = NetworkArrays.of(net);
    Values values = gradients ? arrays.gradients() : arrays.parameters();
    if (values.firstNonFinite(0, values.length()) < 0) {
      return null; // the usual answer, in one pass over the array
    }
    for (ParameterTable.Parameter p : net.architecture().parameters().all()) {
      if (first(values, p) >= 0) {
        return p;
      }
    }
    return null;
  }

  /** The first non-finite element of tensor {@code p} in {@code values}, or -1. */
  private static int first(Values values, ParameterTable.Parameter p) {
    return values.firstNonFinite(p.offset(), p.offset() + p.size());
  }

  /** Where array index {@code i} sits within tensor {@code p}. */
  private static String position(ParameterTable.Parameter p, int i) {
    return p.position(i - p.offset());
  }
}
