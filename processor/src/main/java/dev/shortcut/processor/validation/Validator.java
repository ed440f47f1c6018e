package dev.shortcut.processor.validation;

import dev.shortcut.processor.model.Declarations.BlockDecl;
import dev.shortcut.processor.model.Declarations.DenseDecl;
import dev.shortcut.processor.model.Declarations.Member;
import dev.shortcut.processor.model.Declarations.NetworkDecl;
import dev.shortcut.processor.model.Declarations.StackDecl;
import dev.shortcut.processor.model.ModelBuilder;
import dev.shortcut.processor.model.NetworkModel;
import dev.shortcut.processor.model.NetworkModel.BlockNode;
import dev.shortcut.processor.model.NetworkModel.LayerNode;
import dev.shortcut.processor.model.NetworkModel.Node;
import dev.shortcut.processor.model.Origin;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a declaration's structure, then the sizes and shapes of the models it unrolls into. Each
 * fault is reported once, at the element (and annotation value) to fix, however many unrolled
 * copies or depths share it. Consequences of an error already reported stay silent where they
 * can (a dropped field empties no block); where they cannot, the decisive error comes first.
 */
public final class Validator {
  /** Plain networks deeper than this get a warning: the lecture's degradation sets in. */
  static final int DEEP_PLAIN_LAYERS = 30;

  /** See {@link NetworkModel#MAX_ARRAY_LENGTH}. */
  static final long MAX_ARRAY = NetworkModel.MAX_ARRAY_LENGTH;

  /**
   * Layers one declaration may generate, all its networks together: javac needs about 22 s of CPU
   * and 700 MB of heap for 10,000 layers, growing linearly.
   */
  public static final long MAX_LAYERS = 100_000;

  /**
   * Dense layers one block may write directly in its main path: they share one generated class,
   * whose constant pool holds 65,535 entries.
   */
  public static final int MAX_DIRECT_LAYERS = 2_048;

  private Validator() {}

  /** Structural checks that need no shapes. */
  public static void checkDeclaration(NetworkDecl decl, Diagnostics out) {
    int errorsBefore = out.errorCount();
    checkName(decl, out);
    if (decl.inputs() <= 0) {
      out.report(Message.NON_POSITIVE_SIZE, decl.inputsOrigin(), "inputs", decl.inputs(), "input");
    }
    if (decl.outputs() <= 0) {
      out.report(Message.NON_POSITIVE_SIZE, decl.outputsOrigin(), "outputs", decl.outputs(), "output");
    }
    if (decl.variants().isEmpty()) {
      out.report(Message.NO_VARIANTS, decl.variantsOrigin(), decl.declarationName());
    }
    if (decl.complete() && decl.members().isEmpty()) {
      out.report(Message.EMPTY_NETWORK, decl.origin(), decl.declarationName());
    }
    List<StackDecl> varying = new ArrayList<>();
    checkTree(decl.members(), out, varying, new IdentityHashMap<>());
    if (varying.size() > 1) {
      out.report(Message.SEVERAL_VARYING_STACKS, varying.get(1).repeatOrigin(),
          varying.get(0).name(), varying.get(1).name());
    }
    if (out.errorCount() == errorsBefore && decl.fullyRead()) {
      long layers = ModelBuilder.totalLayerCount(decl);
      if (layers > MAX_LAYERS) {
        out.report(Message.TOO_DEEP, decl.origin(), decl.declarationName(), layers, MAX_LAYERS);
      }
    }
    boolean anyBlock = decl.members().stream().anyMatch(m -> m instanceof StackDecl);
    if (decl.variants().contains("PLAIN") && !anyBlock && decl.complete() && !decl.members().isEmpty()) {
      out.report(Message.NO_SHORTCUTS, decl.variantsOrigin(), decl.declarationName());
    }
  }

  /** Checks one block declaration on its own, everything in it included (also for unused blocks). */
  public static void checkBlock(BlockDecl block, Diagnostics out) {
    Map<BlockDecl, Boolean> seen = new IdentityHashMap<>();
    seen.put(block, Boolean.TRUE);
    checkBlockShape(block, out);
    List<StackDecl> varying = new ArrayList<>();
    checkTree(block.members(), out, varying, seen);
    if (varying.size() > 1) {
      out.report(Message.SEVERAL_VARYING_STACKS, varying.get(1).repeatOrigin(),
          varying.get(0).name(), varying.get(1).name());
    }
  }

