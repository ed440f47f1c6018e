package dev.shortcut.processor.model;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Init;
import dev.shortcut.annotations.Loss;
import dev.shortcut.annotations.Precision;
import dev.shortcut.annotations.Shortcut;
import java.util.ArrayList;
import java.util.List;

/**
 * One generated network, fully unrolled: the tree of layers and blocks in forward order, with
 * every shape, every resolved shortcut, every parameter and buffer offset, every activation slot,
 * and the plan of its backward pass. Built by {@link ModelBuilder}; read by validation and writing.
 *
 * <p>Sizes and offsets are {@code long}, computed exactly (saturating at {@link Long#MAX_VALUE}):
 * validation, not arithmetic, decides whether they fit the runtime's {@code int}-indexed arrays.
 *
 * @param className simple name of the generated class
 * @param imageInput whether the input is an image (a declared 1×1 image is still one)
 * @param residual {@code false} for a plain twin
 * @param nodes top-level layers and blocks in forward order
 * @param slots every activation slot, per sample; slot 0 is the input
 * @param parameterCount scalars in the parameter array
 * @param bufferCount scalars in the buffer array (batch-normalization running statistics)
 * @param counterCount {@code num_batches_tracked} counters, one per batch normalization
 * @param statisticsCount scalars of the per-batch statistics batch normalizations keep for backward
 * @param gradients which gradient writes overwrite and which accumulate, and where gradients live
 */
