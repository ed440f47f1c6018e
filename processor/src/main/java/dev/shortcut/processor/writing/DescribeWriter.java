package dev.shortcut.processor.writing;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeSpec;
import dev.shortcut.processor.model.NetworkModel;
import dev.shortcut.processor.model.NetworkModel.Block;
import dev.shortcut.processor.model.NetworkModel.Conv;
import dev.shortcut.processor.model.NetworkModel.Dense;
import dev.shortcut.processor.model.NetworkModel.GlobalPool;
import dev.shortcut.processor.model.NetworkModel.Layer;
import dev.shortcut.processor.model.NetworkModel.Node;
import dev.shortcut.processor.model.NetworkModel.Norm;
import dev.shortcut.processor.model.NetworkModel.Pool;
import dev.shortcut.processor.model.Shape;
import dev.shortcut.processor.writing.ClassPlan.Shard;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * {@code describe()}: the network's {@code Architecture}, built once in a static initializer. Every
 * layer of the main paths in forward order (the runtime's non-finite scan and the activation
 * layout follow this order), then every block, outer before inner, with its projection's layers;
 * each entry written in the class that declares its offsets.
 */
final class DescribeWriter {
  private static final ParameterSpec BUILDER = ParameterSpec.builder(Names.ARCHITECTURE_BUILDER, "b").build();

  private final ClassLayout layout;
  private final NetworkModel model;
  private final NetworkWriter types;
  private final Map<Layer, Integer> layerIndex = new IdentityHashMap<>();

