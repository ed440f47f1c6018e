package dev.shortcut.runtime.report;

import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.ShortcutKind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A table of a network, in the spirit of Keras' {@code model.summary()}: each layer and block with
 * its output shape and parameter count, the shortcuts, and the totals. Columns are as wide as
 * their widest cell, so long names and kinds ({@code block:projection}, {@code dense:leaky_relu})
 * never shift them.
 */
public final class ModelSummary {
  private ModelSummary() {}

  private record Row(String name, String kind, String output, String parameters) {}

  /** The summary of {@code a} as text. */
  public static String of(Architecture a) {
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("input", "", a.input().toString(), ""));
    Map<ShortcutKind, Integer> shortcuts = new EnumMap<>(ShortcutKind.class);
    Map<String, Long> byLayer = new HashMap<>(); // "layer1.0.conv1" → scalars of its tensors
    for (ParameterTable.Parameter p : a.parameters().all()) {
      byLayer.merge(p.name().substring(0, p.name().lastIndexOf('.')), (long) p.size(), Long::sum);
    }
    int blockIndex = 0;
    for (int i = 0; i < a.layers().size(); i++) {
      while (blockIndex < a.blocks().size() && a.blocks().get(blockIndex).firstLayer() == i) {
        Architecture.Block b = a.blocks().get(blockIndex++);
        long params = 0;
        for (Architecture.Layer p : b.projection()) {
          params += byLayer.getOrDefault(p.name(), 0L);
        }
        shortcuts.merge(b.shortcut(), 1, Integer::sum);
        rows.add(new Row(indent(b.name()) + b.name(), "block:" + lower(b.shortcut().name()).replace('_', '-'),
            b.output().toString(), params == 0 ? "" : group(params)));
      }
      Architecture.Layer l = a.layers().get(i);
      long params = byLayer.getOrDefault(l.name(), 0L);
      rows.add(new Row(indent(l.name()) + l.name(), kind(l), l.output().toString(), params == 0 ? "" : group(params)));
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
        a.residual() ? "residual" : "plain", a.layerCount(), lower(a.precision().name())));
    sb.append(rule).append(String.format(Locale.ROOT, format, header.name(), header.kind(), header.output(),
        header.parameters()));
    sb.append(rule);
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, format, r.name(), r.kind(), r.output(), r.parameters()));
    }
    sb.append(rule);
    sb.append(String.format(Locale.ROOT, "parameters: %s; shortcuts: %d identity, %d projection%s%n",
        group(a.parameterCount()), shortcuts.getOrDefault(ShortcutKind.IDENTITY, 0),
        shortcuts.getOrDefault(ShortcutKind.PROJECTION, 0), shortcuts.containsKey(ShortcutKind.ZERO_PAD)
            ? ", " + shortcuts.get(ShortcutKind.ZERO_PAD) + " zero-pad" : ""));
    return sb.toString();
  }

  /** {@code dense:relu}, {@code conv3x3/2:none}, {@code batchnorm:relu}, {@code maxpool3/2}, {@code avgpool:global}. */
  private static String kind(Architecture.Layer l) {
    String activation = ":" + lower(l.activation().name());
    if (l instanceof Architecture.DenseLayer) {
      return "dense" + activation;
    }
    if (l instanceof Architecture.ConvLayer c) {
      return "conv" + c.kernel() + "x" + c.kernel() + (c.stride() == 1 ? "" : "/" + c.stride()) + activation;
    }
    if (l instanceof Architecture.BatchNormLayer) {
      return "batchnorm" + activation;
    }
    if (l instanceof Architecture.PoolLayer p) {
      return (p.kind() == Architecture.Pooling.MAX ? "maxpool" : "avgpool") + p.kernel()
          + (p.stride() == p.kernel() ? "" : "/" + p.stride());
    }
    return "avgpool:global";
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static String indent(String path) {
    return "  ".repeat((int) path.chars().filter(c -> c == '.').count());
  }

  private static String group(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
