package dev.shortcut.processor.writing;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.shortcut.annotations.Activation;
import dev.shortcut.processor.model.GradientPlan;
import dev.shortcut.processor.model.NetworkModel;
import dev.shortcut.processor.model.NetworkModel.Block;
import dev.shortcut.processor.model.NetworkModel.Conv;
import dev.shortcut.processor.model.NetworkModel.Dense;
import dev.shortcut.processor.model.NetworkModel.GlobalPool;
import dev.shortcut.processor.model.NetworkModel.Layer;
import dev.shortcut.processor.model.NetworkModel.Node;
import dev.shortcut.processor.model.NetworkModel.Norm;
import dev.shortcut.processor.model.NetworkModel.Pool;
import dev.shortcut.processor.model.NetworkModel.ShortcutKind;
import dev.shortcut.processor.model.Traces;
import dev.shortcut.processor.writing.ClassPlan.Shard;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * The forward and backward passes: {@code forward(batch)} and {@code backward(batch, …)} call one
 * method per top-level layer and per block, each a short sequence of kernel calls with the
 * lecture's equation above it. Which gradient writes overwrite and which accumulate comes from the
 * model's {@link GradientPlan}; this class only renders it. Long sequences are split into helper
 * methods at every level ({@link MethodBody}), and deep networks into shards ({@link ClassPlan}).
 */
final class PassWriter {
  static final ParameterSpec BATCH = ParameterSpec.builder(TypeName.INT, "batch").build();

  private final ClassLayout layout;
  private final NetworkModel model;
  private final GradientPlan plan;
  private final DocWriter docs;
  private final NetworkWriter types;

  PassWriter(ClassLayout layout, DocWriter docs, NetworkWriter types) {
    this.layout = layout;
    this.model = layout.model;
    this.plan = model.gradients();
    this.docs = docs;
    this.types = types;
  }

  /** {@code forward}, {@code backward} and every method they reach. */
  void addPasses(TypeSpec.Builder outer) {
    MethodBody forwardBody = new MethodBody();
    List<Runnable> forwardCallees = new ArrayList<>();
    for (Node n : model.nodes()) {
      forwardCall(forwardBody, n, null, forwardCallees);
    }
    MethodSpec.Builder forward = NetworkWriter.override("forward", TypeName.VOID).addParameter(BATCH)
        .addStatement("checkBatch(batch)");
    // Refused before any layer runs, so no running statistics change on the way to the layer.
    model.singleValueNormalization().ifPresent(norm -> forward
        .beginControlFlow("if (training && batch < 2)")
        .addStatement("throw new $T($S + batch\n+ $S)", IllegalArgumentException.class,
            norm.path() + " normalizes one value per channel and sample, so training mode needs batches of at"
                + " least 2, got ",
            "; use a larger batch, or evaluation mode (setTraining(false))")
        .endControlFlow());
    forward.addStatement("forwardRows = 0");
    List<MethodSpec> forwardHelpers = forwardBody.emit(forward, "forward", false, BATCH);
    outer.addMethod(forward.addStatement("forwardRows = batch").build());

    MethodBody backwardBody = new MethodBody();
    List<Runnable> backwardCallees = new ArrayList<>();
    for (int i = model.nodes().size() - 1; i >= 0; i--) {
      backwardCall(backwardBody, model.nodes().get(i), null, backwardCallees);
    }
    MethodSpec.Builder backward = NetworkWriter.override("backward", TypeName.VOID)
        .addParameter(TypeName.INT, "batch").addParameter(TypeName.BOOLEAN, "inputGradient")
        .addStatement("checkBatch(batch)")
        .addStatement("checkForwardRan(batch)")
        .addStatement("forwardRows = 0")
        .addStatement("this.computeInputGradient = inputGradient");
    List<MethodSpec> backwardHelpers = backwardBody.emit(backward, "backward", false, BATCH);
    outer.addMethod(backward.build());
    forwardHelpers.forEach(outer::addMethod);
    backwardHelpers.forEach(outer::addMethod);
    forwardCallees.forEach(Runnable::run);
    backwardCallees.forEach(Runnable::run);
  }

