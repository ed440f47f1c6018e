package dev.shortcut.runtime;

import dev.shortcut.annotations.Init;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Every parameter tensor of a network, by name, with its place in the one parameter array (the
 * gradient array has the same layout). Names follow PyTorch's {@code state_dict}:
 * {@code body.3.fc1.weight}.
 */
public final class ParameterTable {

  /** What a tensor is, for initialization and diagnostics. */
  public enum Role {
    WEIGHT,
    BIAS,
    PROJECTION
  }

  /**
   * One tensor.
   *
   * @param shape {@code [out, in]} for matrices, {@code [out]} for biases
   * @param layer the layer (or, for projections, the block) it belongs to
   */
  public record Parameter(
      String name, int[] shape, int offset, int size, Role role, Init init, int fanIn, int fanOut,
      String layer) {
    /** The shape as PyTorch prints it, e.g. {@code [64, 784]}. */
    public String shapeString() {
      return Arrays.toString(shape);
    }

    /** Where element {@code element} (counted from this tensor's start) sits: {@code [row, column]} or {@code [i]}. */
    public String position(int element) {
      return shape.length > 1 ? "[" + element / shape[1] + ", " + element % shape[1] + "]" : "[" + element + "]";
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

  static ParameterTable of(List<Architecture.DenseLayer> layers, List<Architecture.Block> blocks) {
    // Forward order: a projection belongs just before its block's first layer.
    Map<Integer, List<Architecture.Block>> projectionsBefore = new LinkedHashMap<>();
    for (Architecture.Block b : blocks) {
      if (b.shortcut() == ShortcutKind.PROJECTION) {
        projectionsBefore.computeIfAbsent(b.firstLayer(), k -> new ArrayList<>()).add(b);
      }
    }
    List<Parameter> list = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      for (Architecture.Block b : projectionsBefore.getOrDefault(i, List.of())) {
        list.add(
            new Parameter(
                b.projectionName(),
                new int[] {b.outputs(), b.inputs()},
                b.projectionOffset(),
                size(b.projectionName(), b.outputs(), b.inputs()),
                Role.PROJECTION,
                b.projectionInit(),
                b.inputs(),
                b.outputs(),
                b.name()));
      }
      Architecture.DenseLayer l = layers.get(i);
      list.add(
          new Parameter(
              l.weightName(),
              new int[] {l.units(), l.inputs()},
              l.weightOffset(),
              size(l.weightName(), l.units(), l.inputs()),
              Role.WEIGHT,
              l.init(),
              l.inputs(),
              l.units(),
              l.name()));
      list.add(
          new Parameter(
              l.biasName(),
              new int[] {l.units()},
              l.biasOffset(),
              l.units(),
              Role.BIAS,
              Init.ZERO,
              l.inputs(),
              l.units(),
              l.name()));
    }
    return new ParameterTable(list);
  }

  /** {@code rows × columns}, or an error when one Java array cannot hold it. */
  private static int size(String name, int rows, int columns) {
    long size = (long) rows * columns;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(name + " has " + rows + " × " + columns + " = " + size
          + " elements, more than one Java array holds");
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
}
