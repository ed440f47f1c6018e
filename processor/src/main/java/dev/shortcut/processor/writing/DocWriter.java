package dev.shortcut.processor.writing;

import com.palantir.javapoet.CodeBlock;
import dev.shortcut.annotations.Activation;
import dev.shortcut.processor.model.NetworkModel;
import dev.shortcut.processor.model.NetworkModel.Block;
import dev.shortcut.processor.model.NetworkModel.Conv;
import dev.shortcut.processor.model.NetworkModel.Dense;
import dev.shortcut.processor.model.NetworkModel.GlobalPool;
import dev.shortcut.processor.model.NetworkModel.Layer;
import dev.shortcut.processor.model.NetworkModel.Node;
import dev.shortcut.processor.model.NetworkModel.Norm;
import dev.shortcut.processor.model.NetworkModel.Pool;
import dev.shortcut.processor.model.NetworkModel.ShortcutKind;
import dev.shortcut.processor.model.Traces;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Javadoc text of a generated class: what the network is, the lecture's equations above each
 * block, and what the offset constants mean (said once, in the class comment, not per constant).
 */
final class DocWriter {
  private final ClassLayout layout;
  private final NetworkModel model;

  DocWriter(ClassLayout layout) {
    this.layout = layout;
    this.model = layout.model;
  }

  CodeBlock classJavadoc() {
    CodeBlock.Builder doc = CodeBlock.builder();
    doc.add("$L\n", wrap((model.residual() ? "Residual" : "Plain") + " network generated from {@link "
        + model.declaration().simpleName() + "}: " + model.layerCount() + " layers, "
        + ClassLayout.grouped(model.parameterCount()) + " parameters.", CLASS_WIDTH));
    doc.add("\n<pre>\n$L\n</pre>\n\n", Traces.network(model));
    if (model.residual()) {
      doc.add("$L\n\n", wrap("<p>Shortcuts: " + shortcutCounts() + ". Each block computes " + equation()
          + ": the shortcut joins before the last activation"
          + (normalizedBlocks() ? ", after the last batch normalization." : "."), CLASS_WIDTH));
    } else {
      doc.add("<p>The plain twin: the same layers as the residual network, every shortcut removed.\n\n");
    }
    int buffers = model.gradients().buffers();
    doc.add("$L\n\n", wrap("<p>Memory is laid out once, for {@code maxBatch} rows: {@code parameters} (named like"
        + " PyTorch's state_dict, {@code " + model.layers().get(0).path() + ".weight}) and {@code gradients}"
        + " alike; every layer's output in {@code activations} (" + (layout.isDouble ? "doubles" : "floats")
        + (model.imageInput() ? ", channels last" : "") + "); their gradients in " + buffers + " reused buffer"
        + (buffers == 1 ? "" : "s") + " of {@code activationGradients}"
        + (layout.normalizes() ? "; batch-normalization running statistics in {@code buffers}" : "")
        + ". {@link #forward} and {@link #backward} allocate nothing.", CLASS_WIDTH));
    doc.add("$L\n", wrap("<p>Offsets: {@code X_WEIGHT} and {@code X_BIAS} of layer {@code x} in the parameter"
        + " and gradient arrays; {@code ACT_X}, per sample, of its output in {@code activations} (× maxBatch);"
        + " {@code GRAD_n} of gradient buffer n"
        + (layout.normalizes() ? "; {@code X_RUNNING_MEAN}, {@code X_RUNNING_VAR} in {@code buffers},"
            + " {@code X_STATISTICS} in {@code statistics}" : "") + ".", CLASS_WIDTH));
    if (!layout.plan.shards().isEmpty()) {
      doc.add("\n$L\n", wrap("<p>The code is split into " + layout.plan.shards().size() + " inner classes of at most "
          + ClassLayout.grouped(ClassPlan.LAYERS_PER_CLASS) + " layers ({@code Shard0}, …): one class file holds"
          + " at most 65,535 constants.", CLASS_WIDTH));
    }
    return doc.build();
  }

  /** Columns of Javadoc text: the class's comment starts at column 3, a method's at 5; lines end by 100. */
  static final int CLASS_WIDTH = 96;
  static final int METHOD_WIDTH = 94;

