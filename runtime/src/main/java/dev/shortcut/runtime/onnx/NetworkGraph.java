package dev.shortcut.runtime.onnx;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Loss;
import dev.shortcut.annotations.Precision;
import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.Architecture.BatchNormLayer;
import dev.shortcut.runtime.Architecture.Block;
import dev.shortcut.runtime.Architecture.ConvLayer;
import dev.shortcut.runtime.Architecture.DenseLayer;
import dev.shortcut.runtime.Architecture.GlobalAvgPoolLayer;
import dev.shortcut.runtime.Architecture.Layer;
import dev.shortcut.runtime.Architecture.PoolLayer;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.Shape;
import dev.shortcut.runtime.ShortcutKind;
import dev.shortcut.runtime.checkpoint.SafeTensors;
import dev.shortcut.runtime.checkpoint.StateTensors;
import dev.shortcut.runtime.kernel.ZeroPadShortcut;
import dev.shortcut.runtime.onnx.OnnxModel.Attribute;
import dev.shortcut.runtime.onnx.OnnxModel.DataType;
import dev.shortcut.runtime.onnx.OnnxModel.FloatAttribute;
import dev.shortcut.runtime.onnx.OnnxModel.IntAttribute;
import dev.shortcut.runtime.onnx.OnnxModel.IntsAttribute;
import dev.shortcut.runtime.onnx.OnnxModel.Node;
import dev.shortcut.runtime.onnx.OnnxModel.TensorAttribute;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates one network's {@link Architecture} into an ONNX graph, layer by layer in forward
 * order, with the network's current weights as initializers.
 *
 * <p>Layouts: Shortcut keeps activations NHWC; the graph is NCHW, as PyTorch's exports are. A
 * flat activation (a dense layer's, or any {@code c×1×1} one) is a rank-2 value {@code [N, c]},
 * every other a rank-4 value {@code [N, c, h, w]}. Weights come in PyTorch's layouts from {@link
 * StateTensors}, so a dense layer over a map reads the map through {@code Flatten} (channel-major,
 * as {@code torch.flatten} does) and a convolution's weight is {@code [out, in, kh, kw]}. Where
 * Shortcut itself relies on its channel-last order (an identity shortcut between shapes of equal
 * size, the output of a last layer that is a map), the graph transposes to that order first.
 */
final class NetworkGraph {
  /** The largest ONNX file: protobuf refuses messages of 2 GiB or more. */
  static final long MAX_MODEL_BYTES = Integer.MAX_VALUE - 8;

  private final Network net;
  private final Architecture arch;
  private final DataType type;
  private final OnnxModel model;
  private final Map<String, Integer> namesUsed = new HashMap<>();

  /**
   * A value of the graph holding one Shortcut activation of {@code shape}: rank 4 (NCHW) when
   * {@code spatial}, else rank 2.
   */
  private record Value(String name, Shape shape, boolean spatial) {}

  private NetworkGraph(Network net) {
    this.net = net;
    this.arch = net.architecture();
    this.type = arch.precision() == Precision.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
    this.model = new OnnxModel(arch.name());
  }

  /**
   * The model of {@code net}: what it computes in evaluation mode (batch normalization with its
   * running statistics), on a batch of any size.
   *
   * @throws IllegalArgumentException naming the network and the layer or tensor, when a layer or
   *     an activation has no ONNX form here, a value is not finite, or the model would exceed 2 GiB
   */
  static OnnxModel of(Network net) {
    return new NetworkGraph(net).build();
  }

  private OnnxModel build() {
    checkSize();
    for (SafeTensors.Tensor t : StateTensors.of(net)) {
      model.initializer(new OnnxModel.Tensor(t.name(), type, t.shape(), t.data()));
    }
    Value current = input();
    Map<Block, Value> blockInputs = new IdentityHashMap<>();
    List<Layer> layers = arch.layers();
    List<Block> blocks = arch.blocks();
    for (int i = 0; i < layers.size(); i++) {
      for (Block b : blocks) {
        if (b.firstLayer() == i) {
          blockInputs.put(b, current);
        }
      }
      Layer l = layers.get(i);
      Value z = layer(l, current);
      for (int k = blocks.size() - 1; k >= 0; k--) { // inner blocks before the blocks around them
        Block b = blocks.get(k);
        if (b.lastLayer() == i && b.shortcut() != ShortcutKind.NONE) {
          Value s = relayout(shortcut(b, blockInputs.get(b)), z.shape(), b.name() + ".shortcut");
          z = new Value(node(b.name(), "Add", List.of(z.name(), s.name())), z.shape(), z.spatial());
        }
      }
      current = activate(l.name(), l.activation(), z);
    }
    output(relayout(current, Shape.flat(arch.outputs()), "output"));
    describe();
    model.check();
    return model;
  }