  /**
   * Calls {@code n}'s forward from code in class {@code from}: directly when {@code n} lives there,
   * else through the shard whose run starts at {@code n} (its other nodes are in that run).
   */
  private void forwardCall(MethodBody body, Node n, Shard from, List<Runnable> callees) {
    Shard home = layout.plan.owner(n);
    if (home == from) {
      body.statement(MethodBody.METHOD_CALL_BYTES, "$L(batch)", layout.forwardName(n));
      callees.add(() -> addForward(n));
    } else if (home.first() == n) {
      body.statement(MethodBody.METHOD_CALL_BYTES, "$L.forward(batch)", home.fieldName);
      callees.add(() -> addShardPass(home, true));
    }
  }

  private void backwardCall(MethodBody body, Node n, Shard from, List<Runnable> callees) {
    Shard home = layout.plan.owner(n);
    if (home == from) {
      body.statement(MethodBody.METHOD_CALL_BYTES, "$L(batch)", layout.backwardName(n));
      callees.add(() -> addBackward(n));
    } else if (home.last() == n) {
      body.statement(MethodBody.METHOD_CALL_BYTES, "$L.backward(batch)", home.fieldName);
      callees.add(() -> addShardPass(home, false));
    }
  }

  /** A shard's {@code forward} or {@code backward}: its run of nodes, in order or reversed. */
  private void addShardPass(Shard shard, boolean forward) {
    MethodBody body = new MethodBody();
    List<Runnable> callees = new ArrayList<>();
    for (int i = 0; i < shard.run.size(); i++) {
      Node n = shard.run.get(forward ? i : shard.run.size() - 1 - i);
      if (forward) {
        forwardCall(body, n, shard, callees);
      } else {
        backwardCall(body, n, shard, callees);
      }
    }
    String name = forward ? "forward" : "backward";
    MethodSpec.Builder m = MethodSpec.methodBuilder(name).addParameter(BATCH)
        .addJavadoc("$L $L.\n", forward ? "Forward through" : "Backward through", shard.description());
    emit(types.typeOf(shard), m, body, name);
    callees.forEach(Runnable::run);
  }

  private static void emit(TypeSpec.Builder type, MethodSpec.Builder method, MethodBody body, String stem) {
    List<MethodSpec> helpers = body.emit(method, stem, false, BATCH);
    type.addMethod(method.build());
    helpers.forEach(type::addMethod);
  }

  // ---- the operands of one method ---------------------------------------------------------------

  /**
   * One method being written: its class, and the local offsets it names. A slot's activations are
   * {@code aName}, its gradient {@code dName}, where the name is the layer's field ({@code in} for a
   * block's input).
   */
  private final class Scope {
    final Shard from;
    final MethodBody body = new MethodBody();
    private final Map<Integer, String> names = new HashMap<>();
    private final Set<String> taken = new HashSet<>(List.of("batch"));

    Scope(Shard from, Node node) {
      this.from = from;
      if (node instanceof Block b) {
        name(b.inputSlot(), "in");
        for (Node child : b.children()) {
          name(child.outputSlot(), child instanceof Layer l ? l.fieldName()
              : Traces.display(child.path().substring(b.path().length() + 1)));
        }
        for (Layer p : b.projection()) {
          name(p.outputSlot(), p.path().substring(b.path().length() + 1));
        }
      } else {
        name(node.inputSlot(), "in");
        name(node.outputSlot(), "out");
      }
    }

    private void name(int slot, String raw) {
      String base = Identifiers.methodStem(raw.replaceAll("[^\\p{javaJavaIdentifierPart}.]", "."));
      base = base.isEmpty() ? "x" : Character.toUpperCase(base.charAt(0)) + base.substring(1);
      String name = base;
      for (int n = 2; taken.contains("a" + name) || taken.contains("d" + name); n++) {
        name = base + n;
      }
      taken.add("a" + name);
      taken.add("d" + name);
      names.putIfAbsent(slot, name);
    }

    /** {@code activations, aConv1}, or {@code input, 0} / {@code output, 0}. */
    Operand act(int slot) {
      if (slot == 0) {
        return new Operand("input, 0", List.of());
      }
      if (slot == layout.outputSlot) {
        return new Operand("output, 0", List.of());
      }
      String local = "a" + names.get(slot);
      body.local(local, CodeBlock.of("$L * maxBatch", layout.slotConstant(slot, from)));
      return new Operand("activations, " + local, List.of(local));
    }