  /**
   * {@code text} broken at spaces into lines of at most {@code width} characters; an inline tag
   * ({@code {@code a[l] + b}}) stays on one line.
   */
  static String wrap(String text, int width) {
    List<String> words = new ArrayList<>();
    int depth = 0;
    for (String token : text.split(" ")) {
      if (depth > 0) {
        words.set(words.size() - 1, words.get(words.size() - 1) + " " + token);
      } else {
        words.add(token);
      }
      depth += count(token, '{') - count(token, '}');
    }
    StringBuilder out = new StringBuilder();
    int lineStart = 0;
    for (String word : words) {
      if (out.length() > lineStart && out.length() - lineStart + 1 + word.length() > width) {
        out.append('\n');
        lineStart = out.length();
      } else if (out.length() > lineStart) {
        out.append(' ');
      }
      out.append(word);
    }
    return out.toString();
  }

  private static int count(String s, char c) {
    return (int) s.chars().filter(x -> x == c).count();
  }

  private String shortcutCounts() {
    List<String> parts = new ArrayList<>();
    for (ShortcutKind kind : List.of(ShortcutKind.IDENTITY, ShortcutKind.PROJECTION, ShortcutKind.ZERO_PAD)) {
      long n = model.blocks().stream().filter(b -> b.shortcut() == kind).count();
      if (n > 0 || kind != ShortcutKind.ZERO_PAD) {
        parts.add(n + " " + kind.name().toLowerCase(Locale.ROOT).replace('_', '-'));
      }
    }
    return String.join(", ", parts);
  }

  private boolean normalizedBlocks() {
    return model.blocks().stream().anyMatch(b -> b.lastLayer() instanceof Norm);
  }

  /**
   * {@code {@code a[l+2] = g(z[l+2] + a[l])}}, counting the blocks' real steps; {@code n} with the
   * counts named when blocks differ.
   */
  private String equation() {
    Set<Integer> steps = new TreeSet<>();
    model.blocks().forEach(b -> steps.add(b.steps()));
    String k = steps.size() == 1 ? Integer.toString(steps.iterator().next()) : "n";
    String eq = "{@code a[l+" + k + "] = g(" + (normalizedBlocks() ? "BN(z[l+" + k + "])" : "z[l+" + k + "]")
        + " + a[l])}";
    if (steps.size() > 1) {
      List<String> s = new ArrayList<>();
      steps.forEach(v -> s.add(Integer.toString(v)));
      eq += ", n being the block's steps (" + String.join(" or ", s) + ")";
    }
    return eq;
  }

  /** The equations of one block, one line per step, aligned. */
  CodeBlock blockJavadoc(Block b) {
    CodeBlock.Builder doc = CodeBlock.builder();
    doc.add("$L\n<pre>\n", wrap("Block " + Traces.display(b.path()) + " (" + b.blockType() + "): " + b.input() + " → "
        + b.output() + ", " + shortcutDescription(b) + ".", METHOD_WIDTH));
    List<String[]> lines = new ArrayList<>();
    int k = 0;
    List<Node> children = b.children();
    for (int i = 0; i < children.size(); i++) {
      Node child = children.get(i);
      if (child instanceof Norm) {
        continue; // written with the layer it normalizes
      }
      k++;
      String prev = k == 1 ? "a[l]" : "a[l+" + (k - 1) + "]";
      String out = "a[l+" + k + "]";
      Norm norm = i + 1 < children.size() && children.get(i + 1) instanceof Norm n ? n : null;
      if (child instanceof Dense || child instanceof Conv) {
        Layer l = (Layer) child;
        boolean conv = l instanceof Conv;
        boolean bias = l instanceof Dense d ? d.bias() >= 0 : ((Conv) l).bias() >= 0;
        String z = "z[l+" + k + "]";
        String linear = z + " = W[l+" + k + "] " + (conv ? "* " : "") + prev + (bias ? " + b[l+" + k + "]" : "");
        Activation g = norm != null ? norm.activation() : activation(l);
        boolean joins = (norm != null ? norm.joinsShortcut() : l.joinsShortcut()) && b.shortcut() != ShortcutKind.NONE;
        String sum = (norm != null ? "BN(" + z + ")" : z) + (joins ? " + " + shortcutTerm(b) : "");
        String name = l.fieldName() + (norm != null ? ", " + norm.fieldName() : "");
        lines.add(new String[] {name + ": " + linear, out + " = " + applied(g, sum)});
      } else if (child instanceof Pool p) {
        lines.add(new String[] {p.fieldName() + ":", out + " = " + (p.max() ? "maxpool" : "avgpool") + "(" + prev + ")"});
      } else if (child instanceof GlobalPool g) {
        lines.add(new String[] {g.fieldName() + ":", out + " = mean over pixels(" + prev + ")"});
      } else {
        // A run of blocks of one stack is one line: a[l+k] = block(a[l+k-1]), k = 3..1602.
        int j = i;
        String stack = Traces.stackPath(child.path());
        while (j + 1 < children.size() && children.get(j + 1) instanceof Block next
            && Traces.stackPath(next.path()).equals(stack)) {
          j++;
        }
        String local = Traces.display(stack.substring(b.path().length() + 1));
        if (j - i < 2) {
          lines.add(new String[] {Traces.display(child.path().substring(b.path().length() + 1)) + ":",
              out + " = block(" + prev + ")"});
          continue;
        }
        int last = k + (j - i);
        lines.add(new String[] {local + "[" + Traces.index(child.path()) + ".." + Traces.index(children.get(j).path())
            + "]:", "a[l+k] = block(a[l+k-1]), k = " + k + ".." + last});
        k = last;
        i = j;
      }
    }
    int width = lines.stream().mapToInt(l -> l[0].length()).max().orElse(0);
    for (String[] line : lines) {
      doc.add("$L$L$L\n", line[0], " ".repeat(width - line[0].length() + 4), line[1]);
    }
    return doc.add("</pre>\n").build();
  }

