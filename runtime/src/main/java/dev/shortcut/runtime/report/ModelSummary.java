package dev.shortcut.runtime.report;

import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.ShortcutKind;
import java.util.Locale;

/**
 * A table of a network, in the spirit of Keras' {@code model.summary()}: each layer and block with
 * its output width and parameter count, the shortcuts, and the totals.
 */
public final class ModelSummary {
  private ModelSummary() {}

  /** The summary of {@code a} as text. */
  public static String of(Architecture a) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%s (%s, %d layers, %s)%n", a.name(),
        a.residual() ? "residual" : "plain", a.layerCount(), a.precision().name().toLowerCase(Locale.ROOT)));
    String rule = "-".repeat(78) + System.lineSeparator();
    sb.append(rule).append(String.format(Locale.ROOT, "%-36s %-14s %8s %16s%n", "layer / block", "kind", "output", "parameters"));
    sb.append(rule);
    sb.append(String.format(Locale.ROOT, "%-36s %-14s %8d %16s%n", "input", "", a.inputs(), ""));
    int identity = 0;
    int projection = 0;
    int blockIndex = 0;
    for (int i = 0; i < a.layers().size(); i++) {
      while (blockIndex < a.blocks().size() && a.blocks().get(blockIndex).firstLayer() == i) {
        Architecture.Block b = a.blocks().get(blockIndex++);
        long params = b.shortcut() == ShortcutKind.PROJECTION ? (long) b.inputs() * b.outputs() : 0;
        identity += b.shortcut() == ShortcutKind.IDENTITY ? 1 : 0;
        projection += b.shortcut() == ShortcutKind.PROJECTION ? 1 : 0;
        sb.append(String.format(Locale.ROOT, "%-36s %-14s %8d %16s%n", indent(b.name()) + b.name(),
            "block:" + b.shortcut().name().toLowerCase(Locale.ROOT), b.outputs(), params == 0 ? "" : group(params)));
      }
      Architecture.DenseLayer l = a.layers().get(i);
      long params = (long) l.inputs() * l.units() + l.units();
      sb.append(String.format(Locale.ROOT, "%-36s %-14s %8d %16s%n", indent(l.name()) + l.name(),
          "dense:" + l.activation().name().toLowerCase(Locale.ROOT), l.units(), group(params)));
    }
    sb.append(rule);
    sb.append(String.format(Locale.ROOT, "parameters: %s; shortcuts: %d identity, %d projection%n",
        group(a.parameterCount()), identity, projection));
    return sb.toString();
  }

  private static String indent(String path) {
    return "  ".repeat((int) path.chars().filter(c -> c == '.').count());
  }

  private static String group(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
