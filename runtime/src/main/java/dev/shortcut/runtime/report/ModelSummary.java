package dev.shortcut.runtime.report;

import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.ShortcutKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A table of a network, in the spirit of Keras' {@code model.summary()}: each layer and block with
 * its output width and parameter count, the shortcuts, and the totals. Columns are as wide as
 * their widest cell, so long names and kinds ({@code block:projection}, {@code dense:leaky_relu})
 * never shift them.
 */
public final class ModelSummary {
  private ModelSummary() {}

  private record Row(String name, String kind, String output, String parameters) {}

  /** The summary of {@code a} as text. */
  public static String of(Architecture a) {
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("input", "", Integer.toString(a.inputs()), ""));
    int identity = 0;
    int projection = 0;
    int blockIndex = 0;
    for (int i = 0; i < a.layers().size(); i++) {
      while (blockIndex < a.blocks().size() && a.blocks().get(blockIndex).firstLayer() == i) {
        Architecture.Block b = a.blocks().get(blockIndex++);
        long params = b.shortcut() == ShortcutKind.PROJECTION ? (long) b.inputs() * b.outputs() : 0;
        identity += b.shortcut() == ShortcutKind.IDENTITY ? 1 : 0;
        projection += b.shortcut() == ShortcutKind.PROJECTION ? 1 : 0;
        rows.add(new Row(indent(b.name()) + b.name(), "block:" + b.shortcut().name().toLowerCase(Locale.ROOT),
            Integer.toString(b.outputs()), params == 0 ? "" : group(params)));
      }
      Architecture.DenseLayer l = a.layers().get(i);
      long params = (long) l.inputs() * l.units() + l.units();
      rows.add(new Row(indent(l.name()) + l.name(), "dense:" + l.activation().name().toLowerCase(Locale.ROOT),
          Integer.toString(l.units()), group(params)));
    }
    Row header = new Row("layer / block", "kind", "output", "parameters");
    int name = header.name().length();
    int kind = header.kind().length();
    int output = header.output().length();
    int parameters = header.parameters().length();
    for (Row r : rows) {
      name = Math.max(name, r.name().length());
      kind = Math.max(kind, r.kind().length());
      output = Math.max(output, r.output().length());
      parameters = Math.max(parameters, r.parameters().length());
    }
    String format = "%-" + name + "s  %-" + kind + "s  %" + output + "s  %" + parameters + "s%n";
    String rule = "-".repeat(name + kind + output + parameters + 6) + System.lineSeparator();

    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%s (%s, %d layers, %s)%n", a.name(),
        a.residual() ? "residual" : "plain", a.layerCount(), a.precision().name().toLowerCase(Locale.ROOT)));
    sb.append(rule).append(String.format(Locale.ROOT, format, header.name(), header.kind(), header.output(),
        header.parameters()));
    sb.append(rule);
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, format, r.name(), r.kind(), r.output(), r.parameters()));
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
