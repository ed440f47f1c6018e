package dev.shortcut.processor.validation;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Loss;
import dev.shortcut.processor.diagnostics.Diagnostics;
import dev.shortcut.processor.diagnostics.Message;
import dev.shortcut.processor.diagnostics.Origin;
import dev.shortcut.processor.model.Declarations.BlockDecl;
import dev.shortcut.processor.model.Declarations.ConvDecl;
import dev.shortcut.processor.model.Declarations.DenseDecl;
import dev.shortcut.processor.model.Declarations.LayerDecl;
import dev.shortcut.processor.model.Declarations.Member;
import dev.shortcut.processor.model.Declarations.NetworkDecl;
import dev.shortcut.processor.model.Declarations.PoolDecl;
import dev.shortcut.processor.model.Declarations.StackDecl;
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
import dev.shortcut.processor.model.Shape;
import dev.shortcut.processor.model.Traces;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Size and shape checks on the models one declaration unrolls into; the declaration locates what
 * to fix. Sizes come first, then shapes in forward order (a model's first shape error is decisive,
 * what follows from it stays silent), then the shortcuts, then the output. A fault shared by many
 * copies or depths is reported once.
 */
public final class ModelChecks {
  private ModelChecks() {}

  /** Checks every model of one declaration. */
  public static void check(List<NetworkModel> models, NetworkDecl decl, Diagnostics out) {
    check(models, decl, out, fedWidths(models, decl));
  }

  /**
   * As {@link #check(List, NetworkDecl, Diagnostics)}, knowing the widths other declarations feed
   * each dense block too ({@link #fedWidths}, by block class), so that no advice to change a block
   * breaks a use elsewhere.
   */
  public static void check(
      List<NetworkModel> models, NetworkDecl decl, Diagnostics out, Map<String, Set<Integer>> fedWidths) {
    Index index = new Index(decl);
    for (NetworkModel model : models) {
      checkSizes(model, decl, index, out);
    }
    if (out.errorCount() > 0) {
      return;
    }
    Set<NetworkModel> shapesBroken = new HashSet<>();
    for (NetworkModel model : models) {
      if (!checkShapes(model, index, out)) {
        shapesBroken.add(model);
      }
    }
    for (NetworkModel model : models) {
      if (!shapesBroken.contains(model)) {
        checkShortcutNames(model, index, out);
      }
    }
    checkShortcuts(models, shapesBroken, index, fedWidths, out);
    for (NetworkModel model : models) {
      if (!shapesBroken.contains(model)) {
        checkOutput(model, decl, index, out);
      }
    }
  }

  // ---- sizes ----------------------------------------------------------------------------------

  private static void checkSizes(NetworkModel model, NetworkDecl decl, Index index, Diagnostics out) {
    boolean layerTooLarge = false;
    for (Layer l : model.allLayers()) {
      long weights = l instanceof Dense d ? d.weightCount() : l instanceof Conv c ? c.weightCount() : 0;
      if (weights > Validator.MAX_ARRAY) {
        layerTooLarge = true;
        long in = l instanceof Dense d ? d.inputs() : l.input().channels();
        if (index.layer(l) != null) {
          out.reportOnce(Message.LAYER_TOO_LARGE, sizeOrigin(index.layer(l)), "layer", Traces.display(l.path()),
              l.output().channels(), in, weights, Validator.MAX_ARRAY);
        } else {
          Block b = index.owner(model, l);
          out.reportOnce(Message.LAYER_TOO_LARGE, index.stack(b).origin(), "projection shortcut of block",
              Traces.display(b.path()), l.output().channels(), in, weights, Validator.MAX_ARRAY);
        }
      }
    }
    if (layerTooLarge) {
      return;
    }
    if (model.parameterCount() > Validator.MAX_ARRAY) {
      out.reportOnce(Message.TOO_MANY_PARAMETERS, decl.origin(), model.className(), model.parameterCount(),
          Validator.MAX_ARRAY);
    } else {
      // Three arrays per batch row: the input, the layers' outputs in between, their gradients.
      long interior = model.activationWidth() - model.input().size() - model.outputs();
      long widest = Math.max(model.input().size(), Math.max(interior, model.gradients().width()));
      if (widest > Validator.MAX_ARRAY) {
        out.reportOnce(Message.TOO_MANY_ACTIVATIONS, decl.origin(), model.className(), widest, Validator.MAX_ARRAY);
      }
    }
  }