  private static void checkName(NetworkDecl decl, Diagnostics out) {
    String name = decl.baseName();
    String problem = nameProblem(name);
    if (problem != null) {
      out.report(Message.INVALID_NAME, decl.nameOrigin(), name, problem, suggestName(name, decl.declarationName()));
    }
  }

  /**
   * Why {@code name} cannot be the stem of {@code Residual<name>} and {@code <name>Family}, or
   * null. Characters javac ignores in identifiers (a zero-width space) are refused too: the file
   * name would keep them and the class name would not.
   */
  static String nameProblem(String name) {
    if (name.isBlank()) {
      return "it is blank";
    }
    for (int i = 0; i < name.length(); ) {
      int c = name.codePointAt(i);
      if (Character.isIdentifierIgnorable(c) || !Character.isJavaIdentifierPart(c)) {
        String what = Character.isWhitespace(c) || Character.isIdentifierIgnorable(c) || Character.isISOControl(c)
            ? String.format(java.util.Locale.ROOT, "U+%04X %s", c, Character.getName(c))
            : "'" + new String(Character.toChars(c)) + "'";
        return what + " at index " + i + " is not allowed";
      }
      if (i == 0 && !Character.isJavaIdentifierStart(c)) {
        return "it starts with '" + new String(Character.toChars(c)) + "'";
      }
      i += Character.charCount(c);
    }
    return null;
  }

