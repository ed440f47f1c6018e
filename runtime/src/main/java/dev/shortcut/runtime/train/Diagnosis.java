package dev.shortcut.runtime.train;

import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.DoubleNetwork;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.ParameterTable;
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
    int width = data.width();
    int inputs = b * width;
    int bad = net instanceof FloatNetwork f ? Kernels.firstNonFinite(f.input(), 0, inputs)
        : Kernels.firstNonFinite(((DoubleNetwork) net).input(), 0, inputs);
    if (bad >= 0) {
      return new NonFiniteException(net.name(), when, epoch, step, NonFiniteException.Source.INPUT_DATA, null,
          "feature " + bad % width + " of sample " + order[start + bad / width] + " of '" + data.name() + "' is "
              + value(net, Kind.INPUT, bad));
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
    List<Architecture.DenseLayer> layers = net.architecture().layers();
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
    bad = net instanceof FloatNetwork f ? Kernels.firstNonFinite(f.output(), 0, b * outputs)
        : Kernels.firstNonFinite(((DoubleNetwork) net).output(), 0, b * outputs);
    if (bad >= 0) {
      return new NonFiniteException(net.name(), when, epoch, step, NonFiniteException.Source.ACTIVATIONS,
          layers.get(layers.size() - 1).name(), "output " + bad % outputs + " of sample "
              + order[start + bad / outputs] + " is " + value(net, Kind.OUTPUT, bad) + unseen);
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
    ParameterTable.Parameter p = firstNonFiniteTensor(net, true);
    if (p != null) {
      int i = first(net, Kind.GRADIENT, p);
      return new NonFiniteException(net.name(), when, epoch, step, NonFiniteException.Source.GRADIENTS, p.layer(),
          "the gradient of " + p.name() + " is " + value(net, Kind.GRADIENT, i) + " at " + position(p, i)
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
            + value(net, Kind.PARAMETER, i) + ", gradient " + value(net, Kind.GRADIENT, i) + ", learning rate "
            + rate + ") would not be finite");
  }

  /** Parameters that are not finite, before a step; null when all are finite. */
  static NonFiniteException parameters(Network net, String when, int epoch, long step) {
    ParameterTable.Parameter p = firstNonFiniteTensor(net, false);
    if (p == null) {
      return null;
    }
    int i = first(net, Kind.PARAMETER, p);
    return new NonFiniteException(net.name(), when, epoch, step, NonFiniteException.Source.PARAMETERS, p.layer(),
        p.name() + " holds " + value(net, Kind.PARAMETER, i) + " at " + position(p, i));
  }

  /** Optimizer state that is not finite (a resumed run); null when all is finite. */
  static NonFiniteException optimizerState(Network net, Optimizer optimizer, String when, int epoch, long step) {
    for (int s = 0; s < optimizer.stateNames().size(); s++) {
      for (ParameterTable.Parameter p : net.architecture().parameters().all()) {
        int end = p.offset() + p.size();
        int i = net instanceof FloatNetwork f ? Kernels.firstNonFinite(optimizer.floatState(f)[s], p.offset(), end)
            : Kernels.firstNonFinite(optimizer.doubleState((DoubleNetwork) net)[s], p.offset(), end);
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
    Kind kind = gradients ? Kind.GRADIENT : Kind.PARAMETER;
    if (net instanceof FloatNetwork f) {
      float[] a = gradients ? f.gradients() : f.parameters();
      if (Kernels.firstNonFinite(a, 0, a.length) < 0) {
        return null; // the usual answer, in one pass over the array
      }
    }
    for (ParameterTable.Parameter p : net.architecture().parameters().all()) {
      if (first(net, kind, p) >= 0) {
        return p;
      }
    }
    return null;
  }

  private enum Kind {
    INPUT,
    OUTPUT,
    PARAMETER,
    GRADIENT
  }

  private static int first(Network net, Kind kind, ParameterTable.Parameter p) {
    int end = p.offset() + p.size();
    if (net instanceof FloatNetwork f) {
      return Kernels.firstNonFinite(kind == Kind.GRADIENT ? f.gradients() : f.parameters(), p.offset(), end);
    }
    DoubleNetwork d = (DoubleNetwork) net;
    return Kernels.firstNonFinite(kind == Kind.GRADIENT ? d.gradients() : d.parameters(), p.offset(), end);
  }

  private static double value(Network net, Kind kind, int i) {
    if (net instanceof FloatNetwork f) {
      return switch (kind) {
        case INPUT -> f.input()[i];
        case OUTPUT -> f.output()[i];
        case PARAMETER -> f.parameters()[i];
        case GRADIENT -> f.gradients()[i];
      };
    }
    DoubleNetwork d = (DoubleNetwork) net;
    return switch (kind) {
      case INPUT -> d.input()[i];
      case OUTPUT -> d.output()[i];
      case PARAMETER -> d.parameters()[i];
      case GRADIENT -> d.gradients()[i];
    };
  }

  /** Where array index {@code i} sits within tensor {@code p}. */
  private static String position(ParameterTable.Parameter p, int i) {
    return p.position(i - p.offset());
  }
}