    /** {@code aConv1} alone: an interior slot's offset in {@code activations}. */
    Operand offset(int slot) {
      Operand a = act(slot);
      return new Operand(a.locals().get(0), a.locals());
    }

    /** {@code activationGradients, dConv1}, or {@code inputGradient, 0} / {@code outputGradient, 0}. */
    Operand grad(int slot) {
      if (slot == 0) {
        return new Operand("inputGradient, 0", List.of());
      }
      if (slot == layout.outputSlot) {
        return new Operand("outputGradient, 0", List.of());
      }
      String local = "d" + names.get(slot);
      body.local(local, CodeBlock.of("$L * maxBatch", ClassLayout.gradientConstant(plan.buffer(slot))));
      return new Operand("activationGradients, " + local, List.of(local));
    }

    /** A kernel call: its arguments joined with wrapping spaces, their locals declared. */
    void call(String method, Object... args) {
      List<String> uses = new ArrayList<>();
      List<String> parts = new ArrayList<>();
      for (Object a : args) {
        if (a instanceof Operand o) {
          uses.addAll(o.locals());
          parts.add(o.text());
        } else {
          parts.add(String.valueOf(a));
        }
      }
      body.statement(MethodBody.KERNEL_CALL_BYTES, uses, "$L(" + String.join(",$W", parts) + ")", method);
    }

    void comment(String format, Object... args) {
      body.comment(format, args);
    }
  }

  /** An array and an offset, as arguments: {@code activations, aConv1}. */
  private record Operand(String text, List<String> locals) {}

  private String constant(Layer l, String suffix, Scope s) {
    return layout.constant(l, suffix, s.from);
  }

  private static String act(Activation g) {
    return g.name();
  }

  /** How a write to the network input's gradient happens: only when the caller asked for it. */
  private String write(GradientPlan.Write w, int slot) {
    String name = w.name();
    return slot == 0 ? "toInput(" + name + ")" : name;
  }

  private static String rows(Layer l) {
    return l.output().pixels() == 1 ? "batch" : "batch * " + l.output().pixels();
  }

  private static String count(Layer l) {
    return "batch * " + l.output().size();
  }

  // ---- forward ----------------------------------------------------------------------------------

  private void addForward(Node node) {
    Shard home = layout.plan.owner(node);
    MethodSpec.Builder m = MethodSpec.methodBuilder(layout.forwardName(node)).addModifiers(Modifier.PRIVATE)
        .addParameter(BATCH);
    Scope s = new Scope(home, node);
    List<Runnable> callees = new ArrayList<>();
    if (node instanceof Layer l) {
      m.addJavadoc(docs.layerJavadoc(l, null));
      layerForward(s, l, null);
    } else {
      Block b = (Block) node;
      m.addJavadoc(docs.blockJavadoc(b));
      for (Node child : b.children()) {
        if (child instanceof Layer l) {
          if (l.joinsShortcut() && b.shortcut() == ShortcutKind.PROJECTION) {
            projectionForward(s, b);
          }
          layerForward(s, l, l.joinsShortcut() && b.shortcut() != ShortcutKind.NONE ? b : null);
        } else {
          forwardCall(s.body, child, home, callees);
        }
      }
    }
    callees.forEach(Runnable::run);
    emit(types.typeOf(home), m, s.body, layout.forwardName(node));
  }

  /** One layer's forward; {@code joining} is the block whose shortcut it adds, or null. */
  private void layerForward(Scope s, Layer l, Block joining) {
    if (l instanceof Dense d) {
      denseForward(s, d, joining);
    } else if (l instanceof Conv c) {
      convForward(s, c, joining);
    } else if (l instanceof Norm n) {
      normForward(s, n, joining);
    } else if (l instanceof Pool p) {
      s.comment("$L: $L pooling, $L×$L, stride $L, $L → $L", p.fieldName(), p.max() ? "max" : "average", p.kernel(),
          p.kernel(), p.stride(), p.input(), p.output());
      s.call("kernels." + (p.max() ? "maxPool" : "averagePool"), layout.shapeOf(p), "batch", s.act(p.inputSlot()),
          s.act(p.outputSlot()));
    } else {
      GlobalPool g = (GlobalPool) l;
      s.comment("$L: the mean of each channel, $L → $L", g.fieldName(), g.input(), g.output());
      s.call("kernels.globalAveragePool", "batch", g.input().pixels(), g.input().channels(), s.act(g.inputSlot()),
          s.act(g.outputSlot()));
    }
  }

