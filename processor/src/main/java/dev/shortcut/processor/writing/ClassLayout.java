package dev.shortcut.processor.writing;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.TypeName;
import dev.shortcut.annotations.Precision;
import dev.shortcut.processor.model.NetworkModel;
import dev.shortcut.processor.model.NetworkModel.Block;
import dev.shortcut.processor.model.NetworkModel.Conv;
import dev.shortcut.processor.model.NetworkModel.Layer;
import dev.shortcut.processor.model.NetworkModel.Node;
import dev.shortcut.processor.model.NetworkModel.Pool;
import dev.shortcut.processor.model.NetworkModel.ShortcutKind;
import dev.shortcut.processor.model.Shape;
import dev.shortcut.processor.writing.ClassPlan.Shard;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The names and places of one generated class, decided before any code is rendered: the identifier
 * of every constant and method, the per-sample offset of every activation slot, the gradient
 * buffers, the shape constants of convolutions and pools, and which class (the network or one of
 * its shards) holds each. The writers only render what this says.
 *
 * <p>Activation slots are laid out in the activation array in forward order of the main path's
 * layers, then the projections' (the runtime's non-finite scan walks them in that order); the
 * network's input and its last layer's output live in arrays of their own.
 */
final class ClassLayout {
  /** Names the generated class declares itself, which no layer-derived name may take. */
  static final List<String> RESERVED = List.of(
      "INPUTS", "OUTPUTS", "LAYERS", "PARAMETER_COUNT", "ACTIVATION_WIDTH", "GRADIENT_WIDTH", "MAX_BATCH",
      "ARCHITECTURE", "BUFFER_COUNT", "COUNTERS", "STATISTICS_COUNT");

  final NetworkModel model;
  final boolean isDouble;
  final TypeName element;
  final TypeName array;
  final ClassPlan plan;
  final int outputSlot;
  /** Per-sample offset of each interior slot in the activation array; -1 for input and output. */
  final long[] slotOffset;
  final long activationWidth;
  private final String[] slotConstant;
  private final Shard[] slotHome;
  private final Map<Node, String> constantStems = new IdentityHashMap<>();
  private final Map<Node, String> methodStems = new IdentityHashMap<>();
  /** Shape constants by their text, in first-use order: convolutions, pools, zero-pad views. */
  final Map<String, String> shapeConstants = new LinkedHashMap<>();

  ClassLayout(NetworkModel model, int layersPerClass) {
    this.model = model;
    this.isDouble = model.precision() == Precision.DOUBLE;
    this.element = isDouble ? TypeName.DOUBLE : TypeName.FLOAT;
    this.array = ArrayTypeName.of(element);
    this.plan = new ClassPlan(model, layersPerClass);
    this.outputSlot = model.outputSlot();
    int slots = model.slots().size();
    this.slotOffset = new long[slots];
    this.slotConstant = new String[slots];
    this.slotHome = new Shard[slots];
    java.util.Arrays.fill(slotOffset, -1);
    long offset = 0;
    for (Layer l : model.layers()) {
      offset = place(l.outputSlot(), offset);
    }
    for (Layer l : model.allLayers()) {
      offset = place(l.outputSlot(), offset);
    }
    this.activationWidth = offset;
    Identifiers ids = new Identifiers(RESERVED);
    nameNodes(model.nodes(), ids);
    nameShapes();
  }

  private long place(int slot, long offset) {
    if (slot == 0 || slot == outputSlot || slotOffset[slot] >= 0) {
      return offset;
    }
    slotOffset[slot] = offset;
    return offset + model.slots().get(slot).shape().size();
  }

  /** Claims every node's identifiers in forward order, so that the first of two clashing paths keeps its name. */
  private void nameNodes(List<Node> nodes, Identifiers ids) {
    for (Node n : nodes) {
      if (n instanceof Layer l) {
        nameLayer(l, ids);
      } else {
        Block b = (Block) n;
        methodStems.put(b, ids.claim(Identifiers.methodStem(b.path()), "%sForward", "%sBackward"));
        nameNodes(b.children(), ids);
        for (Layer l : b.projection()) {
          nameLayer(l, ids);
        }
      }
      if (n instanceof Layer l && l.blockPath() == null) { // top-level layers have methods of their own
        methodStems.put(n, ids.claim(Identifiers.methodStem(n.path()), "%sForward", "%sBackward"));
      }
    }
  }

  private void nameLayer(Layer l, Identifiers ids) {
    String stem = ids.claim(Identifiers.constantStem(l.path()), "%s_WEIGHT", "%s_BIAS", "%s_RUNNING_MEAN",
        "%s_RUNNING_VAR", "%s_STATISTICS", "%s_COUNTER", "ACT_%s");
    constantStems.put(l, stem);
    if (l.outputSlot() != outputSlot) {
      slotConstant[l.outputSlot()] = "ACT_" + stem;
      slotHome[l.outputSlot()] = plan.owner(l);
    }
  }