  /** Refuses, before any copy, a model larger than one ONNX file holds. */
  private void checkSize() {
    long bytes = ((long) arch.parameterCount() + arch.buffers().totalSize()) * (type == DataType.DOUBLE ? 8 : 4);
    if (bytes > MAX_MODEL_BYTES) {
      ParameterTable.Parameter largest = arch.parameters().all().stream()
          .max((a, b) -> Integer.compare(a.size(), b.size())).orElseThrow();
      throw new IllegalArgumentException(arch.name() + ": its weights take " + bytes + " bytes as "
          + (type == DataType.DOUBLE ? "float64" : "float32") + ", more than the 2 GiB one ONNX file can hold "
          + "(the largest tensor is " + largest.name() + " " + largest.shapeString() + "); such a model needs ONNX's external-data format, "
          + "which this export does not write");
    }
  }

  /** The graph input: NCHW for an image, {@code [batch, inputs]} for a vector. */
  private Value input() {
    Shape in = arch.input();
    long[] dims = arch.imageInput() ? new long[] {-1, in.channels(), in.height(), in.width()}
        : new long[] {-1, in.size()};
    model.input(new OnnxModel.ValueInfo(Onnx.INPUT, type, dims, Onnx.BATCH));
    return canonical(new Value(Onnx.INPUT, in, arch.imageInput()), Onnx.INPUT);
  }

  private void output(Value result) {
    model.rename(result.name(), Onnx.OUTPUT);
    model.output(new OnnxModel.ValueInfo(Onnx.OUTPUT, type, new long[] {-1, arch.outputs()}, Onnx.BATCH));
  }

  /** One layer, up to its activation, which the caller applies after any shortcut joins. */
  private Value layer(Layer l, Value in) {
    if (l instanceof DenseLayer d) {
      return dense(d, in);
    } else if (l instanceof ConvLayer c) {
      return conv(c, in);
    } else if (l instanceof BatchNormLayer bn) {
      String y = node(bn.name(), "BatchNormalization",
          List.of(in.name(), bn.name() + ".weight", bn.name() + ".bias", bn.name() + ".running_mean",
              bn.name() + ".running_var"),
          new FloatAttribute("epsilon", (float) bn.epsilon()));
      return new Value(y, bn.shape(), in.spatial());
    } else if (l instanceof PoolLayer p) {
      return pool(p, in);
    } else if (l instanceof GlobalAvgPoolLayer g) {
      String pooled = node(g.name(), "GlobalAveragePool", List.of(rank4(in, g.name()).name()));
      return canonical(new Value(pooled, g.output(), true), g.name());
    }
    throw unsupported(l.name(), "a layer of kind " + l.getClass().getSimpleName());
  }

  /** {@code Gemm} with {@code transB = 1}: the weight is PyTorch's {@code [out, in]}. */
  private Value dense(DenseLayer d, Value in) {
    // Over a map, PyTorch's weight columns are in channel-major order: what Flatten of NCHW gives.
    Value flat = in.spatial()
        ? new Value(node(d.name(), "Flatten", List.of(in.name()), new IntAttribute("axis", 1)), in.shape(), false)
        : in;
    List<String> inputs = new ArrayList<>(List.of(flat.name(), d.weightName()));
    if (d.hasBias()) {
      inputs.add(d.biasName());
    }
    return new Value(node(d.name(), "Gemm", inputs, new IntAttribute("transB", 1)), d.output(), false);
  }

  private Value conv(ConvLayer c, Value in) {
    List<String> inputs = new ArrayList<>(List.of(rank4(in, c.name()).name(), c.weightName()));
    if (c.hasBias()) {
      inputs.add(c.biasName());
    }
    int k = c.kernel();
    int p = c.padding();
    String y = node(c.name(), "Conv", inputs, new IntsAttribute("kernel_shape", k, k),
        new IntsAttribute("strides", c.stride(), c.stride()), new IntsAttribute("pads", p, p, p, p),
        new IntsAttribute("dilations", 1, 1), new IntAttribute("group", 1));
    return canonical(new Value(y, c.output(), true), c.name());
  }

