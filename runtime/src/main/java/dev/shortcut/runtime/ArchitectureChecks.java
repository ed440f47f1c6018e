package dev.shortcut.runtime;

import dev.shortcut.runtime.Architecture.Block;
import dev.shortcut.runtime.Architecture.Layer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an {@link Architecture} must satisfy: its layers chain from the input to the output, and
 * each block fits its layers and its shortcut. Errors name the layer or block and both shapes.
 */
final class ArchitectureChecks {
  private ArchitectureChecks() {}

  static void check(String network, Shape input, int outputs, List<Layer> layers, List<Block> blocks) {
    Shape shape = input;
    for (Layer l : layers) {
      if (!fits(l, shape)) {
        throw new IllegalStateException("layer " + l.name() + " takes " + describe(l.input()) + " but receives "
            + describe(shape));
      }
      shape = l.output();
    }
    if (shape.size() != outputs) {
      throw new IllegalStateException((layers.isEmpty() ? "the input has " : "the last layer has ")
          + describe(shape) + " but the network outputs " + outputs);
    }
    for (Block b : blocks) {
      checkBlock(b, layers);
    }
  }

  /**
   * Whether {@code l} may follow an output of {@code shape}: the same shape, or a dense layer
   * over a flat vector of the same width (a dense layer reading a map declares the map).
   */
  private static boolean fits(Layer l, Shape shape) {
    return l.input().equals(shape) || l.input().isFlat() && shape.isFlat() && l.input().size() == shape.size();
  }

  private static String describe(Shape s) {
    return s.isFlat() ? s.size() + (s.size() == 1 ? " input" : " inputs") : s.toString();
  }

  private static void checkBlock(Block b, List<Layer> layers) {
    if (b.firstLayer() < 0 || b.lastLayer() >= layers.size() || b.firstLayer() > b.lastLayer()) {
      throw new IllegalStateException("block " + b.name() + " spans layers " + b.firstLayer() + ".." + b.lastLayer()
          + " of " + layers.size());
    }
    Layer first = layers.get(b.firstLayer());
    Layer last = layers.get(b.lastLayer());
    if (!fits(first, b.input()) || !last.output().equals(b.output()) && !(last.output().isFlat()
        && b.output().isFlat() && last.output().size() == b.output().size())) {
      throw new IllegalStateException("block " + b.name() + " is " + b.input() + " → " + b.output() + " but its layers "
          + "are " + first.input() + " → " + last.output());
    }
    switch (b.shortcut()) {
      case IDENTITY -> {
        if (b.input().size() != b.output().size() || !b.input().isFlat() && !b.input().equals(b.output())) {
          throw new IllegalStateException("identity shortcut of block " + b.name() + " needs equal shapes: "
              + b.input() + " → " + b.output());
        }
      }
      case ZERO_PAD -> {
        Shape in = b.input();
        Shape out = b.output();
        int h = (in.height() + b.stride() - 1) / b.stride();
        int w = (in.width() + b.stride() - 1) / b.stride();
        if (out.channels() < in.channels() || out.height() != h || out.width() != w) {
          throw new IllegalStateException("zero-padding shortcut of block " + b.name() + " with stride " + b.stride()
              + " turns " + in + " into " + in.channels() + "×" + h + "×" + w + " padded with channels, which "
              + "cannot give " + out);
        }
      }
      case PROJECTION -> {
        Shape shape = b.input();
        for (Layer p : b.projection()) {
          if (!fits(p, shape)) {
            throw new IllegalStateException("projection layer " + p.name() + " of block " + b.name() + " takes "
                + describe(p.input()) + " but receives " + describe(shape));
          }
          shape = p.output();
        }
        if (shape.size() != b.output().size()) {
          throw new IllegalStateException("the projection of block " + b.name() + " gives " + shape + ", not "
              + b.output());
        }
      }
      case NONE -> {
        // a plain twin's block: nothing joins
      }
      default -> throw new AssertionError(b.shortcut());
    }
  }

  /**
   * The layers that own tensors, in forward order: the main path, with each block's projection
   * just before the block's first layer (the order of {@link ParameterTable#all()}).
   */
  static List<Layer> forwardOrder(List<Layer> layers, List<Block> blocks) {
    Map<Integer, List<Block>> projectionsBefore = new LinkedHashMap<>();
    for (Block b : blocks) {
      if (!b.projection().isEmpty()) {
        projectionsBefore.computeIfAbsent(b.firstLayer(), k -> new ArrayList<>()).add(b);
      }
    }
    List<Layer> order = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      for (Block b : projectionsBefore.getOrDefault(i, List.of())) {
        order.addAll(b.projection());
      }
      order.add(layers.get(i));
    }
    return order;
  }
}
