package dev.shortcut.processor.model;

import dev.shortcut.processor.model.NetworkModel.Block;
import dev.shortcut.processor.model.NetworkModel.Layer;
import dev.shortcut.processor.model.NetworkModel.Node;
import dev.shortcut.processor.model.NetworkModel.Norm;
import java.util.List;

/**
 * Shape traces, the one format for diagnostics and generated documentation alike: the path from
 * the input to a layer with the shape after each step, {@code input 784 → stem 64 → body[0..8] 64
 * → head 10}, or {@code input 16×32×32 → conv1 32×16×16 → conv2 32×16×16} through a block. Batch
 * normalizations keep the shape and are left out.
 */
public final class Traces {
  private Traces() {}

  /** {@code body.3.fc1} → {@code body[3].fc1}, the form users read. */
  public static String display(String path) {
    return path.replaceAll("\\.(\\d+)(?=\\.|$)", "[$1]");
  }

  /** {@code body.3} → {@code body}: the stack a block instance belongs to. */
  public static String stackPath(String blockPath) {
    return blockPath.substring(0, blockPath.lastIndexOf('.'));
  }

  /** {@code body.3} → 3: a block instance's index in its stack. */
  public static int index(String blockPath) {
    return Integer.parseInt(blockPath.substring(blockPath.lastIndexOf('.') + 1));
  }

  /** {@code body.3.inner.0} → {@code body.*.inner.*}: the key every copy of a declared member shares. */
  public static String declarationKey(String path) {
    return path.replaceAll("\\.\\d+(?=\\.|$)", ".*");
  }

  /** Through one block: {@code input 128 → fc1 256 → fc2 64}. */
  public static String block(Block b) {
    StringBuilder sb = new StringBuilder("input ").append(b.input());
    for (Node n : b.children()) {
      if (n instanceof Norm) {
        continue;
      }
      String name = n instanceof Layer l ? l.fieldName() : display(n.path().substring(b.path().length() + 1));
      sb.append(" → ").append(name).append(' ').append(n.output());
    }
    return sb.toString();
  }

  /** Through the network, runs of blocks of one stack that keep their shape folded: {@code body[0..8] 64}. */
  public static String network(NetworkModel model) {
    return path(model.input(), model.nodes(), model.nodes().size());
  }

  /** Through the network's first {@code count} top-level nodes. */
  public static String path(Shape input, List<Node> nodes, int count) {
    StringBuilder sb = new StringBuilder("input ").append(input);
    int i = 0;
    while (i < count) {
      Node n = nodes.get(i);
      if (n instanceof Norm) {
        i++;
        continue;
      }
      if (n instanceof Layer l) {
        sb.append(" → ").append(display(l.path())).append(' ').append(l.output());
        i++;
        continue;
      }
      Block b = (Block) n;
      String stack = stackPath(b.path());
      int j = i;
      while (j + 1 < count && nodes.get(j + 1) instanceof Block next
          && stackPath(next.path()).equals(stack) && next.output().equals(b.output())) {
        j++;
      }
      int first = index(b.path());
      int last = index(nodes.get(j).path());
      sb.append(" → ").append(display(stack)).append('[').append(first).append(j > i ? ".." + last : "")
          .append("] ").append(b.output());
      i = j + 1;
    }
    return sb.toString();
  }
}