  private static Origin sizeOrigin(LayerDecl d) {
    if (d instanceof DenseDecl dense) {
      return dense.unitsOrigin();
    }
    return d instanceof ConvDecl c ? c.origins().filters() : d.origin();
  }

  // ---- shapes ---------------------------------------------------------------------------------

  /** Shapes through the main paths in forward order; false at the first error. */
  private static boolean checkShapes(NetworkModel model, Index index, Diagnostics out) {
    return checkShapes(model, model.nodes(), model.imageInput(), index, out) != null;
  }

  /**
   * Walks {@code nodes}; {@code spatial} says whether the tensor entering is an image (not a vector
   * some dense layer or global pooling made). Returns whether the tensor leaving is spatial, or null
   * at the first error.
   */
  private static Boolean checkShapes(NetworkModel model, List<Node> nodes, boolean spatial, Index index,
      Diagnostics out) {
    for (Node n : nodes) {
      if (n instanceof Block b) {
        Boolean after = checkShapes(model, b.children(), spatial, index, out);
        if (after == null) {
          return null;
        }
        spatial = after;
        continue;
      }
      Layer l = (Layer) n;
      LayerDecl d = index.layer(l);
      if (l instanceof Conv || l instanceof Pool || l instanceof GlobalPool) {
        if (!spatial) {
          out.reportOnce(Message.NEEDS_IMAGE, d.origin(), d.annotation(), Traces.display(l.path()), l.input().size(),
              trace(model, l));
          return null;
        }
        if (l instanceof Conv c && !checkWindow(model, c, d, c.kernel(), c.stride(), c.padding(), out)) {
          return null;
        }
        if (l instanceof Pool p && !checkWindow(model, p, d, p.kernel(), p.stride(), p.padding(), out)) {
          return null;
        }
      }
      if (l instanceof Dense || l instanceof GlobalPool) {
        spatial = false;
      }
    }
    return spatial;
  }

  private static boolean checkWindow(NetworkModel model, Layer l, LayerDecl d, int kernel, int stride, int padding,
      Diagnostics out) {
    Shape in = l.input();
    int paddedHeight = in.height() + 2 * padding;
    int paddedWidth = in.width() + 2 * padding;
    if (paddedHeight < kernel || paddedWidth < kernel) {
      Origin at = d instanceof ConvDecl c ? c.origins().kernel() : ((PoolDecl) d).kernelOrigin();
      out.reportOnce(Message.WINDOW_TOO_LARGE, at, d.annotation(), Traces.display(l.path()), kernel, kernel, in,
          padding, trace(model, l), Math.min(paddedHeight, paddedWidth));
      return false;
    }
    int rows = unread(in.height(), l.output().height(), kernel, stride, padding);
    int columns = unread(in.width(), l.output().width(), kernel, stride, padding);
    if (rows > 0 || columns > 0) {
      out.reportOnce(Message.DROPS_PIXELS, d.origin(), d.annotation(), Traces.display(l.path()), kernel, kernel,
          stride, padding, unreadText(rows, columns), in.height(), in.width(), trace(model, l));
    }
    return true;
  }

  /** Input rows past the last window: {@code size − 1 − (last window's last row)}. */
  static int unread(int size, int windows, int kernel, int stride, int padding) {
    long lastRead = (long) (windows - 1) * stride - padding + kernel - 1;
    return (int) Math.max(0, size - 1 - lastRead);
  }

  private static String unreadText(int rows, int columns) {
    String r = rows == 1 ? "row" : rows + " rows";
    String c = columns == 1 ? "column" : columns + " columns";
    if (rows == columns) {
      return rows == 1 ? "row and column" : rows + " rows and columns";
    }
    return rows == 0 ? c : columns == 0 ? r : r + " and " + c;
  }

  /** The trace from the input to {@code layer}, through the blocks that lead to it. */
  private static String trace(NetworkModel model, Layer layer) {
    StringBuilder sb = new StringBuilder();
    if (!appendTrace(model.nodes(), layer, sb, true, model)) {
      return Traces.network(model);
    }
    return sb.toString();
  }

