package dev.shortcut.processor.model;

import dev.shortcut.processor.model.Declarations.BlockDecl;
import dev.shortcut.processor.model.Declarations.DenseDecl;
import dev.shortcut.processor.model.Declarations.Member;
import dev.shortcut.processor.model.Declarations.NetworkDecl;
import dev.shortcut.processor.model.Declarations.StackDecl;
import dev.shortcut.processor.model.NetworkModel.BlockNode;
import dev.shortcut.processor.model.NetworkModel.LayerNode;
import dev.shortcut.processor.model.NetworkModel.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * Unrolls a declaration into one {@link NetworkModel} per variant and depth. Assumes the
 * declaration passed structural validation (positive sizes, blocks that end in a dense layer, no
 * cycles, a {@link #totalLayerCount} the processor accepts); shape and size checks run on the
 * models it builds. Sizes are exact: {@code long}, saturating rather than wrapping.
 */
public final class ModelBuilder {

  /** The depth family's varying stack: which member, and its repeat counts. */
  private record DepthChoice(StackDecl stack, int repeat) {}

  private ModelBuilder() {}

  /** Every model a declaration generates: residual then plain, each by increasing depth. */
  public static List<NetworkModel> build(NetworkDecl decl) {
    StackDecl varying = varyingStack(decl.members());
    List<DepthChoice> choices = new ArrayList<>();
    if (varying == null) {
      choices.add(null);
    } else {
      for (int r : varying.repeats()) {
        choices.add(new DepthChoice(varying, r));
      }
    }
    List<NetworkModel> models = new ArrayList<>();
    for (String variant : List.of("RESIDUAL", "PLAIN")) {
      if (!decl.variants().contains(variant)) {
        continue;
      }
      List<NetworkModel> byDepth = new ArrayList<>();
      for (DepthChoice choice : choices) {
        byDepth.add(new Unroller(decl, variant.equals("RESIDUAL"), choice, choices.size() > 1).run());
      }
      byDepth.sort((a, b) -> Integer.compare(a.layerCount(), b.layerCount()));
      models.addAll(byDepth);
    }
    return models;
  }

  /** The one stack (anywhere in the tree) that lists several repeat counts, or null. */
  static StackDecl varyingStack(List<Member> members) {
    for (Member m : members) {
      if (m instanceof StackDecl s && s.block() != null) {
        if (s.repeats().size() > 1) {
          return s;
        }
        StackDecl inner = varyingStack(s.block().members());
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  /** Resolves {@code AUTO} initialization for a layer's activation. */
  static String resolveInit(String declared, String activation) {
    if (!declared.equals("AUTO")) {
      return declared;
    }
    return activation.equals("RELU") || activation.equals("LEAKY_RELU") ? "HE_NORMAL" : "XAVIER_NORMAL";
  }

  /**
   * Dense layers of every model a declaration unrolls into, together, counted without unrolling and
   * saturating at {@link Long#MAX_VALUE}, so that {@code repeat = 2_000_000_000} is measured, not
   * built.
   */
  public static long totalLayerCount(NetworkDecl decl) {
    StackDecl varying = varyingStack(decl.members());
    long perVariant = 0;
    if (varying == null) {
      perVariant = layerCount(decl.members(), null);
    } else {
      for (int r : varying.repeats()) {
        perVariant = saturatedAdd(perVariant, layerCount(decl.members(), new DepthChoice(varying, r)));
      }
    }
    return saturatedMultiply(perVariant, new java.util.HashSet<>(decl.variants()).size());
  }

  private static long layerCount(List<Member> members, DepthChoice choice) {
    long count = 0;
    for (Member m : members) {
      if (m instanceof DenseDecl) {
        count = saturatedAdd(count, 1);
      } else if (m instanceof StackDecl s && s.block() != null) {
        long repeat = Math.max(0, choice != null && choice.stack() == s ? choice.repeat() : s.repeats().get(0));
        count = saturatedAdd(count, saturatedMultiply(repeat, layerCount(s.block().members(), choice)));
      }
    }
    return count;
  }

  static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  static long saturatedMultiply(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    return high != 0 || low < 0 ? Long.MAX_VALUE : low;
  }

  /** Simple name of a generated class. */
  public static String className(String baseName, boolean residual, int layers, boolean severalDepths) {
    return (residual ? "Residual" : "Plain") + baseName + (severalDepths ? Integer.toString(layers) : "");
  }

  /** Walks one declaration for one variant and depth, assigning offsets and slots. */
  private static final class Unroller {
    private final NetworkDecl decl;
    private final boolean residual;
    private final DepthChoice choice;
    private final boolean severalDepths;
    private final List<Integer> slotWidths = new ArrayList<>();
    private final List<String> slotNames = new ArrayList<>();
    private long nextParameter;

    Unroller(NetworkDecl decl, boolean residual, DepthChoice choice, boolean severalDepths) {
      this.decl = decl;
      this.residual = residual;
      this.choice = choice;
      this.severalDepths = severalDepths;
    }

    NetworkModel run() {
      int inputSlot = newSlot(decl.inputs(), "input");
      List<Node> nodes = members(decl.members(), "", inputSlot, decl.inputs(), null, null);
      NetworkModel provisional =
          new NetworkModel(
              decl.packageName(), "", new NetworkModel.NetworkDeclRef(decl.qualifiedName(), decl.declarationName()),
              decl.inputs(), decl.outputs(), decl.loss(), decl.precision(), residual, nodes,
              List.copyOf(slotWidths), List.copyOf(slotNames), nextParameter);
      String name = className(decl.baseName(), residual, provisional.layerCount(), severalDepths);
      return new NetworkModel(
          decl.packageName(), name, provisional.declaration(), decl.inputs(), decl.outputs(),
          decl.loss(), decl.precision(), residual, nodes, provisional.slotWidths(),
          provisional.slotNames(), nextParameter);
    }

    /**
     * Unrolls members in order. {@code enclosing} is the block whose main path this is (null at
     * the top); its last dense layer joins the shortcut.
     */
    private List<Node> members(
        List<Member> members, String prefix, int inputSlot, int width, BlockDecl enclosing, String blockPath) {
      List<Node> nodes = new ArrayList<>();
      int slot = inputSlot;
      for (int i = 0; i < members.size(); i++) {
        Member m = members.get(i);
        boolean last = i == members.size() - 1;
        if (m instanceof DenseDecl d) {
          String path = prefix + d.name();
          boolean joins = last && enclosing != null && residual;
          String init = resolveInit(d.init(), d.activation());
          if (joins && enclosing.zeroInitLast() && d.init().equals("AUTO")) {
            init = "ZERO";
          }
          long weight = take((long) d.units() * width);
          long bias = take(d.units());
          int out = newSlot(d.units(), path);
          nodes.add(new LayerNode(path, d.name(), width, d.units(), d.activation(), init, weight, bias, slot,
              out, joins, blockPath));
          slot = out;
          width = d.units();
        } else if (m instanceof StackDecl s && s.block() != null) {
          int repeat = choice != null && choice.stack() == s ? choice.repeat() : s.repeats().get(0);
          for (int r = 0; r < repeat; r++) {
            BlockNode b = block(s.block(), prefix + s.name() + "." + r, slot, width);
            nodes.add(b);
            slot = b.outputSlot();
            width = b.outputs();
          }
        }
      }
      return nodes;
    }

    private BlockNode block(BlockDecl decl, String path, int inputSlot, int width) {
      int outWidth = outputWidth(decl.members(), width);
      String shortcut = "NONE";
      if (residual) {
        shortcut = decl.shortcut().equals("AUTO") ? (outWidth == width ? "IDENTITY" : "PROJECTION") : decl.shortcut();
      }
      long projection = -1;
      int projectionSlot = -1;
      if (shortcut.equals("PROJECTION")) {
        projection = take((long) outWidth * width);
        projectionSlot = newSlot(outWidth, path + ".shortcut");
      }
      List<Node> children = members(decl.members(), path + ".", inputSlot, width, decl, path);
      int outSlot = children.isEmpty() ? inputSlot : children.get(children.size() - 1).outputSlot();
      return new BlockNode(path, decl.simpleName(), width, outWidth, shortcut, decl.shortcut(), projection,
          projectionSlot, inputSlot, outSlot, children);
    }

    private int outputWidth(List<Member> members, int width) {
      for (Member m : members) {
        if (m instanceof DenseDecl d) {
          width = d.units();
        } else if (m instanceof StackDecl s && s.block() != null) {
          int repeat = choice != null && choice.stack() == s ? choice.repeat() : s.repeats().get(0);
          for (int r = 0; r < repeat; r++) {
            width = outputWidth(s.block().members(), width);
          }
        }
      }
      return width;
    }

    private long take(long size) {
      long offset = nextParameter;
      nextParameter = saturatedAdd(nextParameter, size);
      return offset;
    }

    private int newSlot(int width, String name) {
      slotWidths.add(width);
      slotNames.add(name);
      return slotWidths.size() - 1;
    }
  }
}