  private void denseForward(Scope s, Dense d, Block joining) {
    String w = constant(d, "_WEIGHT", s);
    if (d.bias() < 0) {
      s.comment("$L: z = W a[l], $L → $L, no bias", d.fieldName(), d.input(), d.units());
      s.call("kernels.linearForward", "batch", d.inputs(), d.units(), s.act(d.inputSlot()), "parameters", w,
          s.act(d.outputSlot()));
      return;
    }
    String b = constant(d, "_BIAS", s);
    if (joining == null) {
      s.comment("$L: a = $L, $L → $L", d.fieldName(), DocWriter.applied(d.activation(), "W a_in + b"), d.input(),
          d.units());
      s.call("kernels.denseForward", "batch", d.inputs(), d.units(), s.act(d.inputSlot()), "parameters", w, b,
          act(d.activation()), s.act(d.outputSlot()));
    } else if (joining.shortcut() == ShortcutKind.ZERO_PAD) {
      s.comment("$L: a = $L: the shortcut joins before the activation", d.fieldName(),
          DocWriter.applied(d.activation(), "W a_in + b + pad(a[l])"));
      s.call("kernels.linearForward", "batch", d.inputs(), d.units(), s.act(d.inputSlot()), "parameters", w,
          s.act(d.outputSlot()));
      s.call("kernels.zeroPadShortcutAdd", layout.zeroPadOf(joining), "batch", s.act(joining.inputSlot()),
          s.act(d.outputSlot()));
      s.call("kernels.biasActivation", "batch", d.units(), s.act(d.outputSlot()), "parameters", b,
          act(d.activation()));
    } else {
      s.comment("$L: a = $L: the shortcut joins before the activation", d.fieldName(),
          DocWriter.applied(d.activation(), "W a_in + b + " + DocWriter.shortcutTerm(joining)));
      s.call("kernels.denseShortcutForward", "batch", d.inputs(), d.units(), s.act(d.inputSlot()), "parameters", w,
          b, s.act(joining.shortcutSlot()), act(d.activation()), s.act(d.outputSlot()));
    }
  }

  private void convForward(Scope s, Conv c, Block joining) {
    s.comment("$L: $L×$L convolution, stride $L, padding $L, $L → $L$L", c.fieldName(), c.kernel(), c.kernel(),
        c.stride(), c.padding(), c.input(), c.output(), c.normalized() ? " (normalized next)" : "");
    s.call("kernels.conv2d", layout.shapeOf(c), "batch", s.act(c.inputSlot()), "parameters",
        constant(c, "_WEIGHT", s), s.act(c.outputSlot()));
    boolean bias = c.bias() >= 0;
    if (joining != null) {
      s.comment("then a = $L: the shortcut joins before the activation",
          DocWriter.applied(c.activation(), "z" + (bias ? " + b" : "") + " + " + DocWriter.shortcutTerm(joining)));
      if (joining.shortcut() == ShortcutKind.ZERO_PAD) {
        s.call("kernels.zeroPadShortcutAdd", layout.zeroPadOf(joining), "batch", s.act(joining.inputSlot()),
            s.act(c.outputSlot()));
        activationWithBias(s, c, bias);
      } else if (bias) {
        s.call("kernels.biasShortcutActivation", rows(c), c.output().channels(), s.act(c.outputSlot()), "parameters",
            constant(c, "_BIAS", s), s.act(joining.shortcutSlot()), act(c.activation()));
      } else {
        s.call("kernels.shortcutActivation", count(c), s.act(c.outputSlot()), s.act(joining.shortcutSlot()),
            act(c.activation()));
      }
    } else if (bias || c.activation() != Activation.NONE) {
      s.comment("then a = $L", DocWriter.applied(c.activation(), bias ? "z + b" : "z"));
      activationWithBias(s, c, bias);
    }
  }