  DescribeWriter(ClassLayout layout, NetworkWriter types) {
    this.layout = layout;
    this.model = layout.model;
    this.types = types;
    List<Layer> layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      layerIndex.put(layers.get(i), i);
    }
  }

  void addArchitecture(TypeSpec.Builder outer) {
    Shape in = model.input();
    CodeBlock start = model.imageInput()
        ? CodeBlock.of("$T.of($L, $L, $L)", Names.SHAPE, in.channels(), in.height(), in.width())
        : CodeBlock.of("INPUTS");
    MethodSpec.Builder describe = MethodSpec.methodBuilder("describe").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(Names.ARCHITECTURE)
        .addStatement("$T b = $T.builder($S,$W$L,$WOUTPUTS,$W$T.$L,$W$T.$L,$W$L)", Names.ARCHITECTURE_BUILDER,
            Names.ARCHITECTURE, model.className(), start, Names.LOSS, model.loss(), Names.PRECISION,
            model.precision(), model.residual());
    MethodBody body = new MethodBody();
    List<Runnable> callees = new ArrayList<>();
    describeLayers(body, model.nodes(), null, callees);
    describeBlocks(body, model.nodes(), null, callees);
    List<MethodSpec> helpers = body.emit(describe, "describe", true, BUILDER);
    outer.addMethod(describe.addStatement("return b.build()").build());
    helpers.forEach(outer::addMethod);
    callees.forEach(Runnable::run);
  }

  private void describeLayers(MethodBody body, List<Node> nodes, Shard from, List<Runnable> callees) {
    for (Node n : nodes) {
      Shard home = layout.plan.owner(n);
      if (home != from) {
        if (home.first() == n) {
          body.statement(MethodBody.METHOD_CALL_BYTES, "$L.describeLayers(b)", home.className);
          callees.add(() -> addShardDescription(home, true));
        }
      } else if (n instanceof Layer l) {
        body.statement(MethodBody.DESCRIBE_ENTRY_BYTES, "b.$L", entry(l, from));
      } else {
        describeLayers(body, ((Block) n).children(), from, callees);
      }
    }
  }

  /** The builder call of one layer: {@code dense(...)}, {@code conv(...)}, … */
  private CodeBlock entry(Layer l, Shard from) {
    String method = l instanceof Dense ? "dense" : l instanceof Conv ? "conv" : l instanceof Norm ? "batchNorm"
        : l instanceof Pool ? "pool" : "globalAvgPool";
    return CodeBlock.of("$L$L", method, arguments(l, from));
  }

  /** A projection's layer as a record, for {@code b.block(..., projection...)}. */
  private CodeBlock record(Layer l, Shard from) {
    if (l instanceof Dense) {
      return CodeBlock.of("new $T$L", Names.DENSE_LAYER, arguments(l, from));
    }
    if (l instanceof Conv) {
      return CodeBlock.of("$T.of$L", Names.CONV_LAYER, arguments(l, from));
    }
    return CodeBlock.of("new $T$L", Names.BATCH_NORM_LAYER, arguments(l, from));
  }

  /** {@code (name, shape, ...)}: the same for a builder call and for the layer's record. */
  private CodeBlock arguments(Layer l, Shard from) {
    String block = l.blockPath() == null ? "null" : "\"" + l.blockPath() + "\"";
    if (l instanceof Dense d) {
      return CodeBlock.of("($S,$W$L,$W$L,$W$T.$L,$W$T.$L,$W$L,$W$L,$W$L)", d.path(), shape(d.input()), d.units(),
          Names.ACTIVATION, d.activation(), Names.INIT, d.init(), layout.constant(d, "_WEIGHT", from),
          d.bias() >= 0 ? layout.constant(d, "_BIAS", from) : "-1", block);
    }
    if (l instanceof Conv c) {
      return CodeBlock.of("($S,$W$L,$W$L,$W$L,$W$L,$W$L,$W$T.$L,$W$T.$L,$W$L,$W$L,$W$L)", c.path(),
          shape(c.input()), c.output().channels(), c.kernel(), c.stride(), c.padding(), Names.ACTIVATION,
          c.activation(), Names.INIT, c.init(), layout.constant(c, "_WEIGHT", from),
          c.bias() >= 0 ? layout.constant(c, "_BIAS", from) : "-1", block);
    }
    if (l instanceof Norm n) {
      return CodeBlock.of("($S,$W$L,$W0.1,$W1e-5,$W$T.$L,$W$T.$L,$W$L,$W$L,$W$L,$W$L,$W$L,$W$L)", n.path(),
          shape(n.input()), Names.ACTIVATION, n.activation(), Names.INIT, n.zeroGamma() ? "ZERO" : "AUTO",
          layout.constant(n, "_WEIGHT", from), layout.constant(n, "_BIAS", from),
          layout.constant(n, "_RUNNING_MEAN", from), layout.constant(n, "_RUNNING_VAR", from),
          layout.constant(n, "_COUNTER", from), block);
    }
    if (l instanceof Pool p) {
      return CodeBlock.of("($S,$W$T.$L,$W$L,$W$L,$W$L,$W$L,$W$L)", p.path(), Names.POOLING,
          p.max() ? "MAX" : "AVERAGE", shape(p.input()), p.kernel(), p.stride(), p.padding(), block);
    }
    GlobalPool g = (GlobalPool) l;
    return CodeBlock.of("($S,$W$L,$W$L)", g.path(), shape(g.input()), block);
  }

  private static CodeBlock shape(Shape s) {
    return s.isFlat() ? CodeBlock.of("$T.flat($L)", Names.SHAPE, s.channels())
        : CodeBlock.of("$T.of($L, $L, $L)", Names.SHAPE, s.channels(), s.height(), s.width());
  }

  private void describeBlocks(MethodBody body, List<Node> nodes, Shard from, List<Runnable> callees) {
    for (Node n : nodes) {
      if (!(n instanceof Block b)) {
        continue;
      }
      Shard home = layout.plan.owner(n);
      if (home != from) {
        if (firstBlock(home) == n) {
          body.statement(MethodBody.METHOD_CALL_BYTES, "$L.describeBlocks(b)", home.className);
          callees.add(() -> addShardDescription(home, false));
        }
        continue;
      }
      CodeBlock.Builder call = CodeBlock.builder().add("b.block($S,$W$L,$W$L,$W$T.$L,$W$L,$W$L,$W$L", b.path(),
          shape(b.input()), shape(b.output()), Names.SHORTCUT_KIND, b.shortcut(), b.stride(),
          layerIndex.get(firstLayer(b)), layerIndex.get(b.lastLayer()));
      for (Layer p : b.projection()) {
        call.add(",$W$L", record(p, from));
      }
      body.add(call.add(");\n").build(), MethodBody.DESCRIBE_ENTRY_BYTES, List.of());
      describeBlocks(body, b.children(), from, callees);
    }
  }

  /** The first block of a shard's run, whose entry starts the shard's block descriptions. */
  private static Node firstBlock(Shard shard) {
    for (Node n : shard.run) {
      if (n instanceof Block) {
        return n;
      }
    }
    return null;
  }

  private void addShardDescription(Shard shard, boolean layerEntries) {
    String name = layerEntries ? "describeLayers" : "describeBlocks";
    MethodBody body = new MethodBody();
    List<Runnable> callees = new ArrayList<>();
    if (layerEntries) {
      describeLayers(body, shard.run, shard, callees);
    } else {
      describeBlocks(body, shard.run, shard, callees);
    }
    if (body.bytes() == 0) {
      return; // a shard of layers only has no blocks to describe, and is never called for them
    }
    MethodSpec.Builder m = MethodSpec.methodBuilder(name).addModifiers(Modifier.STATIC).addParameter(BUILDER)
        .addJavadoc("Adds the $L of $L, in forward order.\n", layerEntries ? "layers" : "blocks", shard.description());
    List<MethodSpec> helpers = body.emit(m, name, true, BUILDER);
    types.typeOf(shard).addMethod(m.build());
    helpers.forEach(types.typeOf(shard)::addMethod);
    callees.forEach(Runnable::run);
  }

  private static Layer firstLayer(Block b) {
    Node n = b.children().get(0);
    return n instanceof Layer l ? l : firstLayer((Block) n);
  }
}
