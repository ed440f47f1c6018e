package dev.shortcut.processor.validation;

import dev.shortcut.processor.model.Declarations.BlockDecl;
import dev.shortcut.processor.model.Declarations.DenseDecl;
import dev.shortcut.processor.model.Declarations.Member;
import dev.shortcut.processor.model.Declarations.NetworkDecl;
import dev.shortcut.processor.model.Declarations.StackDecl;
import dev.shortcut.processor.model.NetworkModel;
import dev.shortcut.processor.model.NetworkModel.BlockNode;
import dev.shortcut.processor.model.NetworkModel.LayerNode;
import dev.shortcut.processor.model.NetworkModel.Node;
import dev.shortcut.processor.model.Origin;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a declaration's structure, then the shapes of the models it unrolls into. Each fault is
 * reported once, at the element (and annotation value) to fix, however many unrolled copies share
 * it.
 */
public final class Validator {
  /** Plain networks deeper than this get a warning: the lecture's degradation sets in. */
  static final int DEEP_PLAIN_LAYERS = 30;

  private Validator() {}

  /** Structural checks that need no shapes. */
  public static void checkDeclaration(NetworkDecl decl, Diagnostics out) {
    if (decl.inputs() <= 0) {
      out.report(Message.NON_POSITIVE_SIZE, decl.inputsOrigin(), "inputs", decl.inputs(), "input");
    }
    if (decl.outputs() <= 0) {
      out.report(Message.NON_POSITIVE_SIZE, decl.outputsOrigin(), "outputs", decl.outputs(), "output");
    }
    if (decl.variants().isEmpty()) {
      out.report(Message.NO_VARIANTS, decl.origin(), decl.declarationName());
    }
    if (decl.members().isEmpty()) {
      out.report(Message.EMPTY_NETWORK, decl.origin(), decl.declarationName());
    }
    List<StackDecl> varying = new ArrayList<>();
    checkMembers(decl.members(), out, varying, new IdentityHashMap<>());
    if (varying.size() > 1) {
      out.report(Message.SEVERAL_VARYING_STACKS, varying.get(1).repeatOrigin(),
          varying.get(0).name(), varying.get(1).name());
    }
    boolean anyBlock = decl.members().stream().anyMatch(m -> m instanceof StackDecl);
    if (!anyBlock && !decl.members().isEmpty()) {
      out.report(Message.NO_SHORTCUTS, decl.origin(), decl.declarationName());
    }
  }

  private static void checkMembers(
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
          checkBlock(s.block(), out);
          checkMembers(s.block().members(), out, varying, seen);
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

  /** Checks one block declaration on its own (also for blocks that no network uses). */
  public static void checkBlock(BlockDecl block, Diagnostics out) {
    if (block.members().isEmpty()) {
      out.report(Message.EMPTY_BLOCK, block.origin(), block.simpleName());
      return;
    }
    Member last = block.members().get(block.members().size() - 1);
    if (last instanceof StackDecl s) {
      out.report(Message.BLOCK_ENDS_WITH_STACK, s.origin(), block.simpleName(), s.name());
    }
  }

  /** Shape checks on one unrolled model; {@code decl} locates what to fix. */
  public static void checkModel(NetworkModel model, NetworkDecl decl, Diagnostics out) {
    Map<String, Origin> originsByPath = new java.util.HashMap<>();
    indexOrigins(decl.members(), "", originsByPath, new IdentityHashMap<>());
    for (BlockNode b : model.blocks()) {
      if (b.shortcut().equals("IDENTITY") && b.inputs() != b.outputs()) {
        LayerNode last = b.lastLayer();
        Origin where = originsByPath.getOrDefault(blockKey(b.path()), decl.origin());
        out.report(Message.IDENTITY_WIDTH, where, displayPath(b.path()), blockTrace(b),
            last.fieldName(), b.inputs());
      }
    }
    List<LayerNode> layers = model.layers();
    if (layers.isEmpty()) {
      return;
    }
    LayerNode last = layers.get(layers.size() - 1);
    Origin lastOrigin = originsByPath.getOrDefault(last.path() + "#units", decl.origin());
    if (last.units() != model.outputs()) {
      out.report(Message.OUTPUT_WIDTH, lastOrigin, model.outputs(), displayPath(last.path()),
          last.units(), networkTrace(model), displayPath(last.path()), model.outputs(), last.units());
    }
    if (model.loss().equals("SOFTMAX_CROSS_ENTROPY") && !last.activation().equals("NONE")) {
      out.report(Message.LOSS_WANTS_LOGITS,
          originsByPath.getOrDefault(last.path() + "#activation", decl.origin()),
          displayPath(last.path()), last.activation());
    }
    if (!model.residual() && model.layerCount() > DEEP_PLAIN_LAYERS) {
      out.report(Message.DEEP_PLAIN, decl.origin(), model.className(), model.layerCount());
    }
  }

  /**
   * Maps unrolled paths to the declaration's origins. Repeated blocks share one key
   * ({@code body.*.fc1}) so that a fault in 54 copies is one report at one element.
   */
  private static void indexOrigins(
      List<Member> members, String prefix, Map<String, Origin> out, Map<BlockDecl, Boolean> seen) {
    for (Member m : members) {
      if (m instanceof DenseDecl d) {
        out.put(prefix + d.name() + "#units", d.unitsOrigin());
        out.put(prefix + d.name() + "#activation", d.activationOrigin());
      } else if (m instanceof StackDecl s && s.block() != null) {
        String blockPrefix = prefix + s.name() + ".*";
        out.put(blockPrefix, s.block().shortcut().equals("IDENTITY") ? s.block().shortcutOrigin() : s.origin());
        if (seen.put(s.block(), Boolean.TRUE) == null) {
          indexOrigins(s.block().members(), blockPrefix + ".", out, seen);
        }
        seen.remove(s.block());
      }
    }
  }

  /** {@code body.3.inner.0} → {@code body.*.inner.*}: the key shared by every copy. */
  private static String blockKey(String path) {
    return path.replaceAll("\\.\\d+(?=\\.|$)", ".*");
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
      String stack = b.path().substring(0, b.path().lastIndexOf('.'));
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
}
