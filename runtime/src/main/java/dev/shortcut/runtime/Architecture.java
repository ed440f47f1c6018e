package dev.shortcut.runtime;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Init;
import dev.shortcut.annotations.Loss;
import dev.shortcut.annotations.Precision;
import dev.shortcut.runtime.data.ImageShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The shape of a generated network, fully unrolled: every layer (dense, convolution, batch
 * normalization, pooling) and every residual block in forward order, with the offsets of their
 * parameters in the network's one parameter array and of their running statistics in its buffer
 * array. Activations are NHWC throughout; a layer's {@link Layer#input()} and {@link
 * Layer#output()} are per-sample {@link Shape}s.
 *
 * <p>Generated classes build theirs once, in a static initializer, through {@link #builder}; the
 * runtime reads it for initialization, checkpoints, summaries and per-layer diagnostics. The
 * constructor checks that the layers chain, the blocks fit their layers and shortcuts, and the
 * tables are those the layers imply.
 *
 * @param input one input sample's shape
 * @param imageInput whether the input is an image ({@code channels × height × width}, stored HWC),
 *     which a training set must then declare ({@link dev.shortcut.runtime.data.Dataset#imageShape})
 * @param outputs width of the output (classes)
 * @param residual {@code true} for the residual network, {@code false} for its plain twin
 * @param layers every layer on the main path, in forward order (a block's projection is in the block)
 * @param blocks every block in forward order, outer blocks before the blocks they contain
 * @param parameters every parameter tensor by name
 * @param buffers every batch-normalization buffer and counter by name
 */
public record Architecture(
    String name,
    Shape input,
    boolean imageInput,
    int outputs,
    Loss loss,
    Precision precision,
    boolean residual,
    List<Layer> layers,
    List<Block> blocks,
    ParameterTable parameters,
    BufferTable buffers) {

  public Architecture {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(loss, "loss");
    Objects.requireNonNull(precision, "precision");
    layers = List.copyOf(layers);
    blocks = List.copyOf(blocks);
    ArchitectureChecks.check(name, input, outputs, layers, blocks);
    if (!parameters.equals(ParameterTable.of(layers, blocks))) {
      throw new IllegalStateException(name + ": the parameter table is not the one its layers imply");
    }
    if (!buffers.equals(BufferTable.of(layers, blocks))) {
      throw new IllegalStateException(name + ": the buffer table is not the one its layers imply");
    }
  }

  /** One layer of any kind. Its activation, if any, is applied to its output. */
  public sealed interface Layer permits DenseLayer, ConvLayer, BatchNormLayer, PoolLayer, GlobalAvgPoolLayer {
    /** Dotted path, e.g. {@code layer1.0.conv1}: its tensors are {@code <name>.weight}, ... */
    String name();

    /** One sample's input. */
    Shape input();

    /** One sample's output. */
    Shape output();

    /** Dotted path of the innermost enclosing block, or {@code null}. */
    String block();

    /**
     * The activation applied to this layer's output: after the shortcut's addition when the layer
     * is its block's last. A convolution or dense layer followed by batch normalization has none;
     * the batch normalization carries it.
     */
    Activation activation();

    /** Whether it counts toward the paper's depth: dense and convolution layers do. */
    default boolean isWeightLayer() {
      return false;
    }
  }

  /**
   * One dense layer {@code a = g(W a_prev + b)}. {@code W} is stored {@code [units][inputs]},
   * row-major, like PyTorch's {@code nn.Linear}; when the input is a spatial map, its columns follow
   * the NHWC flatten order ({@link Layout#denseFromNhwc}).
   *
   * @param input the input's shape: flat, or a map this layer reads flattened
   * @param weightOffset offset of {@code W}
   * @param biasOffset offset of {@code b}, or -1 when it has none (batch normalization follows)
   * @param block dotted path of the innermost enclosing block, or {@code null}
   */
  public record DenseLayer(
      String name,
      Shape input,
      int units,
      Activation activation,
      Init init,
      int weightOffset,
      int biasOffset,
      String block) implements Layer {
    public DenseLayer {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(input, "input");
      Objects.requireNonNull(activation, "activation");
      Objects.requireNonNull(init, "init");
      Shape.flat(units); // checks units
    }

    /** A dense layer over a flat input of {@code inputs} values. */
    public DenseLayer(String name, int inputs, int units, Activation activation, Init init, int weightOffset,
        int biasOffset, String block) {
      this(name, Shape.flat(inputs), units, activation, init, weightOffset, biasOffset, block);
    }

    /** Width of the (flattened) input. */
    public int inputs() {
      return input.size();
    }

    @Override
    public Shape output() {
      return Shape.flat(units);
    }

    @Override
    public boolean isWeightLayer() {
      return true;
    }

    /** Whether it has a bias. */
    public boolean hasBias() {
      return biasOffset >= 0;
    }

    /** Parameter name of the weight matrix. */
    public String weightName() {
      return name + ".weight";
    }

    /** Parameter name of the bias vector. */
    public String biasName() {
      return name + ".bias";
    }

    /** How {@code W} is stored: as PyTorch's, or in NHWC column order over a spatial input. */
    public Layout weightLayout() {
      return input.isFlat() ? Layout.AS_TORCH : Layout.denseFromNhwc(input.channels(), input.height(), input.width());
    }
  }

  /**
   * A 2-d convolution, {@code y = g(w ⊛ x + b)}, square kernel, same stride and padding on both
   * axes (padding zeros on every side). The weight is stored {@code [kernel][kernel][in][out]}
   * ({@link Layout#CONV_HWIO}); PyTorch's shape is {@code [out][in][kernel][kernel]}.
   *
   * @param biasOffset offset of the bias, or -1 (none: batch normalization follows)
   */
  public record ConvLayer(
      String name,
      Shape input,
      Shape output,
      int kernel,
      int stride,
      int padding,
      Activation activation,
      Init init,
      int weightOffset,
      int biasOffset,
      String block) implements Layer {
    public ConvLayer {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(activation, "activation");
      Objects.requireNonNull(init, "init");
      Shape expected = outputOf(name, input, output.channels(), kernel, stride, padding);
      if (!expected.equals(output)) {
        throw new IllegalArgumentException("convolution " + name + " of " + input + " with kernel " + kernel
            + ", stride " + stride + ", padding " + padding + " gives " + expected + ", not " + output);
      }
    }

    /** The convolution of {@code input} into {@code filters} channels; its output shape is computed. */
    public static ConvLayer of(String name, Shape input, int filters, int kernel, int stride, int padding,
        Activation activation, Init init, int weightOffset, int biasOffset, String block) {
      return new ConvLayer(name, input, outputOf(name, input, filters, kernel, stride, padding), kernel, stride,
          padding, activation, init, weightOffset, biasOffset, block);
    }

    /** Output channels. */
    public int filters() {
      return output.channels();
    }

    @Override
    public boolean isWeightLayer() {
      return true;
    }

    /** Whether it has a bias. */
    public boolean hasBias() {
      return biasOffset >= 0;
    }

    /** PyTorch's shape of the weight, {@code [out, in, kernel, kernel]}. */
    public int[] weightShape() {
      return new int[] {output.channels(), input.channels(), kernel, kernel};
    }

    /** Parameter name of the weight. */
    public String weightName() {
      return name + ".weight";
    }

    /** Parameter name of the bias. */
    public String biasName() {
      return name + ".bias";
    }

    private static Shape outputOf(String name, Shape input, int filters, int kernel, int stride, int padding) {
      Objects.requireNonNull(input, "input");
      if (kernel < 1 || stride < 1 || padding < 0) {
        throw new IllegalArgumentException("convolution " + name + " needs kernel ≥ 1, stride ≥ 1 and padding ≥ 0, "
            + "got " + kernel + ", " + stride + ", " + padding);
      }
      return Shape.of(filters, windows(name, input.height(), kernel, stride, padding),
          windows(name, input.width(), kernel, stride, padding));
    }
  }

  /**
   * Batch normalization over the channels of its input, PyTorch's {@code BatchNorm2d} (or
   * {@code BatchNorm1d} on a flat input): {@code y = g(γ (x − μ) / √(σ² + ε) + β)}, with the
   * batch's statistics in training mode and the running ones in evaluation mode. γ and β are
   * parameters, the running mean and variance buffers ({@link BufferTable}), and the count of
   * batches seen a {@code long} counter.
   *
   * @param shape its input and output shape
   * @param init γ's initialization: {@link Init#ZERO} for the last batch normalization of a
   *     residual block that starts as the identity ({@code zeroInitLast}), otherwise {@link
   *     Init#AUTO}, which for γ means 1
   * @param meanOffset offset of the running mean in the buffer array
   * @param varianceOffset offset of the running variance in the buffer array
   * @param counter index of its {@code num_batches_tracked} in {@link Network#batchCounts()}
   */
  public record BatchNormLayer(
      String name,
      Shape shape,
      double momentum,
      double epsilon,
      Activation activation,
      Init init,
      int weightOffset,
      int biasOffset,
      int meanOffset,
      int varianceOffset,
      int counter,
      String block) implements Layer {
    public BatchNormLayer {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(shape, "shape");
      Objects.requireNonNull(activation, "activation");
      Objects.requireNonNull(init, "init");
      if (!(momentum >= 0 && momentum <= 1) || !(epsilon > 0) || epsilon == Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException("batch normalization " + name + " needs a momentum in [0, 1] and a "
            + "finite ε > 0, got " + momentum + " and " + epsilon);
      }
    }

    @Override
    public Shape input() {
      return shape;
    }

    @Override
    public Shape output() {
      return shape;
    }

    /** Channels normalized: the length of γ, β and each running statistic. */
    public int channels() {
      return shape.channels();
    }
  }

  /** The two kinds of windowed pooling. */
  public enum Pooling {
    /** The largest value of each window, {@code nn.MaxPool2d}. */
    MAX,
    /** The mean of each window, padding counted as zeros ({@code nn.AvgPool2d}'s default). */
    AVERAGE
  }

  /** Max or average pooling over square windows, per channel; no parameters. */
  public record PoolLayer(
      String name, Pooling kind, Shape input, Shape output, int kernel, int stride, int padding, String block)
      implements Layer {
    public PoolLayer {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
      Shape expected = outputOf(name, input, kernel, stride, padding);
      if (!expected.equals(output)) {
        throw new IllegalArgumentException("pooling " + name + " of " + input + " with kernel " + kernel
            + ", stride " + stride + ", padding " + padding + " gives " + expected + ", not " + output);
      }
    }

    /** Pooling of {@code input}; its output shape is computed. */
    public static PoolLayer of(String name, Pooling kind, Shape input, int kernel, int stride, int padding,
        String block) {
      return new PoolLayer(name, kind, input, outputOf(name, input, kernel, stride, padding), kernel, stride, padding,
          block);
    }

    @Override
    public Activation activation() {
      return Activation.NONE;
    }

    private static Shape outputOf(String name, Shape input, int kernel, int stride, int padding) {
      Objects.requireNonNull(input, "input");
      if (kernel < 1 || stride < 1 || padding < 0 || 2 * padding > kernel) {
        throw new IllegalArgumentException("pooling " + name + " needs kernel ≥ 1, stride ≥ 1 and 0 ≤ padding ≤ "
            + "kernel / 2, got " + kernel + ", " + stride + ", " + padding);
      }
      return Shape.of(input.channels(), windows(name, input.height(), kernel, stride, padding),
          windows(name, input.width(), kernel, stride, padding));
    }
  }

  /** The mean of each channel over the whole map: {@code c×h×w → c}. No parameters. */
  public record GlobalAvgPoolLayer(String name, Shape input, String block) implements Layer {
    public GlobalAvgPoolLayer {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(input, "input");
    }

    @Override
    public Shape output() {
      return Shape.flat(input.channels());
    }

    @Override
    public Activation activation() {
      return Activation.NONE;
    }
  }

  /** Output positions of a window sliding over {@code size} (PyTorch's floor rule). */
  private static int windows(String name, int size, int kernel, int stride, int padding) {
    long span = (long) size + 2L * padding - kernel;
    if (span < 0) {
      throw new IllegalArgumentException(name + ": a kernel of " + kernel + " does not fit an input of " + size
          + " padded by " + padding + " on each side");
    }
    return (int) (span / stride + 1);
  }

  /**
   * One residual block (or, in a plain twin, the same layers without a shortcut). Its shortcut
   * joins the output of its last layer before that layer's activation.
   *
   * @param input the block's input, {@code a[l]}
   * @param output its output
   * @param shortcut how {@code a[l]} reaches the addition
   * @param projection the layers of a {@link ShortcutKind#PROJECTION} shortcut, in order: a dense
   *     layer without bias ({@code <block>.shortcut}), or a 1×1 convolution with the block's stride
   *     and, in a block with batch normalization, its batch normalization; empty otherwise
   * @param stride the subsampling of a {@link ShortcutKind#ZERO_PAD} shortcut (1 otherwise)
   * @param firstLayer index into {@link #layers()} of the block's first layer
   * @param lastLayer index of its last layer, whose activation follows the addition
   */
  public record Block(
      String name,
      Shape input,
      Shape output,
      ShortcutKind shortcut,
      List<Layer> projection,
      int stride,
      int firstLayer,
      int lastLayer) {
    public Block {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(input, "input");
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(shortcut, "shortcut");
      projection = List.copyOf(projection);
      if ((shortcut == ShortcutKind.PROJECTION) != !projection.isEmpty()) {
        throw new IllegalArgumentException(
            "block " + name + ": projection layers go with a PROJECTION shortcut only");
      }
      if (stride < 1) {
        throw new IllegalArgumentException("block " + name + ": stride must be ≥ 1, got " + stride);
      }
    }

    /**
     * A block of dense layers: {@code inputs → outputs}, with, for a {@link
     * ShortcutKind#PROJECTION} shortcut, the matrix {@code W_s} ({@code [outputs][inputs]}, named
     * {@code <block>.shortcut.weight}) at {@code projectionOffset} (-1 otherwise).
     */
    public Block(String name, int inputs, int outputs, ShortcutKind shortcut, Init projectionInit,
        int projectionOffset, int firstLayer, int lastLayer) {
      this(name, Shape.flat(inputs), Shape.flat(outputs), shortcut,
          denseProjection(name, inputs, outputs, shortcut, projectionInit, projectionOffset), 1, firstLayer,
          lastLayer);
    }

    private static List<Layer> denseProjection(String name, int inputs, int outputs, ShortcutKind shortcut,
        Init init, int offset) {
      if ((shortcut == ShortcutKind.PROJECTION) != (offset >= 0)) {
        throw new IllegalArgumentException(
            "block " + name + ": a projection offset goes with a PROJECTION shortcut only");
      }
      return offset < 0 ? List.of()
          : List.of(new DenseLayer(name + ".shortcut", inputs, outputs, Activation.NONE,
              Objects.requireNonNull(init, "projectionInit"), offset, -1, name));
    }

    /** Width of the input, {@code a[l]} flattened. */
    public int inputs() {
      return input.size();
    }

    /** Width of the output, flattened. */
    public int outputs() {
      return output.size();
    }

    /** Offset of the projection's (first) weight, or -1 without a projection. */
    public int projectionOffset() {
      if (projection.isEmpty()) {
        return -1;
      }
      Layer first = projection.get(0);
      return first instanceof DenseLayer d ? d.weightOffset() : ((ConvLayer) first).weightOffset();
    }

    /** Parameter name of the projection's (first) weight, {@code <block>.shortcut.weight} for dense blocks. */
    public String projectionName() {
      return projection.isEmpty() ? name + ".shortcut.weight" : projection.get(0).name() + ".weight";
    }
  }

  /** Starts a description of a network with a flat input of {@code inputs} values. */
  public static Builder builder(
      String name, int inputs, int outputs, Loss loss, Precision precision, boolean residual) {
    return new Builder(name, Shape.flat(inputs), false, outputs, loss, precision, residual);
  }

  /** Starts a description of a network whose input is an image of {@code image} (stored HWC). */
  public static Builder builder(
      String name, Shape image, int outputs, Loss loss, Precision precision, boolean residual) {
    return new Builder(name, image, true, outputs, loss, precision, residual);
  }

  /** Width of one input sample, flattened. */
  public int inputs() {
    return input.size();
  }

  /** The input image's shape, when the input is an image. */
  public Optional<ImageShape> imageShape() {
    return imageInput ? Optional.of(input.toImageShape()) : Optional.empty();
  }

  /** Number of weight layers, the paper's depth: dense and convolution layers on the main path. */
  public int layerCount() {
    return (int) layers.stream().filter(Layer::isWeightLayer).count();
  }

  /** Number of scalars in the parameter array. */
  public int parameterCount() {
    return parameters.totalSize();
  }

  /** Widest activation of one sample (the input's included), used to size scratch buffers. */
  public int maxWidth() {
    int w = input.size();
    for (Layer l : layers) {
      w = Math.max(w, l.output().size());
    }
    return w;
  }

  /** Every batch normalization, the blocks' projections included, in forward order. */
  public List<BatchNormLayer> batchNorms() {
    List<BatchNormLayer> all = new ArrayList<>();
    for (Layer l : ArchitectureChecks.forwardOrder(layers, blocks)) {
      if (l instanceof BatchNormLayer bn) {
        all.add(bn);
      }
    }
    return all;
  }

  /** Collects layers and blocks in forward order. */
  public static final class Builder {
    private final String name;
    private final Shape input;
    private final boolean imageInput;
    private final int outputs;
    private final Loss loss;
    private final Precision precision;
    private final boolean residual;
    private final List<Layer> layers = new ArrayList<>();
    private final List<Block> blocks = new ArrayList<>();

    private Builder(String name, Shape input, boolean imageInput, int outputs, Loss loss, Precision precision,
        boolean residual) {
      this.name = Objects.requireNonNull(name, "name");
      this.input = Objects.requireNonNull(input, "input");
      this.imageInput = imageInput;
      this.outputs = outputs;
      this.loss = Objects.requireNonNull(loss, "loss");
      this.precision = Objects.requireNonNull(precision, "precision");
      this.residual = residual;
    }

    /** Adds the next dense layer, over a flat input. */
    public Builder dense(
        String name,
        int inputs,
        int units,
        Activation activation,
        Init init,
        int weightOffset,
        int biasOffset,
        String block) {
      return add(new DenseLayer(name, inputs, units, activation, init, weightOffset, biasOffset, block));
    }

    /** Adds the next dense layer, reading {@code input} (a spatial map is read flattened, NHWC). */
    public Builder dense(String name, Shape input, int units, Activation activation, Init init, int weightOffset,
        int biasOffset, String block) {
      return add(new DenseLayer(name, input, units, activation, init, weightOffset, biasOffset, block));
    }

    /** Adds the next convolution; {@code biasOffset} -1 for none. See {@link ConvLayer}. */
    public Builder conv(String name, Shape input, int filters, int kernel, int stride, int padding,
        Activation activation, Init init, int weightOffset, int biasOffset, String block) {
      return add(ConvLayer.of(name, input, filters, kernel, stride, padding, activation, init, weightOffset,
          biasOffset, block));
    }

    /** Adds the next batch normalization. See {@link BatchNormLayer}. */
    public Builder batchNorm(String name, Shape shape, double momentum, double epsilon, Activation activation,
        Init init, int weightOffset, int biasOffset, int meanOffset, int varianceOffset, int counter, String block) {
      return add(new BatchNormLayer(name, shape, momentum, epsilon, activation, init, weightOffset, biasOffset,
          meanOffset, varianceOffset, counter, block));
    }

    /** Adds the next max or average pooling. */
    public Builder pool(String name, Pooling kind, Shape input, int kernel, int stride, int padding, String block) {
      return add(PoolLayer.of(name, kind, input, kernel, stride, padding, block));
    }

    /** Adds the next global average pooling. */
    public Builder globalAvgPool(String name, Shape input, String block) {
      return add(new GlobalAvgPoolLayer(name, input, block));
    }

    /** Adds a layer of any kind. */
    public Builder add(Layer layer) {
      layers.add(Objects.requireNonNull(layer, "layer"));
      return this;
    }

    /** Adds a block of dense layers {@code firstLayer..lastLayer} (indices into the layers). */
    public Builder block(
        String name,
        int inputs,
        int outputs,
        ShortcutKind shortcut,
        Init projectionInit,
        int projectionOffset,
        int firstLayer,
        int lastLayer) {
      blocks.add(new Block(name, inputs, outputs, shortcut, projectionInit, projectionOffset, firstLayer,
          lastLayer));
      return this;
    }

    /**
     * Adds a block of any layers {@code firstLayer..lastLayer}, with its shortcut: for {@link
     * ShortcutKind#PROJECTION} the projection's layers (e.g. {@link ConvLayer#of} and a {@link
     * BatchNormLayer}), for {@link ShortcutKind#ZERO_PAD} its {@code stride}.
     */
    public Builder block(String name, Shape input, Shape output, ShortcutKind shortcut, int stride, int firstLayer,
        int lastLayer, Layer... projection) {
      blocks.add(new Block(name, input, output, shortcut, Arrays.asList(projection), stride, firstLayer,
          lastLayer));
      return this;
    }

    /** Checks that the layers chain, the blocks fit and the parameters tile the array, then freezes. */
    public Architecture build() {
      List<Layer> l = List.copyOf(layers);
      List<Block> b = List.copyOf(blocks);
      ArchitectureChecks.check(name, input, outputs, l, b);
      return new Architecture(name, input, imageInput, outputs, loss, precision, residual, l, b,
          ParameterTable.of(l, b), BufferTable.of(l, b));
    }
  }
}
