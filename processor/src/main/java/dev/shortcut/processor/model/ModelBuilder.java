package dev.shortcut.processor.model;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Bias;
import dev.shortcut.annotations.Conv;
import dev.shortcut.annotations.Init;
import dev.shortcut.annotations.Shortcut;
import dev.shortcut.annotations.Variant;
import dev.shortcut.processor.model.Declarations.BlockDecl;
import dev.shortcut.processor.model.Declarations.ConvDecl;
import dev.shortcut.processor.model.Declarations.DenseDecl;
import dev.shortcut.processor.model.Declarations.GlobalPoolDecl;
import dev.shortcut.processor.model.Declarations.LayerDecl;
import dev.shortcut.processor.model.Declarations.Member;
import dev.shortcut.processor.model.Declarations.NetworkDecl;
import dev.shortcut.processor.model.Declarations.NormDecl;
import dev.shortcut.processor.model.Declarations.PoolDecl;
import dev.shortcut.processor.model.Declarations.StackDecl;
import dev.shortcut.processor.model.NetworkModel.Block;
import dev.shortcut.processor.model.NetworkModel.Layer;
import dev.shortcut.processor.model.NetworkModel.Node;
import dev.shortcut.processor.model.NetworkModel.ShortcutKind;
import dev.shortcut.processor.model.NetworkModel.Slot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Unrolls a declaration into one {@link NetworkModel} per variant and depth. Assumes the
 * declaration passed structural validation (sizes and attributes in range, batch normalizations
 * after a linear layer, blocks that end in one, no cycles, varying stacks of equal lengths, a
 * {@link #totalLayerCount} the processor accepts); shape and size checks run on the models it
 * builds, so shapes here may come out empty and are reported there. Sizes are exact:
 * {@code long}, saturating rather than wrapping.
 */
public final class ModelBuilder {

  private ModelBuilder() {}

  /** Every model a declaration generates: residual then plain, each by increasing depth. */
  public static List<NetworkModel> build(NetworkDecl decl) {
    List<StackDecl> varying = varyingStacks(decl.members());
    int depths = varying.isEmpty() ? 1 : varying.get(0).repeats().size();
    List<NetworkModel> models = new ArrayList<>();
    for (Variant variant : List.of(Variant.RESIDUAL, Variant.PLAIN)) {
      if (!decl.variants().contains(variant)) {
        continue;
      }
      List<NetworkModel> byDepth = new ArrayList<>();
      for (int choice = 0; choice < depths; choice++) {
        byDepth.add(new Unroller(decl, variant == Variant.RESIDUAL, choice, depths > 1).run());
      }
      byDepth.sort((a, b) -> Integer.compare(a.layerCount(), b.layerCount()));
      models.addAll(byDepth);
    }
    return models;
  }

  /**
   * The stacks (anywhere in the tree, each once) that list several repeat counts: they vary
   * together, the i-th network taking the i-th count of each.
   */
  public static List<StackDecl> varyingStacks(List<Member> members) {
    List<StackDecl> out = new ArrayList<>();
    collectVarying(members, out, new HashSet<>());
    return out;
  }

  private static void collectVarying(List<Member> members, List<StackDecl> out, HashSet<BlockDecl> seen) {
    for (Member m : members) {
      if (m instanceof StackDecl s) {
        if (s.repeats().size() > 1 && !out.contains(s)) {
          out.add(s);
        }
        if (s.block() != null && seen.add(s.block())) {
          collectVarying(s.block().members(), out, seen);
        }
      }
    }
  }

  /** How many blocks a stack has in the {@code choice}-th network of the family. */
  static int repeat(StackDecl s, int choice) {
    return s.repeats().size() > 1 ? s.repeats().get(choice) : s.repeats().get(0);
  }

  /** Resolves {@code AUTO} initialization for a layer's activation. */
  static Init resolveInit(Init declared, Activation activation) {
    if (declared != Init.AUTO) {
      return declared;
    }
    return activation == Activation.RELU || activation == Activation.LEAKY_RELU ? Init.HE_NORMAL : Init.XAVIER_NORMAL;
  }

  /** {@code Conv.SAME}: {@code kernel / 2} on each side (validation insists on an odd kernel). */
  public static int padding(ConvDecl c) {
    return c.padding() == Conv.SAME ? c.kernel() / 2 : c.padding();
  }

  /** Output size of a window of {@code kernel} moved by {@code stride} over {@code size} padded by {@code padding}. */
  public static int windows(int size, int kernel, int stride, int padding) {
    long span = (long) size + 2L * padding - kernel;
    return span < 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, span / stride + 1);
  }

  /**
   * Weighted layers of every model a declaration unrolls into, together, counted without unrolling
   * and saturating at {@link Long#MAX_VALUE}, so that {@code repeat = 2_000_000_000} is measured,
   * not built.
   */
  public static long totalLayerCount(NetworkDecl decl) {
    List<StackDecl> varying = varyingStacks(decl.members());
    int depths = varying.isEmpty() ? 1 : varying.get(0).repeats().size();
    long perVariant = 0;
    for (int choice = 0; choice < depths; choice++) {
      perVariant = saturatedAdd(perVariant, layerCount(decl.members(), choice));
    }
    return saturatedMultiply(perVariant, new HashSet<>(decl.variants()).size());
  }

  private static long layerCount(List<Member> members, int choice) {
    long count = 0;
    for (Member m : members) {
      if (m instanceof DenseDecl || m instanceof ConvDecl) {
        count = saturatedAdd(count, 1);
      } else if (m instanceof StackDecl s && s.block() != null) {
        long repeat = Math.max(0, repeat(s, choice));
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

  /**
   * What the enclosing stack says to its blocks' {@code Conv.STACK} attributes: its filters, and
   * its stride in its first block.
   */
  private record StackContext(int filters, int stride) {
    static final StackContext NONE = new StackContext(0, 1);
  }

  /** The main path being unrolled: the block it belongs to (null at the top) and its stack's context. */
  private record PathContext(BlockDecl block, String blockPath, StackContext stack) {}

  /** Walks one declaration for one variant and depth, assigning offsets and slots. */
  private static final class Unroller {
    private final NetworkDecl decl;
    private final boolean residual;
    private final int choice;
    private final boolean severalDepths;
    private final List<Slot> slots = new ArrayList<>();
    private long nextParameter;
    private long nextBuffer;
    private int nextCounter;
    private long nextStatistics;

    Unroller(NetworkDecl decl, boolean residual, int choice, boolean severalDepths) {
      this.decl = decl;
      this.residual = residual;
      this.choice = choice;
      this.severalDepths = severalDepths;
    }

    NetworkModel run() {
      Shape input = decl.input();
      int inputSlot = newSlot("input", input);
      List<Node> nodes = members(decl.members(), "", inputSlot, input, new PathContext(null, null, StackContext.NONE));
      int layers = (int) weightedLayers(nodes);
      String name = className(decl.baseName(), residual, layers, severalDepths);
      GradientPlan plan = GradientPlan.of(nodes, slots);
      return new NetworkModel(decl.packageName(), name,
          new NetworkModel.NetworkDeclRef(decl.qualifiedName(), decl.declarationName()), input, decl.imageInput(),
          decl.outputs(),
          decl.loss(), decl.precision(), residual, nodes, List.copyOf(slots), nextParameter, nextBuffer, nextCounter,
          nextStatistics, plan);
    }

    private static long weightedLayers(List<Node> nodes) {
      long n = 0;
      for (Node node : nodes) {
        if (node instanceof Layer l) {
          n += NetworkModel.weighted(l) ? 1 : 0;
        } else {
          n += weightedLayers(((Block) node).children());
        }
      }
      return n;
    }

    /**
     * Unrolls members in order. In a residual block's main path the last linear layer, or its
     * batch normalization, joins the shortcut.
     */
    private List<Node> members(List<Member> members, String prefix, int inputSlot, Shape shape, PathContext path) {
      List<Node> nodes = new ArrayList<>();
      int slot = inputSlot;
      int join = residual && path.block() != null ? members.size() - 1 : -1;
      int lastLinear = path.block() != null ? lastLinear(members) : -1;
      for (int i = 0; i < members.size(); i++) {
        Member m = members.get(i);
        boolean normalized = i + 1 < members.size() && members.get(i + 1) instanceof NormDecl;
        boolean startsAtZero = residual && i == lastLinear && path.block().zeroInitLast();
        Node node;
        if (m instanceof DenseDecl d) {
          node = dense(d, prefix, slot, shape, normalized, i == join, startsAtZero && !normalized, path.blockPath());
        } else if (m instanceof ConvDecl c) {
          node = conv(c, prefix, slot, shape, normalized, i == join, startsAtZero && !normalized, path);
        } else if (m instanceof NormDecl n) {
          Activation g = activationOf(members.get(i - 1));
          node = norm(n, prefix, slot, shape, g, i == join, startsAtZero(members, i, path), path.blockPath());
        } else if (m instanceof PoolDecl p) {
          node = pool(p, prefix, slot, shape, path.blockPath());
        } else if (m instanceof GlobalPoolDecl g) {
          node = newGlobalPool(g, prefix, slot, shape, path.blockPath());
        } else {
          StackDecl s = (StackDecl) m;
          if (s.block() == null) {
            continue;
          }
          for (int r = 0; r < repeat(s, choice); r++) {
            StackContext stack = new StackContext(s.filters(), r == 0 ? s.stride() : 1);
            Block b = block(s.block(), prefix + s.name() + "." + r, slot, shape, stack);
            nodes.add(b);
            slot = b.outputSlot();
            shape = b.output();
          }
          continue;
        }
        nodes.add(node);
        slot = node.outputSlot();
        shape = node.output();
      }
      return nodes;
    }

    /** Whether the batch normalization at {@code i} is the block's last and starts its γ at 0. */
    private boolean startsAtZero(List<Member> members, int i, PathContext path) {
      return residual && path.block() != null && path.block().zeroInitLast() && i == members.size() - 1;
    }

    private static int lastLinear(List<Member> members) {
      for (int i = members.size() - 1; i >= 0; i--) {
        if (members.get(i) instanceof DenseDecl || members.get(i) instanceof ConvDecl) {
          return i;
        }
        if (!(members.get(i) instanceof NormDecl)) {
          return -1;
        }
      }
      return -1;
    }

    private static Activation activationOf(Member linear) {
      if (linear instanceof DenseDecl d) {
        return d.activation();
      }
      return linear instanceof ConvDecl c ? c.activation() : Activation.NONE;
    }

    private Layer dense(DenseDecl d, String prefix, int inputSlot, Shape input, boolean normalized, boolean joins,
        boolean zero, String blockPath) {
      String path = prefix + d.name();
      Init init = zero && d.init() == Init.AUTO ? Init.ZERO : resolveInit(d.init(), d.activation());
      long weight = take((long) d.units() * input.size());
      long bias = take(d.units());
      int out = newSlot(path, Shape.flat(d.units()));
      return new NetworkModel.Dense(path, d.name(), input, d.units(), normalized ? Activation.NONE : d.activation(),
          init, weight, bias, normalized, joins, inputSlot, out, blockPath);
    }

    private Layer conv(ConvDecl c, String prefix, int inputSlot, Shape input, boolean normalized, boolean joins,
        boolean zero, PathContext context) {
      String path = prefix + c.name();
      int filters = c.filters() == Conv.STACK ? context.stack().filters() * c.expansion() : c.filters();
      int stride = c.stride() == Conv.STACK ? context.stack().stride() : c.stride();
      int padding = padding(c);
      Shape output = Shape.of(filters, windows(input.height(), c.kernel(), stride, padding),
          windows(input.width(), c.kernel(), stride, padding));
      boolean hasBias = c.bias() == Bias.YES || (c.bias() == Bias.AUTO && !normalized);
      // He normal, which the runtime draws with the fan-out for convolutions, as torchvision does.
      Init init = zero && c.init() == Init.AUTO ? Init.ZERO : resolveInit(c.init(), c.activation());
      long weight = take((long) c.kernel() * c.kernel() * input.channels() * filters);
      long bias = hasBias ? take(filters) : -1;
      int out = newSlot(path, output);
      return new NetworkModel.Conv(path, c.name(), input, output, c.kernel(), stride, padding,
          normalized ? Activation.NONE : c.activation(), init, weight, bias, normalized, joins, inputSlot, out,
          context.blockPath());
    }

    private Layer norm(NormDecl n, String prefix, int inputSlot, Shape shape, Activation g, boolean joins,
        boolean zeroGamma, String blockPath) {
      return newNorm(prefix + n.name(), n.name(), inputSlot, shape, g, joins, zeroGamma, blockPath);
    }

    private NetworkModel.Norm newNorm(String path, String fieldName, int inputSlot, Shape shape, Activation g,
        boolean joins, boolean zeroGamma, String blockPath) {
      int channels = shape.channels();
      long gamma = take(2L * channels);
      long running = nextBuffer;
      nextBuffer = saturatedAdd(nextBuffer, 2L * channels);
      long statistics = nextStatistics;
      nextStatistics = saturatedAdd(nextStatistics, (long) NetworkModel.NORM_STATISTICS_PER_CHANNEL * channels);
      int out = newSlot(path, shape);
      return new NetworkModel.Norm(path, fieldName, shape, g, zeroGamma, gamma, running, nextCounter++, statistics,
          joins, inputSlot, out, blockPath);
    }

    private Layer pool(PoolDecl p, String prefix, int inputSlot, Shape input, String blockPath) {
      String path = prefix + p.name();
      int stride = p.effectiveStride();
      Shape output = Shape.of(input.channels(), windows(input.height(), p.kernel(), stride, p.padding()),
          windows(input.width(), p.kernel(), stride, p.padding()));
      int out = newSlot(path, output);
      return new NetworkModel.Pool(path, p.name(), p.max(), input, output, p.kernel(), stride, p.padding(),
          inputSlot, out, blockPath);
    }

    private Layer newGlobalPool(GlobalPoolDecl g, String prefix, int inputSlot, Shape input, String blockPath) {
      String path = prefix + g.name();
      int out = newSlot(path, Shape.flat(input.channels()));
      return new NetworkModel.GlobalPool(path, g.name(), input, inputSlot, out, blockPath);
    }

    private Block block(BlockDecl decl, String path, int inputSlot, Shape input, StackContext stack) {
      List<Node> children = members(decl.members(), path + ".", inputSlot, input, new PathContext(decl, path, stack));
      Shape output = children.isEmpty() ? input : children.get(children.size() - 1).output();
      int outSlot = children.isEmpty() ? inputSlot : children.get(children.size() - 1).outputSlot();
      int stride = stride(children);
      ShortcutKind shortcut = ShortcutKind.NONE;
      if (residual) {
        shortcut = resolve(decl, input, output);
      }
      List<Layer> projection = shortcut == ShortcutKind.PROJECTION
          ? projection(decl, path, inputSlot, input, output, stride, normalizes(children),
              NetworkModel.spatial(children))
          : List.of();
      return new Block(path, decl.simpleName(), input, output, shortcut, decl.shortcut(), stride, projection,
          inputSlot, outSlot, children);
    }

    /** AUTO: identity where the shapes match, else the block's reshape kind, else the network's. */
    private ShortcutKind resolve(BlockDecl block, Shape input, Shape output) {
      Shortcut declared = block.shortcut();
      if (declared == Shortcut.AUTO) {
        if (input.equals(output)) {
          return ShortcutKind.IDENTITY;
        }
        declared = block.reshape() != Shortcut.AUTO ? block.reshape() : decl.reshape();
      }
      return switch (declared) {
        case IDENTITY -> ShortcutKind.IDENTITY;
        case ZERO_PAD -> ShortcutKind.ZERO_PAD;
        case PROJECTION, AUTO -> ShortcutKind.PROJECTION;
      };
    }

    /**
     * The projection's layers: a dense matrix between vectors; between images (a main path that
     * convolves or pools, even down to 1×1) a 1×1 convolution with the block's stride, followed by
     * batch normalization when the main path normalizes.
     */
    private List<Layer> projection(BlockDecl decl, String path, int inputSlot, Shape input, Shape output, int stride,
        boolean normalize, boolean spatial) {
      String name = decl.shortcutName();
      if (!spatial && input.isFlat() && output.isFlat()) {
        long weight = take((long) output.channels() * input.size());
        String p = path + "." + name;
        int out = newSlot(p, output);
        return List.of(new NetworkModel.Dense(p, name, input, output.channels(), Activation.NONE, Init.HE_NORMAL,
            weight, -1, false, false, inputSlot, out, path));
      }
      String convPath = normalize ? path + "." + name + ".0" : path + "." + name;
      Shape convOut = Shape.of(output.channels(), windows(input.height(), 1, stride, 0),
          windows(input.width(), 1, stride, 0));
      long weight = take((long) input.channels() * output.channels());
      int convSlot = newSlot(convPath, convOut);
      NetworkModel.Conv conv = new NetworkModel.Conv(convPath, normalize ? "0" : name, input, convOut, 1, stride, 0,
          Activation.NONE, Init.HE_NORMAL, weight, -1, normalize, false, inputSlot, convSlot, path);
      if (!normalize) {
        return List.of(conv);
      }
      NetworkModel.Norm norm = newNorm(path + "." + name + ".1", "1", convSlot, convOut, Activation.NONE, false, false,
          path);
      return List.of(conv, norm);
    }

    private static boolean normalizes(List<Node> nodes) {
      for (Node n : nodes) {
        if (n instanceof NetworkModel.Norm || n instanceof Block b && normalizes(b.children())) {
          return true;
        }
      }
      return false;
    }

    /** How much a main path shrinks height: the product of its strides (1 for dense blocks). */
    private static int stride(List<Node> nodes) {
      long s = 1;
      for (Node n : nodes) {
        if (n instanceof NetworkModel.Conv c) {
          s *= c.stride();
        } else if (n instanceof NetworkModel.Pool p) {
          s *= p.stride();
        } else if (n instanceof Block b) {
          s *= b.stride();
        }
        s = Math.min(s, Integer.MAX_VALUE);
      }
      return (int) s;
    }

    private long take(long size) {
      long offset = nextParameter;
      nextParameter = saturatedAdd(nextParameter, size);
      return offset;
    }

    private int newSlot(String name, Shape shape) {
      slots.add(new Slot(name, shape));
      return slots.size() - 1;
    }
  }

  /** Whether a declared layer is one of the weighted kinds (dense, convolution). */
  public static boolean weighted(LayerDecl d) {
    return d instanceof DenseDecl || d instanceof ConvDecl;
  }
}