  /** A top-level layer's method comment. */
  CodeBlock layerJavadoc(Layer l, Norm norm) {
    String what;
    if (l instanceof Dense d) {
      what = "z = W a_in" + (d.bias() >= 0 ? " + b" : "");
    } else if (l instanceof Conv c) {
      what = "z = W * a_in" + (c.bias() >= 0 ? " + b" : "") + "    (" + c.kernel() + "×" + c.kernel() + ", stride "
          + c.stride() + ", padding " + c.padding() + ")";
    } else if (l instanceof Norm) {
      what = "a = " + applied(((Norm) l).activation(), "BN(z)");
    } else if (l instanceof Pool p) {
      what = "a = " + (p.max() ? "maxpool" : "avgpool") + "(a_in)    (" + p.kernel() + "×" + p.kernel()
          + ", stride " + p.stride() + ", padding " + p.padding() + ")";
    } else {
      what = "a = mean of each channel over the pixels";
    }
    String after = (l instanceof Dense || l instanceof Conv) && norm == null ? "      a = " + applied(activation(l), "z")
        : norm != null ? "      a = " + applied(norm.activation(), "BN(z)") + " (" + norm.fieldName() + ")" : "";
    return CodeBlock.of("$L: $L → $L.\n<pre>\n$L$L\n</pre>\n", l.path(), l.input(), l.output(), what, after);
  }

  private static Activation activation(Layer l) {
    if (l instanceof Dense d) {
      return d.activation();
    }
    return l instanceof Conv c ? c.activation() : l instanceof Norm n ? n.activation() : Activation.NONE;
  }

  static String shortcutDescription(Block b) {
    return switch (b.shortcut()) {
      case IDENTITY -> "identity shortcut";
      case PROJECTION -> b.projection().get(0) instanceof Dense ? "projection shortcut W_s"
          : "projection shortcut (1×1 convolution, stride " + b.stride() + (b.projection().size() > 1
              ? ", batch normalization)" : ")");
      case ZERO_PAD -> "zero-padding shortcut (stride " + b.stride() + ", " + b.input().channels() + " → "
          + b.output().channels() + " channels)";
      case NONE -> "no shortcut (plain twin)";
    };
  }

  /** What the addition adds: {@code a[l]}, {@code W_s a[l]}, {@code BN(W_s * a[l])} or {@code pad(a[l])}. */
  static String shortcutTerm(Block b) {
    return switch (b.shortcut()) {
      case IDENTITY -> "a[l]";
      case PROJECTION -> b.projection().get(0) instanceof Dense ? "W_s a[l]"
          : b.projection().size() > 1 ? "BN(W_s * a[l])" : "W_s * a[l]";
      case ZERO_PAD -> "pad(a[l])";
      case NONE -> "";
    };
  }

  /** {@code relu(x)}, or just {@code x} for no activation. */
  static String applied(Activation activation, String x) {
    return activation == Activation.NONE ? x : activation.name().toLowerCase(Locale.ROOT) + "(" + x + ")";
  }
}