  /** {@code "my-net"} → {@code "MyNet"}; the declaration's name when nothing usable is left. */
  private static String suggestName(String name, String fallback) {
    StringBuilder sb = new StringBuilder();
    boolean upper = true;
    for (int i = 0; i < name.length(); ) {
      int c = name.codePointAt(i);
      i += Character.charCount(c);
      if (Character.isIdentifierIgnorable(c) || !Character.isJavaIdentifierPart(c)) {
        upper = true;
      } else {
        sb.appendCodePoint(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return sb.length() > 0 && Character.isJavaIdentifierStart(sb.codePointAt(0)) ? sb.toString() : fallback;
  }

  private static void checkTree(
      List<Member> members, Diagnostics out, List<StackDecl> varying, Map<BlockDecl, Boolean> seen) {
    for (Member m : members) {
      if (m instanceof DenseDecl d) {
        if (d.units() <= 0) {
          out.report(Message.NON_POSITIVE_UNITS, d.unitsOrigin(), d.name(), d.units());
        }
      } else if (m instanceof StackDecl s) {
        checkRepeats(s, out);
        if (s.repeats().size() > 1 && !varying.contains(s)) {
          varying.add(s);
        }
        if (s.block() != null && seen.put(s.block(), Boolean.TRUE) == null) {
          checkBlockShape(s.block(), out);
          checkTree(s.block().members(), out, varying, seen);
        }
      }
    }
  }

  private static void checkRepeats(StackDecl s, Diagnostics out) {
    if (s.repeats().isEmpty()) {
      out.report(Message.EMPTY_REPEAT, s.repeatOrigin(), s.name());
    }
    Set<Integer> distinct = new HashSet<>();
    for (int r : s.repeats()) {
      if (r <= 0) {
        out.report(Message.NON_POSITIVE_REPEAT, s.repeatOrigin(), s.name(), r);
      } else if (!distinct.add(r)) {
        out.report(Message.DUPLICATE_REPEAT, s.repeatOrigin(), s.name(), r);
      }
    }
  }

  /** What a block's own member list must be: not empty, ending in a dense layer, not too long. */
  private static void checkBlockShape(BlockDecl block, Diagnostics out) {
    if (!block.complete()) {
      return; // a member was dropped for an error reported where it was read
    }
    if (block.members().isEmpty()) {
      out.report(Message.EMPTY_BLOCK, block.origin(), block.simpleName());
      return;
    }
    Member last = block.members().get(block.members().size() - 1);
    if (last instanceof StackDecl s) {
      out.report(Message.BLOCK_ENDS_WITH_STACK, s.origin(), block.simpleName(), s.name());
    }
    if (block.directLayers() > MAX_DIRECT_LAYERS) {
      out.report(Message.BLOCK_TOO_LONG, block.origin(), block.simpleName(), block.directLayers(), MAX_DIRECT_LAYERS);
    }
  }

  /**
   * Size and shape checks on every model of one declaration; {@code decl} locates what to fix.
   * Sizes come first, then the widths, whose mismatches are decisive over the output check.
   */
  public static void checkModels(List<NetworkModel> models, NetworkDecl decl, Diagnostics out) {
    checkModels(models, decl, out, fedWidths(models, decl));
  }

  /**
   * As {@link #checkModels(List, NetworkDecl, Diagnostics)}, knowing the widths other declarations
   * feed each block too ({@link #fedWidths}, by block class), so that no advice to change a block
   * breaks a use elsewhere.
   */
  public static void checkModels(
      List<NetworkModel> models, NetworkDecl decl, Diagnostics out, Map<String, Set<Integer>> fedWidths) {
    Index index = new Index(decl);
    for (NetworkModel model : models) {
      checkSizes(model, decl, index, out);
    }
    for (NetworkModel model : models) {
      for (BlockNode b : model.blocks()) {
        if (b.shortcut().equals("PROJECTION")) {
          for (Node child : b.children()) {
            if (child instanceof LayerNode l && l.fieldName().equals("shortcut")) {
              out.reportOnce(Message.SHORTCUT_NAME_TAKEN, index.dense(l).origin(), displayPath(l.path()),
                  displayPath(b.path()), b.path());
            }
          }
        }
      }
    }
    checkIdentityWidths(models, index, fedWidths, out);
    for (NetworkModel model : models) {
      checkOutput(model, decl, index, out);
    }
  }

  private static void checkSizes(NetworkModel model, NetworkDecl decl, Index index, Diagnostics out) {
    boolean layerTooLarge = false;
    for (LayerNode l : model.layers()) {
      if (l.weightCount() > MAX_ARRAY) {
        layerTooLarge = true;
        out.reportOnce(Message.LAYER_TOO_LARGE, index.dense(l).unitsOrigin(), "layer", displayPath(l.path()),
            l.units(), l.inputs(), l.weightCount(), MAX_ARRAY);
      }
    }
    for (BlockNode b : model.blocks()) {
      long projection = (long) b.outputs() * b.inputs();
      if (b.shortcut().equals("PROJECTION") && projection > MAX_ARRAY) {
        layerTooLarge = true;
        out.reportOnce(Message.LAYER_TOO_LARGE, index.stack(b).origin(), "projection shortcut of block",
            displayPath(b.path()), b.outputs(), b.inputs(), projection, MAX_ARRAY);
      }
    }
    if (!layerTooLarge && model.parameterCount() > MAX_ARRAY) {
      out.reportOnce(Message.TOO_MANY_PARAMETERS, decl.origin(), model.className(), model.parameterCount(), MAX_ARRAY);
    }
    // Activations need no check of their own: each activation value of a row comes with at least one
    // weight (and a layer's with a bias too), so a network whose parameters fit has fewer than
    // MAX_ARRAY activations per row, and the generated constructor refuses a maxBatch past MAX_BATCH.
  }

  /**
   * An identity block whose width changes. When every stack of the block feeds it one width, the
   * fix is in the block (make its last layer that wide); when stacks feed it different widths,
   * changing the block would break the other uses, so the fix is at each stack that feeds it the
   * wrong width; so it is too for a block compiled elsewhere, which cannot be changed here.
   */
  private static void checkIdentityWidths(
      List<NetworkModel> models, Index index, Map<String, Set<Integer>> fedWidths, Diagnostics out) {
    Map<BlockDecl, List<BlockNode>> failing = new LinkedHashMap<>();
    for (NetworkModel model : models) {
      for (BlockNode b : model.blocks()) {
        if (b.shortcut().equals("IDENTITY") && b.inputs() != b.outputs()) {
          failing.computeIfAbsent(index.stack(b).block(), k -> new ArrayList<>()).add(b);
        }
      }
    }
    for (Map.Entry<BlockDecl, List<BlockNode>> e : failing.entrySet()) {
      BlockDecl block = e.getKey();
      if (!block.shortcutOrigin().editable()) {
        for (BlockNode b : e.getValue()) {
          StackDecl s = index.stack(b);
          out.reportOnce(Message.LIBRARY_IDENTITY_WIDTH, s.origin(), block.simpleName(), b.outputs(),
              blockTrace(b), displayPath(stackPath(b.path())), b.inputs(), s.name(), b.outputs());
        }
        continue;
      }
      if (fedWidths.getOrDefault(block.qualifiedName(), Set.of()).size() <= 1) {
        BlockNode b = e.getValue().get(0);
        out.reportOnce(Message.IDENTITY_WIDTH, block.shortcutOrigin(), displayPath(b.path()), blockTrace(b),
            b.lastLayer().fieldName(), b.inputs());
        continue;
      }
      for (BlockNode b : e.getValue()) {
        StackDecl s = index.stack(b);
        out.reportOnce(Message.IDENTITY_WIDTH_AT_STACK, s.origin(), block.simpleName(), b.outputs(), blockTrace(b),
            displayPath(stackPath(b.path())), b.inputs(), s.name(), b.outputs(), block.simpleName());
      }
    }
  }

  /**
   * The widths each block class is fed where a stack of it starts, in {@code models}; later copies
   * of a stack are fed by the block itself, so a fix to the block changes them along.
   */
  public static Map<String, Set<Integer>> fedWidths(List<NetworkModel> models, NetworkDecl decl) {
    Index index = new Index(decl);
    Map<String, Set<Integer>> fed = new HashMap<>();
    for (NetworkModel model : models) {
      for (BlockNode b : model.blocks()) {
        if (b.path().endsWith(".0")) {
          fed.computeIfAbsent(index.stack(b).block().qualifiedName(), k -> new HashSet<>()).add(b.inputs());
        }
      }
    }
    return fed;
  }

  private static void checkOutput(NetworkModel model, NetworkDecl decl, Index index, Diagnostics out) {
    List<LayerNode> layers = model.layers();
    if (layers.isEmpty()) {
      return;
    }
    LayerNode last = layers.get(layers.size() - 1);
    DenseDecl lastDecl = index.dense(last);
    if (last.units() != model.outputs()) {
      out.reportOnce(Message.OUTPUT_WIDTH, lastDecl.unitsOrigin(), model.outputs(), displayPath(last.path()),
          units(last.units()), networkTrace(model), displayPath(last.path()), units(model.outputs()), last.units());
    }
    if (model.loss().equals("SOFTMAX_CROSS_ENTROPY") && !last.activation().equals("NONE")) {
      out.reportOnce(Message.LOSS_WANTS_LOGITS, lastDecl.activationOrigin(), displayPath(last.path()),
          last.activation());
    }
    if (!model.residual() && model.layerCount() > DEEP_PLAIN_LAYERS) {
      out.report(Message.DEEP_PLAIN, decl.variantsOrigin(), model.className(), model.layerCount());
    }
  }

  private static String units(int n) {
    return n == 1 ? "1 unit" : n + " units";
  }

  /**
   * The declaration's members by unrolled-path key: repeated blocks share one key
   * ({@code body.*.fc1}) so that a fault in 54 copies is one report at one element.
   */
  private static final class Index {
    private final Map<String, DenseDecl> dense = new HashMap<>();
    private final Map<String, StackDecl> stacks = new HashMap<>();

    Index(NetworkDecl decl) {
      add(decl.members(), "", new IdentityHashMap<>());
    }

    private void add(List<Member> members, String prefix, Map<BlockDecl, Boolean> open) {
      for (Member m : members) {
        if (m instanceof DenseDecl d) {
          dense.put(prefix + d.name(), d);
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

    DenseDecl dense(LayerNode l) {
      return dense.get(blockKey(l.path()));
    }

    StackDecl stack(BlockNode b) {
      return stacks.get(blockKey(b.path()));
    }
  }

  /** {@code body.3.inner.0} → {@code body.*.inner.*}: the key shared by every copy. */
  private static String blockKey(String path) {
    return path.replaceAll("\\.\\d+(?=\\.|$)", ".*");
  }

  /** {@code body.3} → {@code body}: the stack a block instance belongs to. */
  private static String stackPath(String blockPath) {
    return blockPath.substring(0, blockPath.lastIndexOf('.'));
  }

  /** {@code body.3.fc1} → {@code body[3].fc1}, the form users read. */
  public static String displayPath(String path) {
    return path.replaceAll("\\.(\\d+)(?=\\.|$)", "[$1]");
  }

  /** {@code input 128 → fc1 256 → fc2 64}. */
  static String blockTrace(BlockNode b) {
    StringBuilder sb = new StringBuilder("input ").append(b.inputs());
    for (Node n : b.children()) {
      String name = n instanceof LayerNode l ? l.fieldName() : displayPath(n.path().substring(b.path().length() + 1));
      int width = n instanceof LayerNode l ? l.units() : ((BlockNode) n).outputs();
      sb.append(" → ").append(name).append(' ').append(width);
    }
    return sb.toString();
  }

  /** {@code input 784 → stem 64 → body[0..8] 64 → head 12}, repeated blocks folded. */
  static String networkTrace(NetworkModel model) {
    StringBuilder sb = new StringBuilder("input ").append(model.inputs());
    List<Node> nodes = model.nodes();
    int i = 0;
    while (i < nodes.size()) {
      Node n = nodes.get(i);
      if (n instanceof LayerNode l) {
        sb.append(" → ").append(displayPath(l.path())).append(' ').append(l.units());
        i++;
        continue;
      }
      BlockNode b = (BlockNode) n;
      String stack = stackPath(b.path());
      int j = i;
      while (j + 1 < nodes.size() && nodes.get(j + 1) instanceof BlockNode next
          && next.path().startsWith(stack + ".") && next.outputs() == b.outputs()) {
        j++;
      }
      String first = b.path().substring(stack.length() + 1);
      String lastIndex = nodes.get(j).path().substring(stack.length() + 1);
      sb.append(" → ").append(displayPath(stack)).append('[').append(first)
          .append(j > i ? ".." + lastIndex : "").append("] ").append(b.outputs());
      i = j + 1;
    }
    return sb.toString();
  }

  /**
   * What every shortcut of a residual model resolved to, one line per run of copies that resolved
   * alike: {@code body[0] (Wide) AUTO → projection 256 → 265}, {@code body[1..8] (Wide) AUTO →
   * identity 265}. Null for a model without shortcuts.
   */
  public static String explainShortcuts(NetworkModel model) {
    List<String> lines = new ArrayList<>();
    List<BlockNode> blocks = model.blocks();
    int i = 0;
    while (i < blocks.size()) {
      BlockNode first = blocks.get(i);
      int j = i;
      // Blocks are in preorder, so a block with blocks inside is never followed by its own sibling.
      while (j + 1 < blocks.size() && resolvedAlike(first, blocks.get(j), blocks.get(j + 1))) {
        j++;
      }
      if (!first.shortcut().equals("NONE")) {
        int from = index(first.path());
        int to = index(blocks.get(j).path());
        String widths = first.shortcut().equals("PROJECTION")
            ? first.inputs() + " → " + first.outputs() : Integer.toString(first.outputs());
        lines.add(displayPath(stackPath(first.path())) + (from == to ? "[" + from + "]" : "[" + from + ".." + to + "]")
            + " (" + first.blockType() + ") " + first.declaredShortcut() + " → "
            + first.shortcut().toLowerCase(java.util.Locale.ROOT) + " " + widths);
      }
      i = j + 1;
    }
    // javac indents the lines after a diagnostic's first line itself.
    return lines.isEmpty() ? null : "shortcuts as resolved:\n" + String.join("\n", lines);
  }

  private static boolean resolvedAlike(BlockNode first, BlockNode previous, BlockNode next) {
    return stackPath(next.path()).equals(stackPath(first.path()))
        && index(next.path()) == index(previous.path()) + 1
        && next.shortcut().equals(first.shortcut()) && next.declaredShortcut().equals(first.declaredShortcut())
        && next.inputs() == first.inputs() && next.outputs() == first.outputs();
  }

  private static int index(String blockPath) {
    return Integer.parseInt(blockPath.substring(blockPath.lastIndexOf('.') + 1));
  }
}