  /** {@code input 3×32×32 → conv1 16×32×32 → layer1[0..2] 16×32×32 → layer2[0].conv1 32×16×16}. */
  private static boolean appendTrace(List<Node> nodes, Layer target, StringBuilder sb, boolean top,
      NetworkModel model) {
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      if (n == target || n instanceof Block b && contains(b, target)) {
        if (top) {
          sb.append(Traces.path(model.input(), nodes, i));
        }
        if (n == target) {
          sb.append(" → ").append(Traces.display(target.path())).append(' ').append(target.output());
          return true;
        }
        Block b = (Block) n;
        for (Node child : b.children()) {
          if (child == target || child instanceof Block cb && contains(cb, target)) {
            return appendTrace(List.of(child), target, sb, false, model);
          }
          if (!(child instanceof Norm)) {
            sb.append(" → ").append(Traces.display(child.path())).append(' ').append(child.output());
          }
        }
      }
    }
    return false;
  }

  private static boolean contains(Block b, Layer target) {
    for (Node n : b.children()) {
      if (n == target || n instanceof Block inner && contains(inner, target)) {
        return true;
      }
    }
    return false;
  }

  // ---- shortcuts ------------------------------------------------------------------------------

  private static void checkShortcutNames(NetworkModel model, Index index, Diagnostics out) {
    for (Block b : model.blocks()) {
      if (b.shortcut() != ShortcutKind.PROJECTION) {
        continue;
      }
      String name = index.stack(b).block().shortcutName();
      for (Node child : b.children()) {
        if (child instanceof Layer l && l.fieldName().equals(name)) {
          out.reportOnce(Message.SHORTCUT_NAME_TAKEN, index.layer(l).origin(), Traces.display(l.path()), name,
              Traces.display(b.path()), b.path(), name);
        }
      }
    }
  }

  private static void checkShortcuts(List<NetworkModel> models, Set<NetworkModel> shapesBroken, Index index,
      Map<String, Set<Integer>> fedWidths, Diagnostics out) {
    Map<BlockDecl, List<Block>> identityWidths = new LinkedHashMap<>();
    for (NetworkModel model : models) {
      if (shapesBroken.contains(model)) {
        continue;
      }
      for (Block b : model.blocks()) {
        StackDecl stack = index.stack(b);
        BlockDecl block = stack.block();
        switch (b.shortcut()) {
          case IDENTITY -> {
            if (b.input().equals(b.output())) {
              break;
            }
            if (b.input().isFlat() && b.output().isFlat()) {
              identityWidths.computeIfAbsent(block, k -> new ArrayList<>()).add(b);
            } else {
              out.reportOnce(Message.IDENTITY_SHAPE, identityOrigin(block, stack), Traces.display(b.path()),
                  Traces.block(b));
            }
          }
          case ZERO_PAD -> {
            if (b.output().channels() < b.input().channels()) {
              out.reportOnce(Message.ZERO_PAD_NARROWS, shortcutOrigin(block, stack), Traces.display(b.path()),
                  Traces.block(b), b.input().channels());
            } else if (!followsByStride(b)) {
              out.reportOnce(Message.SHORTCUT_CANNOT_FOLLOW, shortcutOrigin(block, stack), "zero-padding",
                  Traces.display(b.path()), Traces.block(b), advice(b));
            }
          }
          case PROJECTION -> {
            Layer last = b.projection().get(b.projection().size() - 1);
            if (!last.output().equals(b.output()) || flattensImage(b)) {
              out.reportOnce(Message.SHORTCUT_CANNOT_FOLLOW, shortcutOrigin(block, stack), "projection",
                  Traces.display(b.path()), Traces.block(b), advice(b));
            }
          }
          case NONE -> { }
        }
      }
    }
    checkIdentityWidths(identityWidths, index, fedWidths, out);
  }

  /**
   * Whether option A can follow the block: subsampling by the block's stride gives the output's
   * height and width ({@code ⌈size / stride⌉}), and the path does not flatten images.
   */
  private static boolean followsByStride(Block b) {
    if (flattensImage(b)) {
      return false;
    }
    int s = b.stride();
    return ceilDiv(b.input().height(), s) == b.output().height() && ceilDiv(b.input().width(), s) == b.output().width();
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /**
   * Whether a block's main path turns images into vectors (a dense layer or global pooling after
   * convolutions or pooling, or reading a map): no shortcut joins its ends. A map that strides
   * down to 1×1 stays an image, and so does the output of a block that only convolves.
   */
  private static boolean flattensImage(Block b) {
    return b.flattening() && (b.spatial() || !b.input().isFlat());
  }

  private static String advice(Block b) {
    if (flattensImage(b)) {
      return "a shortcut joins two images or two vectors, so keep flattening layers (@Dense, @GlobalAvgPool) out of the block";
    }
    return "its strides (" + b.stride() + " in all) must take " + b.input().height() + "×" + b.input().width()
        + " to " + ceilDiv(b.input().height(), b.stride()) + "×" + ceilDiv(b.input().width(), b.stride())
        + "; shrink the image with strides only, or move the pooling out of the block";
  }

  private static Origin identityOrigin(BlockDecl block, StackDecl stack) {
    return block.shortcutOrigin().editable() ? block.shortcutOrigin() : stack.origin();
  }

  private static Origin shortcutOrigin(BlockDecl block, StackDecl stack) {
    return block.shortcutOrigin().editable() ? block.shortcutOrigin() : stack.origin();
  }

  /**
   * A dense identity block whose width changes. When every stack of the block feeds it one width,
   * the fix is in the block (make its last layer that wide); when stacks feed it different widths,
   * changing the block would break the other uses, so the fix is at each stack that feeds it the
   * wrong width; so it is too for a block compiled elsewhere, which cannot be changed here.
   */
  private static void checkIdentityWidths(Map<BlockDecl, List<Block>> failing, Index index,
      Map<String, Set<Integer>> fedWidths, Diagnostics out) {
    for (Map.Entry<BlockDecl, List<Block>> e : failing.entrySet()) {
      BlockDecl block = e.getKey();
      if (!block.shortcutOrigin().editable()) {
        for (Block b : e.getValue()) {
          StackDecl s = index.stack(b);
          out.reportOnce(Message.LIBRARY_IDENTITY_WIDTH, s.origin(), block.simpleName(), b.output().channels(),
              Traces.block(b), Traces.display(Traces.stackPath(b.path())), b.input().channels(), s.name(),
              b.output().channels());
        }
        continue;
      }
      if (fedWidths.getOrDefault(block.qualifiedName(), Set.of()).size() <= 1) {
        Block b = e.getValue().get(0);
        out.reportOnce(Message.IDENTITY_WIDTH, block.shortcutOrigin(), Traces.display(b.path()), Traces.block(b),
            b.lastLayer().fieldName(), b.input().channels());
        continue;
      }
      for (Block b : e.getValue()) {
        StackDecl s = index.stack(b);
        out.reportOnce(Message.IDENTITY_WIDTH_AT_STACK, s.origin(), block.simpleName(), b.output().channels(),
            Traces.block(b), Traces.display(Traces.stackPath(b.path())), b.input().channels(), s.name(),
            b.output().channels(), block.simpleName());
      }
    }
  }

  /**
   * The widths each dense block class is fed where a stack of it starts, in {@code models}; later
   * copies of a stack are fed by the block itself, so a fix to the block changes them along.
   */
  public static Map<String, Set<Integer>> fedWidths(List<NetworkModel> models, NetworkDecl decl) {
    Index index = new Index(decl);
    Map<String, Set<Integer>> fed = new HashMap<>();
    for (NetworkModel model : models) {
      for (Block b : model.blocks()) {
        if (b.path().endsWith(".0") && b.input().isFlat()) {
          fed.computeIfAbsent(index.stack(b).block().qualifiedName(), k -> new HashSet<>()).add(b.input().channels());
        }
      }
    }
    return fed;
  }

  // ---- output ---------------------------------------------------------------------------------

  private static void checkOutput(NetworkModel model, NetworkDecl decl, Index index, Diagnostics out) {
    List<Layer> layers = model.layers();
    if (layers.isEmpty()) {
      return;
    }
    Layer last = layers.get(layers.size() - 1);
    LayerDecl lastDecl = index.layer(last);
    long size = last.output().size();
    if (size != model.outputs()) {
      if (last instanceof Dense d) {
        out.reportOnce(Message.OUTPUT_WIDTH, ((DenseDecl) lastDecl).unitsOrigin(), model.outputs(),
            Traces.display(last.path()), units(d.units()), Traces.network(model), Traces.display(last.path()),
            units(model.outputs()), d.units());
      } else {
        out.reportOnce(Message.OUTPUT_SHAPE, lastDecl.origin(), model.outputs(), Traces.display(last.path()), size,
            last.output(), Traces.network(model), model.outputs(), size);
      }
    }
    Activation applied = last instanceof Dense d ? d.activation() : last instanceof Conv c ? c.activation()
        : last instanceof Norm n ? n.activation() : Activation.NONE;
    if (model.loss() == Loss.SOFTMAX_CROSS_ENTROPY && applied != Activation.NONE) {
      Origin at = lastDecl instanceof DenseDecl dd ? dd.activationOrigin()
          : lastDecl instanceof ConvDecl cd ? cd.origins().activation() : lastDecl.origin();
      out.reportOnce(Message.LOSS_WANTS_LOGITS, at, Traces.display(last.path()), applied);
    }
    if (!model.residual() && model.layerCount() > Validator.DEEP_PLAIN_LAYERS) {
      out.report(Message.DEEP_PLAIN, decl.origins().variants(), model.className(), model.layerCount());
    }
  }

  private static String units(int n) {
    return n == 1 ? "1 unit" : n + " units";
  }

  // ---- the explain note -----------------------------------------------------------------------

  /**
   * What every shortcut of a residual model resolved to, one line per run of copies that resolved
   * alike: {@code body[0] (Wide) AUTO → projection 256 → 265}, {@code body[1..8] (Wide) AUTO →
   * identity 265}. Null for a model without shortcuts.
   */
  public static String explainShortcuts(NetworkModel model) {
    List<String> lines = new ArrayList<>();
    List<Block> blocks = model.blocks();
    int i = 0;
    while (i < blocks.size()) {
      Block first = blocks.get(i);
      int j = i;
      // Blocks are in preorder, so a block with blocks inside is never followed by its own sibling.
      while (j + 1 < blocks.size() && resolvedAlike(first, blocks.get(j), blocks.get(j + 1))) {
        j++;
      }
      if (first.shortcut() != ShortcutKind.NONE) {
        int from = Traces.index(first.path());
        int to = Traces.index(blocks.get(j).path());
        String shapes = first.input().equals(first.output())
            ? first.output().toString() : first.input() + " → " + first.output();
        lines.add(Traces.display(Traces.stackPath(first.path())) + (from == to ? "[" + from + "]"
            : "[" + from + ".." + to + "]") + " (" + first.blockType() + ") " + first.declared() + " → "
            + first.shortcut().name().toLowerCase(Locale.ROOT).replace('_', '-') + " " + shapes);
      }
      i = j + 1;
    }
    // javac indents the lines after a diagnostic's first line itself.
    return lines.isEmpty() ? null : "shortcuts as resolved:\n" + String.join("\n", lines);
  }

  private static boolean resolvedAlike(Block first, Block previous, Block next) {
    return Traces.stackPath(next.path()).equals(Traces.stackPath(first.path()))
        && Traces.index(next.path()) == Traces.index(previous.path()) + 1
        && next.shortcut() == first.shortcut() && next.declared() == first.declared()
        && next.input().equals(first.input()) && next.output().equals(first.output());
  }

  // ---- the declaration, by unrolled path --------------------------------------------------------

  /**
   * The declaration's members by unrolled-path key: repeated blocks share one key
   * ({@code body.*.fc1}) so that a fault in 54 copies is one report at one element.
   */
  private static final class Index {
    private final Map<String, LayerDecl> layers = new HashMap<>();
    private final Map<String, StackDecl> stacks = new HashMap<>();

    Index(NetworkDecl decl) {
      add(decl.members(), "", new IdentityHashMap<>());
    }

    private void add(List<Member> members, String prefix, Map<BlockDecl, Boolean> open) {
      for (Member m : members) {
        if (m instanceof LayerDecl d) {
          layers.put(prefix + d.name(), d);
        } else if (m instanceof StackDecl s && s.block() != null) {
          String blockPrefix = prefix + s.name() + ".*";
          stacks.put(blockPrefix, s);
          if (open.put(s.block(), Boolean.TRUE) == null) {
            add(s.block().members(), blockPrefix + ".", open);
          }
          open.remove(s.block());
        }
      }
    }

    /** The declared layer, or null for a projection's layer. */
    LayerDecl layer(Layer l) {
      return layers.get(Traces.declarationKey(l.path()));
    }

    StackDecl stack(Block b) {
      return stacks.get(Traces.declarationKey(b.path()));
    }

    /** The block whose projection {@code l} belongs to. */
    Block owner(NetworkModel model, Layer l) {
      for (Block b : model.blocks()) {
        if (b.projection().contains(l)) {
          return b;
        }
      }
      throw new IllegalStateException("no block projects with " + l.path());
    }
  }
}