  private void nameShapes() {
    for (Layer l : model.allLayers()) {
      if (l instanceof Conv c) {
        shapeConstants.putIfAbsent(convShape(c), convName(c));
      } else if (l instanceof Pool p) {
        shapeConstants.putIfAbsent(poolShape(p), poolName(p));
      }
    }
    for (Block b : model.blocks()) {
      if (b.shortcut() == ShortcutKind.ZERO_PAD) {
        shapeConstants.putIfAbsent(zeroPad(b), zeroPadName(b));
      }
    }
  }

  // ---- shape constants ------------------------------------------------------------------------

  /** {@code ConvShape.of(inC, inH, inW, filters, kernel, stride, padding)}, the key of its constant. */
  static String convShape(Conv c) {
    Shape in = c.input();
    return "ConvShape.of(" + in.channels() + ", " + in.height() + ", " + in.width() + ", " + c.output().channels()
        + ", " + c.kernel() + ", " + c.stride() + ", " + c.padding() + ")";
  }

  /** {@code K3_S1_P1_16x32x32_TO_16}: kernel, stride, padding, input, filters. */
  private static String convName(Conv c) {
    Shape in = c.input();
    return "K" + c.kernel() + "_S" + c.stride() + "_P" + c.padding() + "_" + in.channels() + "x" + in.height() + "x"
        + in.width() + "_TO_" + c.output().channels();
  }

  static String poolShape(Pool p) {
    Shape in = p.input();
    return "PoolShape.of(" + in.channels() + ", " + in.height() + ", " + in.width() + ", " + p.kernel() + ", "
        + p.stride() + ", " + p.padding() + ")";
  }

  private static String poolName(Pool p) {
    Shape in = p.input();
    return (p.max() ? "MAX" : "AVG") + "_POOL_K" + p.kernel() + "_S" + p.stride() + "_P" + p.padding() + "_"
        + in.channels() + "x" + in.height() + "x" + in.width();
  }

  static String zeroPad(Block b) {
    Shape in = b.input();
    Shape out = b.output();
    return "ZeroPadShortcut.of(" + in.channels() + ", " + in.height() + ", " + in.width() + ", " + b.stride()
        + ", " + out.channels() + ")";
  }

  private static String zeroPadName(Block b) {
    Shape in = b.input();
    return "PAD_" + in.channels() + "x" + in.height() + "x" + in.width() + "_TO_" + b.output().channels() + "_S"
        + b.stride();
  }

  /** The constant holding {@code c}'s shape. */
  String shapeOf(Conv c) {
    return shapeConstants.get(convShape(c));
  }

  String shapeOf(Pool p) {
    return shapeConstants.get(poolShape(p));
  }

  String zeroPadOf(Block b) {
    return shapeConstants.get(zeroPad(b));
  }

  // ---- names ----------------------------------------------------------------------------------

  String stem(Layer l) {
    return constantStems.get(l);
  }

  String forwardName(Node n) {
    return methodStems.get(n) + "Forward";
  }

  String backwardName(Node n) {
    return methodStems.get(n) + "Backward";
  }

  /** The constant of an interior slot's per-sample offset, as code in {@code from} names it. */
  String slotConstant(int slot, Shard from) {
    return ref(slotConstant[slot], slotHome[slot], from);
  }

  /** The class that declares an interior slot's offset constant. */
  Shard slotHome(int slot) {
    return slotHome[slot];
  }

  /** {@code ACT_X}, unqualified, for declaring it. */
  String slotConstantName(int slot) {
    return slotConstant[slot];
  }

  /** A constant declared in {@code home}, as code in {@code from} names it. */
  static String ref(String constant, Shard home, Shard from) {
    return home == null || home == from ? constant : home.className + "." + constant;
  }

  /** A layer's constant ({@code CONV1_WEIGHT}) as code in {@code from} names it. */
  String constant(Layer l, String suffix, Shard from) {
    return ref(stem(l) + suffix, plan.owner(l), from);
  }

  /** {@code GRAD_3}: the per-sample offset of gradient buffer 3. */
  static String gradientConstant(int buffer) {
    return "GRAD_" + buffer;
  }

  /** Whether the model uses batch normalization, so the class keeps buffers, counters and statistics. */
  boolean normalizes() {
    return model.counterCount() > 0;
  }

  /** Whether any convolution runs, so the class keeps a scratch buffer for input gradients. */
  boolean convolves() {
    return model.allLayers().stream().anyMatch(l -> l instanceof Conv);
  }

  /** {@code 1,234}. */
  static String grouped(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
