package dev.shortcut.processor.model;

import dev.shortcut.processor.model.NetworkModel.Block;
import dev.shortcut.processor.model.NetworkModel.Layer;
import dev.shortcut.processor.model.NetworkModel.Node;
import dev.shortcut.processor.model.NetworkModel.ShortcutKind;
import dev.shortcut.processor.model.NetworkModel.Slot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The backward pass's bookkeeping, decided once here so that the writer only renders it.
 *
 * <p><b>Overwrite or accumulate.</b> A slot's gradient ∂L/∂a can be written by several steps of
 * the backward pass: a block's input receives the shortcut's gradient first, then the main path's.
 * The first write in execution order overwrites (so nothing needs zeroing), every later one
 * accumulates. Each layer knows how it writes its input's gradient ({@link #inputWrite}), each block
 * how its shortcut writes the block input's ({@link #shortcutWrite}).
 *
 * <p><b>Where gradients live.</b> A slot's gradient is needed only from its first write until the
 * layer that produced the slot has run its backward: a few at a time in a chain. Slots share
 * gradient buffers whose lifetimes do not overlap, so a 1,000-layer network keeps a handful of them
 * instead of one per layer (less memory, and the gradients stay in cache). The network's input and
 * output slots have arrays of their own ({@code inputGradient}, {@code outputGradient}).
 */
public final class GradientPlan {

  /** How a gradient write treats what the target already holds. */
  public enum Write {
    /** The first write of this slot in the backward pass: {@code =}. */
    OVERWRITE,
    /** A later write: {@code +=}. */
    ACCUMULATE
  }

  private final Map<String, Write> inputWrites;
  private final Map<String, Write> shortcutWrites;
  private final int[] bufferOfSlot;
  private final long[] bufferOffsets;
  private final long[] bufferSizes;
  private final long width;

  private GradientPlan(Map<String, Write> inputWrites, Map<String, Write> shortcutWrites, int[] bufferOfSlot,
      long[] bufferSizes) {
    this.inputWrites = inputWrites;
    this.shortcutWrites = shortcutWrites;
    this.bufferOfSlot = bufferOfSlot;
    this.bufferSizes = bufferSizes;
    this.bufferOffsets = new long[bufferSizes.length];
    long offset = 0;
    for (int b = 0; b < bufferSizes.length; b++) {
      bufferOffsets[b] = offset;
      offset = ModelBuilder.saturatedAdd(offset, bufferSizes[b]);
    }
    this.width = offset;
  }

  /** How {@code layer} writes its input's gradient. */
  public Write inputWrite(Layer layer) {
    return inputWrites.get(layer.path());
  }

  /** How {@code block}'s identity or zero-padding shortcut writes the block input's gradient. */
  public Write shortcutWrite(Block block) {
    return shortcutWrites.get(block.path());
  }

  /** The gradient buffer of an interior slot, or -1 for the network's input and output slots. */
  public int buffer(int slot) {
    return bufferOfSlot[slot];
  }

  /** Per-sample offset of a gradient buffer in the gradient array. */
  public long bufferOffset(int buffer) {
    return bufferOffsets[buffer];
  }

  /** Per-sample size of each gradient buffer. */
  public long bufferSize(int buffer) {
    return bufferSizes[buffer];
  }

  /** Number of gradient buffers. */
  public int buffers() {
    return bufferSizes.length;
  }

  /** Per-sample size of all gradient buffers together. */
  public long width() {
    return width;
  }

  /** The plan of the backward pass through {@code nodes}. */
  static GradientPlan of(List<Node> nodes, List<Slot> slots) {
    Schedule schedule = new Schedule(slots.size());
    int output = lastOutput(nodes);
    schedule.written[output] = true; // by the loss, before backward
    for (int i = nodes.size() - 1; i >= 0; i--) {
      schedule.node(nodes.get(i));
    }
    return new GradientPlan(schedule.inputWrites, schedule.shortcutWrites,
        schedule.assignBuffers(slots, output), schedule.sizes());
  }

  private static int lastOutput(List<Node> nodes) {
    Node last = nodes.get(nodes.size() - 1);
    return last.outputSlot();
  }

  /**
   * The backward pass in execution order: which step writes and reads which slot's gradient.
   * Follows exactly the order the writer emits: nodes last to first; in a block, the last layer's
   * whole backward, then the shortcut's, then the rest of the main path back to front.
   */
  private static final class Schedule {
    final Map<String, Write> inputWrites = new HashMap<>();
    final Map<String, Write> shortcutWrites = new HashMap<>();
    final boolean[] written;
    final int[] firstWrite;
    final int[] lastRead;
    private int step;
    private final List<Long> bufferSizes = new ArrayList<>();