  private void activationWithBias(Scope s, Conv c, boolean bias) {
    if (bias) {
      s.call("kernels.biasActivation", rows(c), c.output().channels(), s.act(c.outputSlot()), "parameters",
          constant(c, "_BIAS", s), act(c.activation()));
    } else if (c.activation() != Activation.NONE) {
      s.call("kernels.activation", count(c), s.act(c.outputSlot()), act(c.activation()));
    }
  }

  private void normForward(Scope s, Norm n, Block joining) {
    String term = joining == null ? "" : " + " + DocWriter.shortcutTerm(joining);
    s.comment("$L: a = $L$L", n.fieldName(), DocWriter.applied(n.activation(), "γ x̂ + β" + term),
        joining == null ? "" : ": the shortcut joins before the activation");
    s.call("normalizationStatistics", rows(n), n.input().channels(), s.offset(n.inputSlot()),
        constant(n, "_RUNNING_MEAN", s), constant(n, "_STATISTICS", s), constant(n, "_COUNTER", s));
    Object[] common = {s.act(n.inputSlot()), "statistics", constant(n, "_STATISTICS", s), "parameters",
        constant(n, "_WEIGHT", s), constant(n, "_BIAS", s)};
    if (joining == null) {
      s.call("kernels.batchNormActivation", concat(new Object[] {rows(n), n.input().channels()}, common,
          new Object[] {s.act(n.outputSlot()), act(n.activation())}));
    } else if (joining.shortcut() == ShortcutKind.ZERO_PAD) {
      s.call("kernels.batchNormZeroPadShortcutActivation", concat(new Object[] {layout.zeroPadOf(joining), "batch"},
          common, new Object[] {s.act(joining.inputSlot()), s.act(n.outputSlot()), act(n.activation())}));
    } else {
      s.call("kernels.batchNormShortcutActivation", concat(new Object[] {rows(n), n.input().channels()}, common,
          new Object[] {s.act(joining.shortcutSlot()), s.act(n.outputSlot()), act(n.activation())}));
    }
  }

  private static Object[] concat(Object[]... parts) {
    List<Object> all = new ArrayList<>();
    for (Object[] p : parts) {
      all.addAll(List.of(p));
    }
    return all.toArray();
  }

  /** The projection shortcut, computed before the layer it joins. */
  private void projectionForward(Scope s, Block b) {
    s.comment("projection shortcut: $L, $L → $L", DocWriter.shortcutTerm(b), b.input(), b.output());
    for (Layer p : b.projection()) {
      if (p instanceof Dense d) {
        s.call("kernels.linearForward", "batch", d.inputs(), d.units(), s.act(d.inputSlot()), "parameters",
            constant(d, "_WEIGHT", s), s.act(d.outputSlot()));
      } else if (p instanceof Conv c) {
        s.call("kernels.conv2d", layout.shapeOf(c), "batch", s.act(c.inputSlot()), "parameters",
            constant(c, "_WEIGHT", s), s.act(c.outputSlot()));
      } else {
        Norm n = (Norm) p;
        s.call("normalizationStatistics", rows(n), n.input().channels(), s.offset(n.inputSlot()),
            constant(n, "_RUNNING_MEAN", s), constant(n, "_STATISTICS", s), constant(n, "_COUNTER", s));
        s.call("kernels.batchNormActivation", rows(n), n.input().channels(), s.act(n.inputSlot()), "statistics",
            constant(n, "_STATISTICS", s), "parameters", constant(n, "_WEIGHT", s), constant(n, "_BIAS", s),
            s.act(n.outputSlot()), "NONE");
      }
    }
  }

  // ---- backward ---------------------------------------------------------------------------------