  /** Padding never wins a max; an average counts the padding (PyTorch's defaults, as the kernels do). */
  private Value pool(PoolLayer p, Value in) {
    int k = p.kernel();
    int pad = p.padding();
    List<Attribute> attributes = new ArrayList<>(List.of(new IntsAttribute("kernel_shape", k, k),
        new IntsAttribute("strides", p.stride(), p.stride()), new IntsAttribute("pads", pad, pad, pad, pad)));
    String op;
    switch (p.kind()) {
      case MAX -> op = "MaxPool";
      case AVERAGE -> {
        op = "AveragePool";
        attributes.add(new IntAttribute("count_include_pad", 1));
      }
      default -> throw unsupported(p.name(), p.kind() + " pooling");
    }
    String y = node(p.name(), op, List.of(rank4(in, p.name()).name()), attributes.toArray(Attribute[]::new));
    return canonical(new Value(y, p.output(), true), p.name());
  }

  /** What a block's shortcut adds, before it is brought to the shape of the block's output. */
  private Value shortcut(Block b, Value in) {
    switch (b.shortcut()) {
      case IDENTITY:
        return in;
      case PROJECTION: {
        Value v = in;
        for (Layer p : b.projection()) {
          v = activate(p.name(), p.activation(), layer(p, v));
        }
        return v;
      }
      case ZERO_PAD:
        return zeroPad(b, in);
      default:
        throw unsupported(b.name(), "a " + b.shortcut() + " shortcut");
    }
  }

  /**
   * The paper's option A: the input subsampled by the stride ({@code Slice} with steps), between
   * zero channels ({@code Pad} on the channel axis), as {@link ZeroPadShortcut} defines it.
   */
  private Value zeroPad(Block b, Value in) {
    Shape s = b.input();
    ZeroPadShortcut pad = ZeroPadShortcut.of(s.channels(), s.height(), s.width(), b.stride(), b.output().channels());
    String scope = b.name() + ".shortcut";
    Value v = in;
    if (in.spatial() && b.stride() > 1) {
      String starts = constant(scope, "starts", 0, 0);
      String ends = constant(scope, "ends", Long.MAX_VALUE, Long.MAX_VALUE);
      String axes = constant(scope, "axes", 2, 3);
      String steps = constant(scope, "steps", b.stride(), b.stride());
      v = new Value(node(scope, "Slice", List.of(in.name(), starts, ends, axes, steps)),
          Shape.of(s.channels(), pad.outHeight(), pad.outWidth()), true);
    }
    int before = channelsBefore(pad);
    int after = pad.outChannels() - pad.inChannels() - before;
    Shape padded = Shape.of(pad.outChannels(), pad.outHeight(), pad.outWidth());
    if (before == 0 && after == 0) {
      return canonical(new Value(v.name(), padded, v.spatial()), scope);
    }
    long[] pads = v.spatial() ? new long[] {0, before, 0, 0, 0, after, 0, 0} : new long[] {0, before, 0, after};
    String y = node(scope, "Pad", List.of(v.name(), constant(scope, "pads", pads)));
    return canonical(new Value(y, padded, v.spatial()), scope);
  }

  /**
   * Zero channels that come before the input in a zero-padding shortcut, as the kernels place them
   * ({@link ZeroPadShortcut#firstChannel()}). The one place the export decides the placement.
   */
  private static int channelsBefore(ZeroPadShortcut pad) {
    return pad.firstChannel();
  }

  private Value activate(String layer, Activation activation, Value z) {
    String op;
    List<Attribute> attributes = new ArrayList<>();
    switch (activation) {
      case NONE -> {
        return z;
      }
      case RELU -> op = "Relu";
      case TANH -> op = "Tanh";
      case SIGMOID -> op = "Sigmoid";
      case LEAKY_RELU -> {
        if (type == DataType.DOUBLE) {
          // LeakyRelu's alpha is a float attribute, 0.01 rounded to float: max(z, 0.01 z) keeps the double slope.
          String slope = doubleScalar(layer, "slope", Activation.LEAKY_SLOPE);
          String scaled = node(layer, "Mul", List.of(z.name(), slope));
          return new Value(node(layer, "Max", List.of(z.name(), scaled)), z.shape(), z.spatial());
        }
        op = "LeakyRelu";
        attributes.add(new FloatAttribute("alpha", (float) Activation.LEAKY_SLOPE));
      }
      default -> throw unsupported(layer, "the activation " + activation);
    }
    return new Value(node(layer, op, List.of(z.name()), attributes.toArray(Attribute[]::new)), z.shape(),
        z.spatial());
  }

