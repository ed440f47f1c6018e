package dev.shortcut.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Every buffer of a network: state that is saved and loaded with the parameters but that no
 * optimizer updates. Each batch normalization has a running mean and a running variance, laid out
 * in the network's one buffer array ({@code buffers()} of {@link FloatNetwork} / {@link
 * DoubleNetwork}), and a {@code num_batches_tracked} count in {@link Network#batchCounts()}. Names
 * follow PyTorch's {@code state_dict}: {@code bn1.running_mean}, {@code bn1.num_batches_tracked}.
 * A network without batch normalization has an empty table.
 */
public final class BufferTable {

  /** What a buffer holds. */
  public enum Kind {
    /** The running mean of a batch normalization's input, per channel; starts at 0. */
    RUNNING_MEAN,
    /** The running (unbiased) variance, per channel; starts at 1. */
    RUNNING_VAR
  }

  /**
   * One buffer tensor, {@code [channels]}.
   *
   * @param layer the batch normalization it belongs to, or for a projection's, the block
   */
  public record Buffer(String name, int offset, int size, Kind kind, String layer) {
    /** PyTorch's shape, {@code [size]}. */
    public int[] shape() {
      return new int[] {size};
    }
  }

  /**
   * One batch normalization's count of training batches, PyTorch's {@code num_batches_tracked}: an
   * integer (a safetensors {@code I64} scalar, shape {@code []}).
   *
   * @param index its place in {@link Network#batchCounts()}
   */
  public record Counter(String name, int index, String layer) {}

  private static final BufferTable EMPTY = new BufferTable(List.of(), List.of());

  private final List<Buffer> buffers;
  private final List<Counter> counters;
  private final Map<String, Buffer> byName = new LinkedHashMap<>();
  private final Map<String, Counter> countersByName = new LinkedHashMap<>();
  private final int totalSize;

  private BufferTable(List<Buffer> buffers, List<Counter> counters) {
    this.buffers = Collections.unmodifiableList(buffers);
    this.counters = Collections.unmodifiableList(counters);
    for (Buffer b : buffers) {
      if (byName.put(b.name(), b) != null) {
        throw new IllegalStateException("duplicate buffer name " + b.name());
      }
    }
    for (Counter c : counters) {
      if (countersByName.put(c.name(), c) != null || byName.containsKey(c.name())) {
        throw new IllegalStateException("duplicate buffer name " + c.name());
      }
    }
    List<Buffer> sorted = new ArrayList<>(buffers);
    sorted.sort(Comparator.comparingInt(Buffer::offset));
    long next = 0;
    for (Buffer b : sorted) {
      if (b.offset() != next) {
        throw new IllegalStateException("buffer " + b.name() + " starts at " + b.offset() + ", expected " + next);
      }
      next += b.size();
    }
    if (next > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(next + " buffer values are more than one Java array holds");
    }
    this.totalSize = (int) next;
    boolean[] seen = new boolean[counters.size()];
    for (Counter c : counters) {
      if (c.index() < 0 || c.index() >= seen.length || seen[c.index()]) {
        throw new IllegalStateException("counter " + c.name() + " has index " + c.index() + "; the " + seen.length
            + " counters must number 0.." + (seen.length - 1) + ", each once");
      }
      seen[c.index()] = true;
    }
  }

  /** The table of the batch normalizations among {@code layers} and the blocks' projections. */
  static BufferTable of(List<Architecture.Layer> layers, List<Architecture.Block> blocks) {
    Map<String, String> projectionOwner = new LinkedHashMap<>();
    for (Architecture.Block b : blocks) {
      for (Architecture.Layer p : b.projection()) {
        projectionOwner.put(p.name(), b.name());
      }
    }
    List<Buffer> buffers = new ArrayList<>();
    List<Counter> counters = new ArrayList<>();
    for (Architecture.Layer l : ArchitectureChecks.forwardOrder(layers, blocks)) {
      if (l instanceof Architecture.BatchNormLayer bn) {
        String owner = projectionOwner.getOrDefault(bn.name(), bn.name());
        buffers.add(new Buffer(bn.name() + ".running_mean", bn.meanOffset(), bn.channels(), Kind.RUNNING_MEAN, owner));
        buffers.add(new Buffer(bn.name() + ".running_var", bn.varianceOffset(), bn.channels(), Kind.RUNNING_VAR, owner));
        counters.add(new Counter(bn.name() + ".num_batches_tracked", bn.counter(), owner));
      }
    }
    return buffers.isEmpty() ? EMPTY : new BufferTable(buffers, counters);
  }

  /** All buffer tensors in forward order. */
  public List<Buffer> all() {
    return buffers;
  }

  /** All counters in forward order. */
  public List<Counter> counters() {
    return counters;
  }

  /** Whether there are no buffers and no counters (no batch normalization). */
  public boolean isEmpty() {
    return buffers.isEmpty() && counters.isEmpty();
  }

  /** Number of values in the buffer array. */
  public int totalSize() {
    return totalSize;
  }

  /** The buffer tensor of this name; throws when absent. */
  public Buffer get(String name) {
    Buffer b = byName.get(name);
    if (b == null) {
      throw new NoSuchElementException("no buffer named '" + name + "' (this network has " + buffers.size() + ")");
    }
    return b;
  }

  /** The counter of this name; throws when absent. */
  public Counter counter(String name) {
    Counter c = countersByName.get(name);
    if (c == null) {
      throw new NoSuchElementException("no counter named '" + name + "' (this network has " + counters.size() + ")");
    }
    return c;
  }

  /** Whether a buffer or a counter of this name exists. */
  public boolean contains(String name) {
    return byName.containsKey(name) || countersByName.containsKey(name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BufferTable t && buffers.equals(t.buffers) && counters.equals(t.counters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(buffers, counters);
  }

  @Override
  public String toString() {
    return buffers.size() + " buffers (" + totalSize + " values), " + counters.size() + " counters";
  }
}
