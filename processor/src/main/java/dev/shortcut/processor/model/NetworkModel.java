package dev.shortcut.processor.model;

import java.util.ArrayList;
import java.util.List;

/**
 * One generated network, fully unrolled: the tree of layers and blocks in forward order, with
 * every width, every resolved shortcut, every parameter offset and every activation slot. Built
 * by {@link ModelBuilder}; read by validation and writing.
 *
 * <p>Sizes and offsets are {@code long}, computed exactly (saturating at {@link Long#MAX_VALUE}):
 * validation, not arithmetic, decides whether they fit the runtime's {@code int}-indexed arrays.
 *
 * @param className simple name of the generated class
 * @param residual {@code false} for a plain twin
 * @param nodes top-level layers and blocks in forward order
 * @param slotWidths width of each activation slot; slot 0 is the input
 * @param parameterCount scalars in the parameter array
 */
public record NetworkModel(
    String packageName,
    String className,
    NetworkDeclRef declaration,
    int inputs,
    int outputs,
    String loss,
    String precision,
    boolean residual,
    List<Node> nodes,
    List<Integer> slotWidths,
    List<String> slotNames,
    long parameterCount) {

  /**
   * The longest array a JVM reliably allocates (HotSpot refuses the last few indices below
   * {@link Integer#MAX_VALUE}): the runtime keeps parameters, and the activations of each batch row
   * laid side by side, in one array each.
   */
  public static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  /** The declaration a model came from, by name. */
  public record NetworkDeclRef(String qualifiedName, String simpleName) {}

  /** A layer or a block. */
  public sealed interface Node permits LayerNode, BlockNode {
    /** Dotted path, e.g. {@code body.3.fc1}. */
    String path();

    /** Activation slot holding this node's output. */
    int outputSlot();
  }

  /**
   * A dense layer {@code a = g(W a_in + b)}.
   *
   * @param init resolved initialization (never AUTO)
   * @param joinsShortcut whether the enclosing residual block adds its shortcut before {@code g}
   */
  public record LayerNode(
      String path,
      String fieldName,
      int inputs,
      int units,
      String activation,
      String init,
      long weightOffset,
      long biasOffset,
      int inputSlot,
      int outputSlot,
      boolean joinsShortcut,
      String blockPath)
      implements Node {

    /** Scalars in the weight matrix, {@code units × inputs}, exact. */
    public long weightCount() {
      return (long) units * inputs;
    }
  }

  /**
   * A block instance. In a plain twin {@code shortcut} is {@code "NONE"}.
   *
   * @param shortcut {@code NONE}, {@code IDENTITY} or {@code PROJECTION}
   * @param declaredShortcut the block's {@code shortcut} attribute, e.g. {@code AUTO}
   * @param projectionOffset offset of {@code W_s}, or -1
   * @param projectionSlot scratch slot for {@code W_s a[l]}, or -1
   */
  public record BlockNode(
      String path,
      String blockType,
      int inputs,
      int outputs,
      String shortcut,
      String declaredShortcut,
      long projectionOffset,
      int projectionSlot,
      int inputSlot,
      int outputSlot,
      List<Node> children)
      implements Node {

    /** The block's last dense layer, whose activation follows the addition. */
    public LayerNode lastLayer() {
      Node last = children.get(children.size() - 1);
      return (LayerNode) last;
    }

    /** Steps of the main path (layers and inner blocks): the {@code k} of {@code a[l+k]}. */
    public int steps() {
      return children.size();
    }
  }

  /** Every dense layer in forward order. */
  public List<LayerNode> layers() {
    List<LayerNode> out = new ArrayList<>();
    collectLayers(nodes, out);
    return out;
  }

  /** Every block in forward order, outer before inner. */
  public List<BlockNode> blocks() {
    List<BlockNode> out = new ArrayList<>();
    collectBlocks(nodes, out);
    return out;
  }

  /** The paper's depth: the number of dense layers. */
  public int layerCount() {
    return layers().size();
  }

  /** Sum of all slot widths: activation scalars per sample, exact. */
  public long activationWidth() {
    long sum = 0;
    for (int w : slotWidths) {
      sum += w;
    }
    return sum;
  }

  private static void collectLayers(List<Node> nodes, List<LayerNode> out) {
    for (Node n : nodes) {
      if (n instanceof LayerNode l) {
        out.add(l);
      } else if (n instanceof BlockNode b) {
        collectLayers(b.children(), out);
      }
    }
  }

  private static void collectBlocks(List<Node> nodes, List<BlockNode> out) {
    for (Node n : nodes) {
      if (n instanceof BlockNode b) {
        out.add(b);
        collectBlocks(b.children(), out);
      }
    }
  }
}