    Schedule(int slots) {
      written = new boolean[slots];
      firstWrite = new int[slots];
      lastRead = new int[slots];
      java.util.Arrays.fill(firstWrite, -1);
      java.util.Arrays.fill(lastRead, -1);
    }

    void node(Node n) {
      if (n instanceof Layer l) {
        layer(l, l.outputSlot());
        return;
      }
      Block b = (Block) n;
      List<Node> children = b.children();
      for (int i = children.size() - 1; i >= 0; i--) {
        Node child = children.get(i);
        if (child instanceof Layer l && l.joinsShortcut() && b.shortcut() != ShortcutKind.NONE) {
          // The last layer's backward runs whole, leaving ∂L/∂z (the gradient at the addition) in
          // its gradient slot; the shortcut then hands that same gradient to the block's input.
          layer(l, l.outputSlot());
          read(l.outputSlot());
          shortcut(b, l.outputSlot());
        } else {
          node(child);
        }
      }
    }

    /** A layer's backward: reads the gradient of {@code gradientSource}, writes its input's. */
    private void layer(Layer l, int gradientSource) {
      read(gradientSource);
      inputWrites.put(l.path(), write(l.inputSlot()));
      step++;
    }

    private void shortcut(Block b, int joinGradient) {
      if (b.shortcut() == ShortcutKind.PROJECTION) {
        // The projection's layers, last first; its last reads the join's gradient (∂L/∂z itself).
        List<Layer> p = b.projection();
        for (int i = p.size() - 1; i >= 0; i--) {
          layer(p.get(i), i == p.size() - 1 ? joinGradient : p.get(i).outputSlot());
        }
      } else {
        shortcutWrites.put(b.path(), write(b.inputSlot()));
        step++;
      }
    }

    private Write write(int slot) {
      if (firstWrite[slot] < 0 && !written[slot]) {
        firstWrite[slot] = step;
      }
      Write w = written[slot] ? Write.ACCUMULATE : Write.OVERWRITE;
      written[slot] = true;
      return w;
    }

    private void read(int slot) {
      lastRead[slot] = Math.max(lastRead[slot], step);
    }

    /**
     * Gives every interior slot a buffer, greedily in order of first write: a free buffer (one
     * whose slot's lifetime ended) that is large enough, else the largest free one, grown, else a
     * new one.
     */
    int[] assignBuffers(List<Slot> slots, int output) {
      int[] buffer = new int[slots.size()];
      java.util.Arrays.fill(buffer, -1);
      List<Integer> order = new ArrayList<>();
      for (int s = 1; s < slots.size(); s++) {
        if (s != output && firstWrite[s] >= 0) {
          order.add(s);
        }
      }
      order.sort((a, b) -> firstWrite[a] != firstWrite[b] ? Integer.compare(firstWrite[a], firstWrite[b])
          : Integer.compare(a, b));
      List<Integer> freeAt = new ArrayList<>(); // per buffer: the step after which it is free
      for (int s : order) {
        long need = slots.get(s).shape().size();
        int best = -1;
        for (int b = 0; b < bufferSizes.size(); b++) {
          if (freeAt.get(b) >= firstWrite[s]) {
            continue;
          }
          if (best < 0) {
            best = b;
          } else {
            boolean fits = bufferSizes.get(b) >= need;
            boolean bestFits = bufferSizes.get(best) >= need;
            if (fits && (!bestFits || bufferSizes.get(b) < bufferSizes.get(best))
                || !fits && !bestFits && bufferSizes.get(b) > bufferSizes.get(best)) {
              best = b;
            }
          }
        }
        if (best < 0) {
          best = bufferSizes.size();
          bufferSizes.add(need);
          freeAt.add(0);
        }
        bufferSizes.set(best, Math.max(bufferSizes.get(best), need));
        // A slot written but never read (a projection's output, whose gradient the join supplies)
        // still holds its buffer through its own write.
        freeAt.set(best, Math.max(lastRead[s], firstWrite[s]));
        buffer[s] = best;
      }
      return buffer;
    }

    long[] sizes() {
      long[] sizes = new long[bufferSizes.size()];
      for (int i = 0; i < sizes.length; i++) {
        sizes[i] = bufferSizes.get(i);
      }
      return sizes;
    }
  }
}
