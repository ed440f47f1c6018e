package dev.shortcut.runtime.checkpoint;

import dev.shortcut.annotations.Precision;
import dev.shortcut.runtime.BufferTable;
import dev.shortcut.runtime.Layout;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.NetworkArrays;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.Values;
import dev.shortcut.runtime.optim.Optimizer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a checkpoint of one network holds, entry by entry, in PyTorch's terms: the parameters and
 * buffers under their {@code state_dict} names, in PyTorch's layouts, the batch counters as
 * {@code I64} scalars, and the optimizer's state. Each entry knows its expected shape and dtype,
 * how to check a value, and how to move values between the network and a tensor.
 */
final class StateDict {
  private StateDict() {}

  /** One tensor of the file. */
  sealed interface Entry permits Floating, Counter {
    String name();

    /** PyTorch's shape. */
    long[] shape();

    /** The dtype the file must hold. */
    String dtype();

    /** What is wrong with the network's current value (NaN, negative variance, ...), or null. */
    String checkNetwork();

    /** What is wrong with the file's tensor {@code t}, whose name, shape and dtype fit; or null. */
    String checkTensor(SafeTensors.Tensor t);

    /** The network's values as a tensor. */
    SafeTensors.Tensor toTensor();

    /** Copies the (checked) tensor into the network. */
    void copyFrom(SafeTensors.Tensor t);
  }

  /**
   * A floating-point tensor stored at {@code values[offset ..]} in {@code layout}.
   *
   * @param what how messages call it: "parameter", "buffer", "optimizer state"
   * @param values the array, or null in an entry that only checks a file (optimizer state before
   *     the optimizer may be bound to the network)
   * @param nonNegative whether values must be ≥ 0 (a running variance)
   */
  record Floating(String name, String what, int[] torchShape, Precision precision, Values values, int offset,
      int size, Layout layout, boolean nonNegative) implements Entry {
    @Override
    public long[] shape() {
      return Arrays.stream(torchShape).asLongStream().toArray();
    }

    @Override
    public String dtype() {
      return precision == Precision.DOUBLE ? "F64" : "F32";
    }

    @Override
    public String checkNetwork() {
      for (int t = 0; t < size; t++) {
        double v = values.get(offset + layout.storedIndex(t, torchShape));
        if (!Double.isFinite(v) || nonNegative && v < 0) {
          return what + " " + name + " holds " + v + " at " + position(t);
        }
      }
      return null;
    }

    @Override
    public String checkTensor(SafeTensors.Tensor t) {
      for (int i = 0; i < size; i++) {
        double v = t.value(i);
        if (!Double.isFinite(v)) {
          return name + " holds a NaN or an infinity at " + position(i);
        }
        if (nonNegative && v < 0) {
          return name + " holds " + v + " at " + position(i) + ", but a variance is ≥ 0";
        }
      }
      return null;
    }

    @Override
    public SafeTensors.Tensor toTensor() {
      boolean doubles = precision == Precision.DOUBLE;
      ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(size, doubles ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
      for (int t = 0; t < size; t++) {
        double v = values.get(offset + layout.storedIndex(t, torchShape));
        if (doubles) {
          b.putDouble(v);
        } else {
          b.putFloat((float) v);
        }
      }
      return new SafeTensors.Tensor(name, dtype(), shape(), b.array());
    }

    @Override
    public void copyFrom(SafeTensors.Tensor t) {
      for (int i = 0; i < size; i++) {
        values.set(offset + layout.storedIndex(i, torchShape), t.value(i));
      }
    }

    /** PyTorch's index of element {@code t} (in PyTorch's order), e.g. {@code [3, 0, 1, 2]}. */
    private String position(int t) {
      int[] index = new int[torchShape.length];
      for (int d = torchShape.length - 1; d >= 0; d--) {
        index[d] = t % torchShape[d];
        t /= torchShape[d];
      }
      return Arrays.toString(index);
    }
  }

  /** A batch normalization's {@code num_batches_tracked}: an {@code I64} scalar (shape {@code []}). */
  record Counter(String name, long[] counts, int index) implements Entry {
    @Override
    public long[] shape() {
      return new long[0];
    }

    @Override
    public String dtype() {
      return "I64";
    }

    @Override
    public String checkNetwork() {
      return counts[index] < 0 ? "counter " + name + " holds " + counts[index] + ", but a count is ≥ 0" : null;
    }

    @Override
    public String checkTensor(SafeTensors.Tensor t) {
      long v = t.longValue(0);
      return v < 0 ? name + " holds " + v + ", but a count is ≥ 0" : null;
    }

    @Override
    public SafeTensors.Tensor toTensor() {
      return SafeTensors.Tensor.ofLongs(name, shape(), counts, index, 1);
    }

    @Override
    public void copyFrom(SafeTensors.Tensor t) {
      counts[index] = t.longValue(0);
    }
  }

  /** The network's parameters, buffers and counters, in forward order. */
  static List<Entry> network(Network net) {
    NetworkArrays arrays = NetworkArrays.of(net);
    List<Entry> entries = new ArrayList<>();
    for (ParameterTable.Parameter p : net.architecture().parameters().all()) {
      entries.add(parameter(p.name(), "parameter", p, arrays.parameters()));
    }
    for (BufferTable.Buffer b : net.architecture().buffers().all()) {
      entries.add(new Floating(b.name(), "buffer", b.shape(), arrays.precision(), arrays.buffers(), b.offset(),
          b.size(), Layout.AS_TORCH, b.kind() == BufferTable.Kind.RUNNING_VAR));
    }
    long[] counts = arrays.batchCounts();
    int expected = net.architecture().buffers().counters().size();
    if (counts.length != expected) {
      throw new IllegalStateException(net.name() + " has " + expected + " batch normalizations but batchCounts() "
          + "holds " + counts.length + " counters");
    }
    for (BufferTable.Counter c : net.architecture().buffers().counters()) {
      entries.add(new Counter(c.name(), counts, c.index()));
    }
    return entries;
  }

  /**
   * The optimizer's state for {@code net}, laid out and named after the parameters. Binds the
   * optimizer to {@code net}, or refuses one that serves another network.
   */
  static List<Entry> optimizer(Network net, Optimizer optimizer) {
    return optimizer(net, optimizer, optimizer.state(net));
  }

  /** The same entries without the arrays, to check a file before the optimizer is bound. */
  static List<Entry> optimizerChecks(Network net, Optimizer optimizer) {
    return optimizer(net, optimizer, null);
  }

  private static List<Entry> optimizer(Network net, Optimizer optimizer, List<Values> state) {
    Precision precision = net.architecture().precision();
    List<Entry> entries = new ArrayList<>();
    for (int s = 0; s < optimizer.stateNames().size(); s++) {
      for (ParameterTable.Parameter p : net.architecture().parameters().all()) {
        entries.add(new Floating(stateName(optimizer, s, p), "optimizer state", p.shape(), precision,
            state == null ? null : state.get(s), p.offset(), p.size(), p.layout(), false));
      }
    }
    return entries;
  }

  static String stateName(Optimizer optimizer, int s, ParameterTable.Parameter p) {
    return Checkpoints.OPTIMIZER_PREFIX + optimizer.name() + "." + optimizer.stateNames().get(s) + "." + p.name();
  }

  private static Floating parameter(String name, String what, ParameterTable.Parameter p, Values values) {
    return new Floating(name, what, p.shape(), values.precision(), values, p.offset(), p.size(), p.layout(), false);
  }
}