public record NetworkModel(
    String packageName,
    String className,
    NetworkDeclRef declaration,
    Shape input,
    boolean imageInput,
    int outputs,
    Loss loss,
    Precision precision,
    boolean residual,
    List<Node> nodes,
    List<Slot> slots,
    long parameterCount,
    long bufferCount,
    int counterCount,
    long statisticsCount,
    GradientPlan gradients) {

  /**
   * The longest array a JVM reliably allocates (HotSpot refuses the last few indices below
   * {@link Integer#MAX_VALUE}): the runtime keeps parameters, and the activations of each batch row
   * laid side by side, in one array each.
   */
  public static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  /**
   * Floats a batch normalization keeps per channel between its forward and backward passes (the
   * batch mean, 1/σ and two working sums): the runtime's {@code Kernels.batchNormScratchSize},
   * which the generated constructor checks.
   */
  public static final int NORM_STATISTICS_PER_CHANNEL = 4;

  /** The declaration a model came from, by name. */
  public record NetworkDeclRef(String qualifiedName, String simpleName) {}

  /** An activation slot: one layer's output, per sample. */
  public record Slot(String name, Shape shape) {}

  /** How a block's input reaches its addition, once resolved. */
  public enum ShortcutKind {
    /** No shortcut: a block of a plain twin. */
    NONE,
    IDENTITY,
    PROJECTION,
    ZERO_PAD
  }

  /** A layer or a block. */
  public sealed interface Node permits Layer, Block {
    /** Dotted path, e.g. {@code body.3.fc1}. */
    String path();

    Shape input();

    Shape output();

    /** Activation slot this node reads. */
    int inputSlot();

    /** Activation slot holding this node's output. */
    int outputSlot();
  }

  /** A layer: one declared field (or a projection's part). */
  public sealed interface Layer extends Node permits Dense, Conv, Norm, Pool, GlobalPool {
    /** The field's name (the last path segment). */
    String fieldName();

    /** Path of the innermost enclosing block, or null. */
    String blockPath();

    /**
     * Whether the enclosing residual block's shortcut joins this layer's output before its
     * activation: its last linear layer, or that layer's batch normalization.
     */
    default boolean joinsShortcut() {
      return false;
    }
  }

  /**
   * A dense layer {@code a = g(W a_in + b)}; a flattened image when its input is not flat.
   *
   * @param activation what this layer applies: {@code NONE} when a batch normalization follows,
   *     which applies the declared activation itself
   * @param init resolved initialization (never AUTO)
   * @param bias offset of the bias, or -1 (a projection has none)
   * @param normalized whether a batch normalization follows
   */
  public record Dense(
      String path,
      String fieldName,
      Shape input,
      int units,
      Activation activation,
      Init init,
      long weight,
      long bias,
      boolean normalized,
      boolean joinsShortcut,
      int inputSlot,
      int outputSlot,
      String blockPath)
      implements Layer {
    @Override
    public Shape output() {
      return Shape.flat(units);
    }

    /** Inputs of the weight matrix: the flattened input. */
    public long inputs() {
      return input.size();
    }

    /** Scalars in the weight matrix, {@code units × inputs}, exact. */
    public long weightCount() {
      return units * input.size();
    }
  }

  /**
   * A 2-D convolution {@code a = g(W * a_in + b)}, weights stored {@code [kh][kw][in][out]}.
   *
   * @param activation what this layer applies: {@code NONE} when a batch normalization follows
   * @param bias offset of the bias, or -1
   */
  public record Conv(
      String path,
      String fieldName,
      Shape input,
      Shape output,
      int kernel,
      int stride,
      int padding,
      Activation activation,
      Init init,
      long weight,
      long bias,
      boolean normalized,
      boolean joinsShortcut,
      int inputSlot,
      int outputSlot,
      String blockPath)
      implements Layer {
    /** Scalars in the weight tensor, exact. */
    public long weightCount() {
      return (long) kernel * kernel * input.channels() * output.channels();
    }
  }

  /**
   * Batch normalization of the previous layer's linear output, then that layer's activation (and,
   * where it joins, the shortcut before it): {@code a = g(γ x̂ + β [+ s])}.
   *
   * @param gamma offset of γ ({@code weight}) among the parameters; β follows it
   * @param runningMean offset of the running mean among the buffers; the running variance follows
   * @param counter index of its {@code num_batches_tracked} counter
   * @param statistics offset of its per-batch statistics
   * @param zeroGamma whether γ starts at 0 (the last normalization of a residual block)
   */
  public record Norm(
      String path,
      String fieldName,
      Shape input,
      Activation activation,
      boolean zeroGamma,
      long gamma,
      long runningMean,
      int counter,
      long statistics,
      boolean joinsShortcut,
      int inputSlot,
      int outputSlot,
      String blockPath)
      implements Layer {
    @Override
    public Shape output() {
      return input;
    }

    /** Offset of β. */
    public long beta() {
      return gamma + input.channels();
    }

    /** Offset of the running variance. */
    public long runningVar() {
      return runningMean + input.channels();
    }
  }

  /** Max or average pooling over {@code kernel × kernel} windows. */
  public record Pool(
      String path,
      String fieldName,
      boolean max,
      Shape input,
      Shape output,
      int kernel,
      int stride,
      int padding,
      int inputSlot,
      int outputSlot,
      String blockPath)
      implements Layer {}

  /** The mean of each channel: {@code C × H × W → C}. */
  public record GlobalPool(String path, String fieldName, Shape input, int inputSlot, int outputSlot, String blockPath)
      implements Layer {
    @Override
    public Shape output() {
      return Shape.flat(input.channels());
    }
  }

  /**
   * A block instance. In a plain twin {@code shortcut} is {@code NONE}.
   *
   * @param declared the block's {@code shortcut} attribute, e.g. {@code AUTO}
   * @param stride how much the main path shrinks height and width (1 when it keeps them)
   * @param projection the projection shortcut's layers (a dense or 1×1 convolution, then its batch
   *     normalization if the block normalizes), empty for other shortcuts
   */
  public record Block(
      String path,
      String blockType,
      Shape input,
      Shape output,
      ShortcutKind shortcut,
      Shortcut declared,
      int stride,
      List<Layer> projection,
      int inputSlot,
      int outputSlot,
      List<Node> children)
      implements Node {
    public Block {
      projection = List.copyOf(projection);
      children = List.copyOf(children);
    }

    /** The main path's last layer, where the shortcut joins. */
    public Layer lastLayer() {
      return (Layer) children.get(children.size() - 1);
    }

    /**
     * Whether its main path convolves or pools: its maps are images even where strides take them
     * down to 1×1, so its projection is a convolution, not a dense {@code W_s}.
     */
    public boolean spatial() {
      return NetworkModel.spatial(children);
    }

    /** Whether its main path makes vectors: a dense layer or global pooling. */
    public boolean flattening() {
      return contains(children, l -> l instanceof Dense || l instanceof GlobalPool);
    }

    /** The slot holding the shortcut's operand: the block input, or the projection's output. */
    public int shortcutSlot() {
      return projection.isEmpty() ? inputSlot : projection.get(projection.size() - 1).outputSlot();
    }

    /**
     * Steps of the main path, the {@code k} of {@code a[l+k]}: weighted layers (whose batch
     * normalizations belong to them) and inner blocks; pooling counts as a step too.
     */
    public int steps() {
      int k = 0;
      for (Node n : children) {
        k += n instanceof Norm ? 0 : 1;
      }
      return k;
    }
  }

  /** Whether a main path convolves or pools, in its own layers or its blocks'. See {@link Block#spatial}. */
  public static boolean spatial(List<Node> path) {
    return contains(path, l -> l instanceof Conv || l instanceof Pool);
  }

  private static boolean contains(List<Node> nodes, java.util.function.Predicate<Layer> kind) {
    for (Node n : nodes) {
      if (n instanceof Layer l ? kind.test(l) : contains(((Block) n).children(), kind)) {
        return true;
      }
    }
    return false;
  }

  /** Every layer of the main paths in forward order (projections not included). */
  public List<Layer> layers() {
    List<Layer> out = new ArrayList<>();
    collectLayers(nodes, out, false);
    return out;
  }

  /** Every layer in forward order, each projection's right after its block's main path. */
  public List<Layer> allLayers() {
    List<Layer> out = new ArrayList<>();
    collectLayers(nodes, out, true);
    return out;
  }

  /** Every block in forward order, outer before inner. */
  public List<Block> blocks() {
    List<Block> out = new ArrayList<>();
    collectBlocks(nodes, out);
    return out;
  }

  /** The paper's depth: dense and convolution layers of the main paths. */
  public int layerCount() {
    return (int) layers().stream().filter(NetworkModel::weighted).count();
  }

  /** Whether a layer counts toward the paper's depth. */
  public static boolean weighted(Layer l) {
    return l instanceof Dense || l instanceof Conv;
  }

  /** The slot of the network's output: the last layer's. */
  public int outputSlot() {
    List<Layer> layers = layers();
    return layers.get(layers.size() - 1).outputSlot();
  }

  /** The network's output shape, before flattening. */
  public Shape output() {
    List<Layer> layers = layers();
    return layers.get(layers.size() - 1).output();
  }

  /**
   * The first batch normalization that sees one value per channel and sample (a 1×1 map, or a
   * dense layer's output): in training mode it needs batches of at least two samples, as PyTorch
   * requires. Empty when every normalized map has more than one pixel.
   */
  public java.util.Optional<Norm> singleValueNormalization() {
    return allLayers().stream().filter(l -> l instanceof Norm n && n.input().pixels() == 1).map(l -> (Norm) l)
        .findFirst();
  }

  /** Whether any layer normalizes: the network then has a training and an evaluation mode. */
  public boolean hasModes() {
    return counterCount > 0;
  }

  /** Sum of all slot sizes: activation scalars per sample, exact. */
  public long activationWidth() {
    long sum = 0;
    for (Slot s : slots) {
      sum += s.shape().size();
    }
    return sum;
  }

  private static void collectLayers(List<Node> nodes, List<Layer> out, boolean projections) {
    for (Node n : nodes) {
      if (n instanceof Layer l) {
        out.add(l);
      } else if (n instanceof Block b) {
        collectLayers(b.children(), out, projections);
        if (projections) {
          out.addAll(b.projection());
        }
      }
    }
  }

  private static void collectBlocks(List<Node> nodes, List<Block> out) {
    for (Node n : nodes) {
      if (n instanceof Block b) {
        out.add(b);
        collectBlocks(b.children(), out);
      }
    }
  }
}