  private void addBackward(Node node) {
    Shard home = layout.plan.owner(node);
    MethodSpec.Builder m = MethodSpec.methodBuilder(layout.backwardName(node)).addModifiers(Modifier.PRIVATE)
        .addParameter(BATCH);
    Scope s = new Scope(home, node);
    if (node instanceof Layer l) {
      m.addJavadoc("Backward through $L: from ∂L/∂a, the gradients of its parameters and of its input.\n",
          l.path());
      layerBackward(s, l, l.outputSlot());
      emit(types.typeOf(home), m, s.body, layout.backwardName(node));
      return;
    }
    Block b = (Block) node;
    m.addJavadoc("$L\n", DocWriter.wrap("Backward through block " + Traces.display(b.path()) + ", last layer first."
        + (b.shortcut() == ShortcutKind.NONE ? "" : " The shortcut hands ∂L/∂z at the addition to a[l]"
            + (b.shortcut() == ShortcutKind.IDENTITY ? " unchanged" : b.shortcut() == ShortcutKind.ZERO_PAD
                ? " at the pixels and channels a[l] had" : " through the projection")
            + "; the main path then adds its own part, so the gradient reaches a[l] even when the path's is small."),
        DocWriter.METHOD_WIDTH));
    List<Node> children = b.children();
    for (int i = children.size() - 1; i >= 0; i--) {
      Node child = children.get(i);
      if (child instanceof Layer l) {
        layerBackward(s, l, l.outputSlot());
        if (l.joinsShortcut() && b.shortcut() != ShortcutKind.NONE) {
          shortcutBackward(s, b, l);
        }
      } else {
        // The callee is generated here, before the rest of this block.
        List<Runnable> callee = new ArrayList<>();
        backwardCall(s.body, child, home, callee);
        callee.forEach(Runnable::run);
      }
    }
    emit(types.typeOf(home), m, s.body, layout.backwardName(node));
  }

  /**
   * One layer's backward, reading the gradient of {@code gradientSlot} (its own output's, or for a
   * projection's last layer the join's) and writing its input's as the plan says.
   */
  private void layerBackward(Scope s, Layer l, int gradientSlot) {
    GradientPlan.Write w = plan.inputWrite(l);
    String write = write(w, l.inputSlot());
    String sign = w == GradientPlan.Write.OVERWRITE ? "=" : "+=";
    if (l instanceof Dense d) {
      String weight = constant(d, "_WEIGHT", s);
      if (d.bias() < 0) {
        s.comment("$L: ∂L/∂W += ∂L/∂zᵀ a_in, ∂L/∂a_in $L ∂L/∂z W", d.fieldName(), sign);
        s.call("kernels.linearBackward", "batch", d.inputs(), d.units(), s.act(d.inputSlot()), "parameters", weight,
            s.grad(gradientSlot), "gradients", weight, s.grad(d.inputSlot()), write);
        return;
      }
      s.comment("$L: ∂L/∂z = ∂L/∂a ⊙ $L'(z), ∂L/∂b += Σ ∂L/∂z", d.fieldName(), gName(d.activation()));
      s.comment("$L  ∂L/∂W += ∂L/∂zᵀ a_in, ∂L/∂a_in $L ∂L/∂z W", " ".repeat(d.fieldName().length()), sign);
      s.call("kernels.denseBackward", "batch", d.inputs(), d.units(), s.act(d.inputSlot()), "parameters", weight,
          s.act(d.outputSlot()), s.grad(gradientSlot), act(d.activation()), "gradients", weight,
          constant(d, "_BIAS", s), s.grad(d.inputSlot()), write);
    } else if (l instanceof Conv c) {
      boolean bias = c.bias() >= 0;
      if (bias) {
        s.comment("$L: ∂L/∂z = ∂L/∂a ⊙ $L'(z), ∂L/∂b += Σ ∂L/∂z", c.fieldName(), gName(c.activation()));
        s.call("kernels.activationBackward", rows(c), c.output().channels(), s.act(c.outputSlot()),
            s.grad(gradientSlot), act(c.activation()), "gradients", constant(c, "_BIAS", s));
      } else if (c.activation() != Activation.NONE) {
        s.comment("$L: ∂L/∂z = ∂L/∂a ⊙ $L'(z)", c.fieldName(), gName(c.activation()));
        s.call("kernels.activationBackward", count(c), s.act(c.outputSlot()), s.grad(gradientSlot),
            act(c.activation()));
      }
      s.comment("$L: ∂L/∂W += a_in ⋆ ∂L/∂z, ∂L/∂a_in $L ∂L/∂z ⋆ Wᵀ", c.fieldName(), sign);
      s.call("kernels.conv2dBackwardWeights", layout.shapeOf(c), "batch", s.act(c.inputSlot()), s.grad(gradientSlot),
          "gradients", constant(c, "_WEIGHT", s));
      s.call("kernels.conv2dBackwardInput", layout.shapeOf(c), "batch", s.grad(gradientSlot), "parameters",
          constant(c, "_WEIGHT", s), s.grad(c.inputSlot()), write, "scratch", "0");
    } else if (l instanceof Norm n) {
      s.comment("$L: ∂L/∂z = ∂L/∂a ⊙ $L'(a), ∂L/∂γ += Σ ∂L/∂z x̂, ∂L/∂β += Σ ∂L/∂z", n.fieldName(),
          gName(n.activation()));
      s.comment("$L  ∂L/∂x $L γ/σ (∂L/∂z − mean(∂L/∂z) − x̂ mean(∂L/∂z x̂)), over the batch",
          " ".repeat(n.fieldName().length()), sign);
      s.call("kernels.batchNormBackward", rows(n), n.input().channels(), s.act(n.inputSlot()), "statistics",
          constant(n, "_STATISTICS", s), "parameters", constant(n, "_WEIGHT", s), s.act(n.outputSlot()),
          s.grad(gradientSlot), act(n.activation()), "gradients", constant(n, "_WEIGHT", s), constant(n, "_BIAS", s),
          s.grad(n.inputSlot()), write);
    } else if (l instanceof Pool p) {
      s.comment("$L: ∂L/∂a_in $L ∂L/∂a routed back through the $L", p.fieldName(), sign,
          p.max() ? "maxima" : "averages");
      if (p.max()) {
        s.call("kernels.maxPoolBackward", layout.shapeOf(p), "batch", s.act(p.inputSlot()), s.act(p.outputSlot()),
            s.grad(gradientSlot), s.grad(p.inputSlot()), write);
      } else {
        s.call("kernels.averagePoolBackward", layout.shapeOf(p), "batch", s.grad(gradientSlot),
            s.grad(p.inputSlot()), write);
      }
    } else {
      GlobalPool g = (GlobalPool) l;
      s.comment("$L: ∂L/∂a_in $L ∂L/∂a spread evenly over the pixels", g.fieldName(), sign);
      s.call("kernels.globalAveragePoolBackward", "batch", g.input().pixels(), g.input().channels(),
          s.grad(gradientSlot), s.grad(g.inputSlot()), write);
    }
  }