  /**
   * The same activation as {@code target} (equal sizes), in Shortcut's element order: unchanged
   * when the shapes are equal, otherwise reordered through the channel-last flat vector that both
   * are in Shortcut's arrays.
   */
  private Value relayout(Value v, Shape target, String scope) {
    if (v.shape().equals(target)) {
      return v;
    }
    if (v.shape().size() != target.size()) {
      throw new IllegalStateException(arch.name() + ": " + scope + " joins " + v.shape() + " to " + target);
    }
    Value flat = v;
    if (v.spatial()) {
      String nhwc = node(scope, "Transpose", List.of(v.name()), new IntsAttribute("perm", 0, 2, 3, 1));
      flat = new Value(node(scope, "Flatten", List.of(nhwc), new IntAttribute("axis", 1)),
          Shape.flat(v.shape().size()), false);
    }
    if (target.isFlat()) {
      return new Value(flat.name(), target, false);
    }
    String map = node(scope, "Reshape",
        List.of(flat.name(), constant(scope, "shape", 0, target.height(), target.width(), target.channels())));
    return new Value(node(scope, "Transpose", List.of(map), new IntsAttribute("perm", 0, 3, 1, 2)), target, true);
  }

  /** A flat value as rank 4, {@code [N, c, 1, 1]}, for the operators that need a map. */
  private Value rank4(Value v, String scope) {
    if (v.spatial()) {
      return v;
    }
    String y = node(scope, "Reshape", List.of(v.name(), constant(scope, "shape", 0, v.shape().channels(), 1, 1)));
    return new Value(y, v.shape(), true);
  }

  /** Rank 2 for a flat shape, rank 4 otherwise. */
  private Value canonical(Value v, String scope) {
    if (v.spatial() && v.shape().isFlat()) {
      return new Value(node(scope, "Flatten", List.of(v.name()), new IntAttribute("axis", 1)), v.shape(), false);
    }
    return v;
  }

  /** Adds a node {@code <scope>/<op>} and returns its one output, named as the node. */
  private String node(String scope, String op, List<String> inputs, Attribute... attributes) {
    String name = unique(scope + "/" + op);
    model.node(new Node(name, op, inputs, List.of(name), Arrays.asList(attributes)));
    return name;
  }

  /** An {@code INT64} constant (shapes, pads, slice bounds). */
  private String constant(String scope, String what, long... values) {
    return constant(OnnxModel.Tensor.ofLongs(unique(scope + "/" + what), values));
  }

  /** A {@code DOUBLE} scalar constant. */
  private String doubleScalar(String scope, String what, double value) {
    return constant(OnnxModel.Tensor.ofDouble(unique(scope + "/" + what), value));
  }

  /** A {@code Constant} node: constants stay out of the initializers, which are the weights. */
  private String constant(OnnxModel.Tensor value) {
    model.node(new Node(value.name(), "Constant", List.of(), List.of(value.name()),
        List.of(new TensorAttribute("value", value))));
    return value.name();
  }

  private String unique(String name) {
    int seen = namesUsed.merge(name, 1, Integer::sum);
    return seen == 1 ? name : name + "_" + (seen - 1);
  }

  private IllegalArgumentException unsupported(String layer, String what) {
    return new IllegalArgumentException(arch.name() + ": layer " + layer + " has " + what
        + ", which the ONNX export does not support");
  }

  /** What the model computes and which layout its input takes, in its doc string and metadata. */
  private void describe() {
    Shape in = arch.input();
    String element = type == DataType.DOUBLE ? "float64" : "float32";
    String input = arch.imageInput()
        ? element + " [batch, " + in.channels() + ", " + in.height() + ", " + in.width() + "], NCHW: channels "
            + "first, as PyTorch and torchvision take images. Shortcut's own input rows are NHWC (channels last): "
            + "transpose [N, H, W, C] to [N, C, H, W] before feeding this model"
        : element + " [batch, " + in.size() + "], one row of features in the order of Shortcut's input rows";
    String output = element + " [batch, " + arch.outputs() + "], "
        + (arch.loss() == Loss.SOFTMAX_CROSS_ENTROPY ? "the logits (apply softmax for probabilities)"
            : "the network's output");
    model.docString(arch.name() + ", a " + (arch.residual() ? "residual" : "plain") + " network of "
        + arch.layerCount() + " weight layers exported by Shortcut for inference (batch normalization uses its "
        + "running statistics). Input '" + Onnx.INPUT + "': " + input + ". Output '" + Onnx.OUTPUT + "': " + output
        + ". Initializers are named as in the network's checkpoints (PyTorch's state_dict).");
    String version = Onnx.class.getPackage().getImplementationVersion();
    model.producerVersion(version == null ? "development" : version);
    model.metadata("shortcut.network", arch.name());
    model.metadata("shortcut.variant", arch.residual() ? "residual" : "plain");
    model.metadata("shortcut.layers", Integer.toString(arch.layerCount()));
    model.metadata("shortcut.precision", arch.precision().name());
    model.metadata("shortcut.loss", arch.loss().name());
    model.metadata("shortcut.input_layout", arch.imageInput() ? "NCHW" : "features");
  }
}
