package dev.shortcut.runtime;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Init;
import dev.shortcut.annotations.Loss;
import dev.shortcut.annotations.Precision;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The shape of a generated network, fully unrolled: every dense layer and every residual block in
 * forward order, with the offsets of their parameters in the network's one parameter array.
 *
 * <p>Generated classes build theirs once, in a static initializer; the runtime reads it for
 * initialization, checkpoints, summaries and per-layer diagnostics.
 */
public final class Architecture {

  /**
   * One dense layer {@code a = g(W a_prev + b)}. {@code W} is stored {@code [units][inputs]},
   * row-major, like PyTorch's {@code nn.Linear}.
   *
   * @param name dotted path, e.g. {@code body.3.fc1}
   * @param block dotted path of the innermost enclosing block, or {@code null}
   */
  public record DenseLayer(
      String name,
      int inputs,
      int units,
      Activation activation,
      Init init,
      int weightOffset,
      int biasOffset,
      String block) {
    public DenseLayer {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(activation, "activation");
      Objects.requireNonNull(init, "init");
    }

    /** Parameter name of the weight matrix. */
    public String weightName() {
      return name + ".weight";
    }

    /** Parameter name of the bias vector. */
    public String biasName() {
      return name + ".bias";
    }
  }

  /**
   * One residual block (or, in a plain twin, the same layers without a shortcut).
   *
   * @param firstLayer index into {@link #layers()} of the block's first dense layer
   * @param lastLayer index of its last dense layer, whose activation follows the addition
   * @param projectionOffset offset of {@code W_s} ({@code [outputs][inputs]}), or -1
   */
  public record Block(
      String name,
      int inputs,
      int outputs,
      ShortcutKind shortcut,
      Init projectionInit,
      int projectionOffset,
      int firstLayer,
      int lastLayer) {
    public Block {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(shortcut, "shortcut");
      if ((shortcut == ShortcutKind.PROJECTION) != (projectionOffset >= 0)) {
        throw new IllegalArgumentException(
            "block " + name + ": a projection offset goes with a PROJECTION shortcut only");
      }
    }

    /** Parameter name of the projection {@code W_s}. */
    public String projectionName() {
      return name + ".shortcut.weight";
    }
  }

  private final String name;
  private final int inputs;
  private final int outputs;
  private final Loss loss;
  private final Precision precision;
  private final boolean residual;
  private final List<DenseLayer> layers;
  private final List<Block> blocks;
  private final int parameterCount;
  private final ParameterTable parameterTable;

  private Architecture(Builder b) {
    this.name = b.name;
    this.inputs = b.inputs;
    this.outputs = b.outputs;
    this.loss = b.loss;
    this.precision = b.precision;
    this.residual = b.residual;
    this.layers = Collections.unmodifiableList(new ArrayList<>(b.layers));
    this.blocks = Collections.unmodifiableList(new ArrayList<>(b.blocks));
    this.parameterTable = ParameterTable.of(this.layers, this.blocks);
    this.parameterCount = parameterTable.totalSize();
  }

  /** Starts a description; generated code is the usual caller. */
  public static Builder builder(
      String name, int inputs, int outputs, Loss loss, Precision precision, boolean residual) {
    return new Builder(name, inputs, outputs, loss, precision, residual);
  }

  /** Simple name of the generated class. */
  public String name() {
    return name;
  }

  /** Width of one input sample. */
  public int inputs() {
    return inputs;
  }

  /** Width of the output (classes). */
  public int outputs() {
    return outputs;
  }

  /** The declared loss. */
  public Loss loss() {
    return loss;
  }

  /** Element type. */
  public Precision precision() {
    return precision;
  }

  /** {@code true} for the residual network, {@code false} for its plain twin. */
  public boolean residual() {
    return residual;
  }

  /** Every dense layer in forward order. */
  public List<DenseLayer> layers() {
    return layers;
  }

  /** Every block in forward order (outer blocks before the blocks they contain). */
  public List<Block> blocks() {
    return blocks;
  }

  /** Number of weight layers, the paper's depth: dense layers; projections are not counted. */
  public int layerCount() {
    return layers.size();
  }

  /** Number of scalars in the parameter array. */
  public int parameterCount() {
    return parameterCount;
  }

  /** Every parameter tensor by name, in forward order. */
  public ParameterTable parameters() {
    return parameterTable;
  }

  /** Widest activation, used to size scratch buffers. */
  public int maxWidth() {
    int w = inputs;
    for (DenseLayer l : layers) {
      w = Math.max(w, l.units());
    }
    return w;
  }

  /** Collects layers and blocks in forward order. */
  public static final class Builder {
    private final String name;
    private final int inputs;
    private final int outputs;
    private final Loss loss;
    private final Precision precision;
    private final boolean residual;
    private final List<DenseLayer> layers = new ArrayList<>();
    private final List<Block> blocks = new ArrayList<>();

    private Builder(
        String name, int inputs, int outputs, Loss loss, Precision precision, boolean residual) {
      this.name = Objects.requireNonNull(name, "name");
      this.inputs = inputs;
      this.outputs = outputs;
      this.loss = Objects.requireNonNull(loss, "loss");
      this.precision = Objects.requireNonNull(precision, "precision");
      this.residual = residual;
    }

    /** Adds the next dense layer. */
    public Builder dense(
        String name,
        int inputs,
        int units,
        Activation activation,
        Init init,
        int weightOffset,
        int biasOffset,
        String block) {
      layers.add(
          new DenseLayer(name, inputs, units, activation, init, weightOffset, biasOffset, block));
      return this;
    }

    /** Adds a block whose layers are {@code firstLayer..lastLayer} (indices into the layers). */
    public Builder block(
        String name,
        int inputs,
        int outputs,
        ShortcutKind shortcut,
        Init projectionInit,
        int projectionOffset,
        int firstLayer,
        int lastLayer) {
      blocks.add(
          new Block(
              name,
              inputs,
              outputs,
              shortcut,
              projectionInit,
              projectionOffset,
              firstLayer,
              lastLayer));
      return this;
    }

    /** Checks that the layers chain and the parameters tile the array, then freezes. */
    public Architecture build() {
      int width = inputs;
      for (DenseLayer l : layers) {
        if (l.inputs() != width) {
          throw new IllegalStateException(
              "layer " + l.name() + " takes " + l.inputs() + " inputs but receives " + width);
        }
        width = l.units();
      }
      if (width != outputs) {
        throw new IllegalStateException(
            "last layer has " + width + " units but the network outputs " + outputs);
      }
      return new Architecture(this);
    }
  }
}
