package dev.shortcut.runtime;

import dev.shortcut.annotations.Init;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Every parameter tensor of a network, by name, with its place in the one parameter array (the
 * gradient array has the same layout). Names and shapes follow PyTorch's {@code state_dict}:
 * {@code body.3.fc1.weight} {@code [64, 784]}, {@code layer1.0.conv1.weight} {@code [64, 64, 3, 3]};
 * how each is stored is its {@link Layout}. Batch-normalization running statistics are not
 * parameters (no optimizer touches them): they are in the {@link BufferTable}.
 */
public final class ParameterTable {

  /** What a tensor is, for initialization and diagnostics. */
  public enum Role {
    /** The weight of a dense or convolution layer on the main path. */
    WEIGHT,
    /** The bias of a dense or convolution layer. */
    BIAS,
    /** γ of a batch normalization (a projection's included). */
    BN_WEIGHT,
    /** β of a batch normalization (a projection's included). */
    BN_BIAS,
    /** The weight of a projection shortcut: {@code W_s}, or its 1×1 convolution. */
    PROJECTION
  }

  /**
   * One tensor.
   *
   * @param shape PyTorch's shape: {@code [out, in]} for dense weights, {@code [out, in, kh, kw]} for
   *     convolution weights, {@code [n]} for vectors
   * @param fanIn inputs feeding one output: {@code in} (dense), {@code in·kh·kw} (convolution)
   * @param fanOut outputs fed by one input: {@code out} (dense), {@code out·kh·kw} (convolution)
   * @param layer the layer it belongs to, or for a projection's tensors, the block
   * @param layout how it is stored in the parameter array
   */
  public record Parameter(
      String name, int[] shape, int offset, int size, Role role, Init init, int fanIn, int fanOut, String layer,
      Layout layout) {
    public Parameter {
      String mismatch = layout.mismatch(shape);
      if (mismatch != null) {
        throw new IllegalStateException(name + ": " + mismatch);
      }
    }

    /** The shape as PyTorch prints it, e.g. {@code [64, 784]}. */
    public String shapeString() {
      return Arrays.toString(shape);
    }

    /**
     * Where element {@code element} (counted from this tensor's start in the parameter array) sits
     * in PyTorch's indexing: {@code [row, column]}, {@code [out, in, kh, kw]} or {@code [i]}.
     */
    public String position(int element) {
      int torch = layout.torchIndex(element, shape);
      int[] index = new int[shape.length];
      for (int d = shape.length - 1; d >= 0; d--) {
        index[d] = torch % shape[d];
        torch /= shape[d];
      }
      return Arrays.toString(index);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Parameter p && name.equals(p.name) && Arrays.equals(shape, p.shape) && offset == p.offset
          && size == p.size && role == p.role && init == p.init && fanIn == p.fanIn && fanOut == p.fanOut
          && Objects.equals(layer, p.layer) && layout.equals(p.layout);
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, Arrays.hashCode(shape), offset, size, role, init, layer, layout);
    }