  /** The lesson of the residual network: the gradient at the addition reaches a[l] directly. */
  private void shortcutBackward(Scope s, Block b, Layer join) {
    int joinSlot = join.outputSlot();
    if (b.shortcut() == ShortcutKind.PROJECTION) {
      List<Layer> p = b.projection();
      s.comment("projection shortcut: ∂L/∂a[l] $L its backward from ∂L/∂z at the addition",
          plan.inputWrite(p.get(0)) == GradientPlan.Write.OVERWRITE ? "=" : "+=");
      for (int i = p.size() - 1; i >= 0; i--) {
        layerBackward(s, p.get(i), i == p.size() - 1 ? joinSlot : p.get(i).outputSlot());
      }
      return;
    }
    GradientPlan.Write w = plan.shortcutWrite(b);
    String sign = w == GradientPlan.Write.OVERWRITE ? "=" : "+=";
    if (b.shortcut() == ShortcutKind.IDENTITY) {
      s.comment("shortcut: ∂L/∂a[l] $L ∂L/∂z[l+$L], unchanged", sign, b.steps());
      s.call("kernels.residualBackward", "batch * " + b.output().size(), s.grad(joinSlot), s.grad(b.inputSlot()),
          write(w, b.inputSlot()));
    } else {
      s.comment("zero-padding shortcut: ∂L/∂a[l] $L ∂L/∂z[l+$L] at the pixels and channels a[l] had", sign,
          b.steps());
      s.call("kernels.zeroPadShortcutBackward", layout.zeroPadOf(b), "batch", s.grad(joinSlot),
          s.grad(b.inputSlot()), write(w, b.inputSlot()));
    }
  }

  private static String gName(Activation g) {
    return g == Activation.NONE ? "identity" : g.name().toLowerCase(Locale.ROOT);
  }
}
