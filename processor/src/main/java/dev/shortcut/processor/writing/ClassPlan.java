package dev.shortcut.processor.writing;

import dev.shortcut.processor.model.NetworkModel;
import dev.shortcut.processor.model.NetworkModel.Block;
import dev.shortcut.processor.model.NetworkModel.Layer;
import dev.shortcut.processor.model.NetworkModel.Node;
import dev.shortcut.processor.model.Traces;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which class holds each node's methods and offset constants. A class file has one constant pool
 * of at most 65,535 entries, and every layer adds names, offsets and method references to it: a
 * network of up to {@link #LAYERS_PER_CLASS} layers is one class, a deeper one is split into
 * inner classes, <em>shards</em>, each with a pool of its own (Dagger splits large components the
 * same way).
 *
 * <p>A shard holds a run of consecutive siblings (top-level layers and blocks, or the blocks of
 * one block's main path) of at most {@link #LAYERS_PER_CLASS} layers in all, and runs them in order
 * from its {@code forward} and {@code backward}. A block too large for any shard gets a shard of
 * its own, holding its method and the layers of its main path, and its inner blocks are split
 * the same way. The code of each block is the same wherever it lives: shards are inner classes
 * that read the network's arrays directly.
 */
final class ClassPlan {
  /** Layers per class; the estimated constant pool of that many stays under a third of the limit. */
  static final int LAYERS_PER_CLASS = 1_024;

  /** One inner class and the run of sibling nodes it holds. */
  static final class Shard {
    final String className;
    final String fieldName;
    final List<Node> run = new ArrayList<>();
    private long layers;

    Shard(String className, String fieldName) {
      this.className = className;
      this.fieldName = fieldName;
    }

    Node first() {
      return run.get(0);
    }

    Node last() {
      return run.get(run.size() - 1);
    }

    /** {@code body[0] to body[511]}. */
    String description() {
      String first = Traces.display(first().path());
      return run.size() == 1 ? first : first + " to " + Traces.display(last().path());
    }
  }

  private final int limit;
  private final Map<Node, Shard> owner = new IdentityHashMap<>();
  private final List<Shard> shards = new ArrayList<>();

  ClassPlan(NetworkModel model, int layersPerClass) {
    this.limit = layersPerClass;
    if (model.allLayers().size() > layersPerClass) {
      split(model.nodes(), false);
    }
  }

  /** The shards, in forward order of their first node; empty when the network is one class. */
  List<Shard> shards() {
    return shards;
  }

  /** The shard holding {@code node}'s code and constants; null for the network class itself. */
  Shard owner(Node node) {
    return owner.get(node);
  }

  private void split(List<Node> siblings, boolean mainPath) {
    Shard current = null;
    for (Node n : siblings) {
      if (n instanceof Layer && mainPath) {
        current = null; // written inline in its block's method, in its block's class
        continue;
      }
      long size = layers(n);
      if (n instanceof Block b && size > limit) {
        current = null;
        Shard own = newShard();
        own.run.add(b);
        owner.put(b, own);
        for (Node child : b.children()) {
          if (child instanceof Layer) {
            owner.put(child, own);
          }
        }
        b.projection().forEach(p -> owner.put(p, own));
        split(b.children(), true);
        continue;
      }
      if (current == null || current.layers + size > limit) {
        current = newShard();
      }
      current.run.add(n);
      current.layers += size;
      assign(n, current);
    }
  }

  private Shard newShard() {
    Shard s = new Shard("Shard" + shards.size(), "shard" + shards.size());
    shards.add(s);
    return s;
  }

  private void assign(Node n, Shard shard) {
    owner.put(n, shard);
    if (n instanceof Block b) {
      b.children().forEach(child -> assign(child, shard));
      b.projection().forEach(p -> owner.put(p, shard));
    }
  }

  private static long layers(Node n) {
    if (n instanceof Layer) {
      return 1;
    }
    long sum = 0;
    for (Node child : ((Block) n).children()) {
      sum += layers(child);
    }
    return sum;
  }
}