    @Override
    public String toString() {
      return name + " " + shapeString() + " at " + offset + " (" + role + ", " + layout + ")";
    }
  }

  private final List<Parameter> parameters;
  private final List<Parameter> byOffset;
  private final Map<String, Parameter> byName;
  private final int totalSize;

  private ParameterTable(List<Parameter> parameters) {
    this.parameters = Collections.unmodifiableList(parameters);
    this.byName = new LinkedHashMap<>();
    for (Parameter p : parameters) {
      if (byName.put(p.name(), p) != null) {
        throw new IllegalStateException("duplicate parameter name " + p.name());
      }
    }
    List<Parameter> sorted = new ArrayList<>(parameters);
    sorted.sort(Comparator.comparingInt(Parameter::offset));
    long next = 0;
    for (Parameter p : sorted) {
      if (p.offset() != next) {
        throw new IllegalStateException(
            "parameter " + p.name() + " starts at " + p.offset() + ", expected " + next);
      }
      next += p.size();
    }
    if (next > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(next + " parameters are more than one Java array holds");
    }
    this.byOffset = Collections.unmodifiableList(sorted);
    this.totalSize = (int) next;
  }

  static ParameterTable of(List<Architecture.Layer> layers, List<Architecture.Block> blocks) {
    Map<Architecture.Layer, Architecture.Block> projectionOf = new IdentityHashMap<>();
    for (Architecture.Block b : blocks) {
      for (Architecture.Layer p : b.projection()) {
        projectionOf.put(p, b);
      }
    }
    List<Parameter> list = new ArrayList<>();
    for (Architecture.Layer l : ArchitectureChecks.forwardOrder(layers, blocks)) {
      Architecture.Block block = projectionOf.get(l);
      String owner = block == null ? l.name() : block.name();
      Role weightRole = block == null ? Role.WEIGHT : Role.PROJECTION;
      if (l instanceof Architecture.DenseLayer d) {
        int[] shape = {d.units(), d.inputs()};
        list.add(new Parameter(d.weightName(), shape, d.weightOffset(), size(d.weightName(), shape), weightRole,
            d.init(), d.inputs(), d.units(), owner, d.weightLayout()));
        if (d.hasBias()) {
          list.add(new Parameter(d.biasName(), new int[] {d.units()}, d.biasOffset(), d.units(), Role.BIAS, Init.ZERO,
              d.inputs(), d.units(), owner, Layout.AS_TORCH));
        }
      } else if (l instanceof Architecture.ConvLayer c) {
        int[] shape = c.weightShape();
        int taps = c.kernel() * c.kernel();
        list.add(new Parameter(c.weightName(), shape, c.weightOffset(), size(c.weightName(), shape), weightRole,
            c.init(), c.input().channels() * taps, c.filters() * taps, owner, Layout.CONV_HWIO));
        if (c.hasBias()) {
          list.add(new Parameter(c.biasName(), new int[] {c.filters()}, c.biasOffset(), c.filters(), Role.BIAS,
              Init.ZERO, c.input().channels() * taps, c.filters() * taps, owner, Layout.AS_TORCH));
        }
      } else if (l instanceof Architecture.BatchNormLayer bn) {
        int n = bn.channels();
        list.add(new Parameter(bn.name() + ".weight", new int[] {n}, bn.weightOffset(), n, Role.BN_WEIGHT, bn.init(),
            n, n, owner, Layout.AS_TORCH));
        list.add(new Parameter(bn.name() + ".bias", new int[] {n}, bn.biasOffset(), n, Role.BN_BIAS, Init.ZERO, n, n,
            owner, Layout.AS_TORCH));
      }
    }
    return new ParameterTable(list);
  }

  /** The product of {@code shape}, or an error when one Java array cannot hold it. */
  private static int size(String name, int[] shape) {
    long size = 1;
    for (int d : shape) {
      size *= d;
      if (size > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException(name + " of shape " + Arrays.toString(shape)
            + " has more elements than one Java array holds");
      }
    }
    return (int) size;
  }

  /** All tensors in forward order. */
  public List<Parameter> all() {
    return parameters;
  }

  /** Number of tensors. */
  public int count() {
    return parameters.size();
  }

  /** Number of scalars in all tensors together. */
  public int totalSize() {
    return totalSize;
  }

  /** The tensor that holds element {@code index} of the parameter (or gradient) array. */
  public Parameter at(int index) {
    if (index < 0 || index >= totalSize) {
      throw new IndexOutOfBoundsException("parameter index " + index + " outside [0, " + totalSize + ")");
    }
    int low = 0;
    int high = byOffset.size() - 1;
    while (low < high) { // the last tensor starting at or before index
      int mid = (low + high + 1) >>> 1;
      if (byOffset.get(mid).offset() <= index) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return byOffset.get(low);
  }

  /** Whether a tensor of this name exists. */
  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  /** The tensor of this name; throws with the known names' count when absent. */
  public Parameter get(String name) {
    Parameter p = byName.get(name);
    if (p == null) {
      throw new NoSuchElementException(
          "no parameter named '" + name + "' (this network has " + parameters.size() + ")");
    }
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParameterTable t && parameters.equals(t.parameters);
  }

  @Override
  public int hashCode() {
    return parameters.hashCode();
  }

  @Override
  public String toString() {
    return parameters.size() + " parameter tensors, " + totalSize + " values";
  }
}
