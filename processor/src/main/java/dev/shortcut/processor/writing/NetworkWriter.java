package dev.shortcut.processor.writing;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.shortcut.processor.model.NetworkModel;
import dev.shortcut.processor.model.NetworkModel.BlockNode;
import dev.shortcut.processor.model.NetworkModel.LayerNode;
import dev.shortcut.processor.model.NetworkModel.Node;
import dev.shortcut.processor.writing.ClassPlan.Shard;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.lang.model.element.Modifier;

/**
 * Writes one network class. The class is wiring: every method calls the runtime's kernels with
 * constant sizes; its layout (one parameter array, one gradient array, one activation array and its
 * gradient twin, all sized at construction) means a training step allocates nothing.
 *
 * <p>Assumes a validated model: every size fits an {@code int}-indexed array.
 */
public final class NetworkWriter {
  private static final String[] RESERVED = {
    "INPUTS", "OUTPUTS", "LAYERS", "PARAMETER_COUNT", "INTERIOR_WIDTH", "MAX_BATCH", "ARCHITECTURE",
  };
  private static final ParameterSpec BATCH = ParameterSpec.builder(TypeName.INT, "batch").build();
  private static final ParameterSpec BUILDER = ParameterSpec.builder(Names.ARCHITECTURE_BUILDER, "b").build();

  private final NetworkModel model;
  private final boolean isDouble;
  private final TypeName element;
  private final TypeName array;
  private final List<LayerNode> layers;
  private final int outputSlot;
  /** Interior slots' per-sample offsets in the activation array; -1 for input and output. */
  private final int[] interiorOffset;
  private final int interiorWidth;
  private final ClassPlan plan;
  private final TypeSpec.Builder outer;
  private final Map<Shard, TypeSpec.Builder> shardTypes = new LinkedHashMap<>();
  private final Map<Node, String> constantStems = new IdentityHashMap<>();
  private final Map<Node, String> methodStems = new IdentityHashMap<>();
  private final Map<LayerNode, Integer> layerIndex = new IdentityHashMap<>();
  private final String[] slotConstant;
  private final Shard[] slotHome;
  /** Gradient slots already written during backward generation: later writes accumulate. */
  private final Set<Integer> seeded = new HashSet<>();

  private NetworkWriter(NetworkModel model, int layersPerClass) {
    this.model = model;
    this.isDouble = model.precision().equals("DOUBLE");
    this.element = isDouble ? TypeName.DOUBLE : TypeName.FLOAT;
    this.array = ArrayTypeName.of(element);
    this.layers = model.layers();
    this.outputSlot = layers.get(layers.size() - 1).outputSlot();
    this.interiorOffset = new int[model.slotWidths().size()];
    long offset = 0;
    for (int s = 0; s < interiorOffset.length; s++) {
      if (s == 0 || s == outputSlot) {
        interiorOffset[s] = -1;
      } else {
        interiorOffset[s] = Math.toIntExact(offset);
        offset += model.slotWidths().get(s);
      }
    }
    this.interiorWidth = Math.toIntExact(offset);
    this.plan = new ClassPlan(model, layersPerClass);
    this.outer = TypeSpec.classBuilder(model.className());
    for (Shard s : plan.shards()) {
      shardTypes.put(s, TypeSpec.classBuilder(s.className).addModifiers(Modifier.PRIVATE, Modifier.FINAL));
    }
    for (int i = 0; i < layers.size(); i++) {
      layerIndex.put(layers.get(i), i);
    }
    this.slotConstant = new String[model.slotWidths().size()];
    this.slotHome = new Shard[model.slotWidths().size()];
    Identifiers ids = new Identifiers(List.of(RESERVED));
    nameNodes(model.nodes(), ids);
  }

  /** The Java file of {@code model}. */
  public static JavaFile write(NetworkModel model) {
    return write(model, ClassPlan.LAYERS_PER_CLASS);
  }

  /**
   * The Java file of {@code model}, split into shards past {@code layersPerClass} layers instead of
   * {@link ClassPlan#LAYERS_PER_CLASS}: tests split small networks, or keep a deep one whole.
   */
  public static JavaFile write(NetworkModel model, int layersPerClass) {
    return new NetworkWriter(model, layersPerClass).file();
  }

  /** Claims every node's identifiers in forward order, so that the first of two clashing paths keeps its name. */
  private void nameNodes(List<Node> nodes, Identifiers ids) {
    for (Node n : nodes) {
      if (n instanceof LayerNode l) {
        String stem = ids.claim(Identifiers.constantStem(l.path()), "%s_WEIGHT", "%s_BIAS", "ACT_%s");
        constantStems.put(l, stem);
        slotConstant[l.outputSlot()] = "ACT_" + stem;
        slotHome[l.outputSlot()] = plan.owner(l);
      } else {
        BlockNode b = (BlockNode) n;
        if (b.projectionSlot() >= 0) {
          String stem = ids.claim(Identifiers.constantStem(b.path()), "%s_SHORTCUT_WEIGHT", "ACT_%s_SHORTCUT");
          constantStems.put(b, stem);
          slotConstant[b.projectionSlot()] = "ACT_" + stem + "_SHORTCUT";
          slotHome[b.projectionSlot()] = plan.owner(b);
        }
      }
      if (n instanceof BlockNode || n.path().indexOf('.') < 0) { // nodes with methods of their own
        methodStems.put(n, ids.claim(Identifiers.methodStem(n.path()), "%sForward", "%sBackward"));
      }
      if (n instanceof BlockNode b) {
        nameNodes(b.children(), ids);
      }
    }
  }

  private JavaFile file() {
    outer.addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addSuperinterface(isDouble ? Names.DOUBLE_NETWORK : Names.FLOAT_NETWORK)
        .addAnnotation(AnnotationSpec.builder(Names.GENERATED).addMember("value", "$S", Names.PROCESSOR).build())
        .addJavadoc(classJavadoc());
    addConstants();
    addFields();
    addConstructors();
    addAccessors();
    addPasses();
    addArchitecture();
    for (Map.Entry<Shard, TypeSpec.Builder> e : shardTypes.entrySet()) {
      outer.addType(e.getValue()
          .addJavadoc("$L: methods and offsets in a class of their own, as one class file holds at\n"
              + "most 65,535 constants. An inner class, it reads the network's arrays directly.\n",
              e.getKey().description())
          .build());
    }
    return JavaFile.builder(model.packageName(), outer.build())
        .addFileComment("Generated by the Shortcut processor from $L. Do not edit.", model.declaration().simpleName())
        .indent("  ")
        .skipJavaLangImports(true)
        .build();
  }

  private TypeSpec.Builder typeOf(Shard shard) {
    return shard == null ? outer : shardTypes.get(shard);
  }

  /** A constant declared in {@code home}, as code in {@code from} names it. */
  private static String ref(String constant, Shard home, Shard from) {
    return home == null || home == from ? constant : home.className + "." + constant;
  }

  private String forwardName(Node n) {
    return methodStems.get(n) + "Forward";
  }

  private String backwardName(Node n) {
    return methodStems.get(n) + "Backward";
  }

  // ---- documentation ----------------------------------------------------------------------

  private CodeBlock classJavadoc() {
    long identity = model.blocks().stream().filter(b -> b.shortcut().equals("IDENTITY")).count();
    long projection = model.blocks().stream().filter(b -> b.shortcut().equals("PROJECTION")).count();
    CodeBlock.Builder doc = CodeBlock.builder();
    doc.add("$L network generated from {@link $L}: $L layers, $L parameters.\n\n",
        model.residual() ? "Residual" : "Plain", model.declaration().simpleName(), layers.size(),
        String.format(Locale.ROOT, "%,d", model.parameterCount()));
    doc.add("<pre>\n$L\n</pre>\n\n", trace());
    if (model.residual()) {
      // The equation counts the block's real steps: a three-layer block adds a[l] to z[l+3].
      Set<Integer> steps = new TreeSet<>();
      model.blocks().forEach(b -> steps.add(b.steps()));
      String k = steps.size() == 1 ? Integer.toString(steps.iterator().next()) : "n";
      doc.add("<p>Shortcuts: $L identity, $L projection. Each block computes\n"
          + "{@code a[l+$L] = g(z[l+$L] + a[l])}: the shortcut joins before the last activation$L.\n\n",
          identity, projection, k, k, steps.size() == 1 ? ""
              : ", n being the block's layers and inner blocks (" + join(steps) + ")");
    } else {
      doc.add("<p>The plain twin: the same layers as the residual network, every shortcut removed.\n\n");
    }
    doc.add("<p>Buffers hold {@code maxBatch} rows, laid out once at construction; {@link #forward} and\n"
        + "{@link #backward} allocate nothing. Parameters are named like PyTorch's state_dict\n"
        + "({@code $L}) and stored {@code [out][in]}; see {@link #architecture()}.\n", layers.get(0).path() + ".weight");
    if (!plan.shards().isEmpty()) {
      doc.add("\n<p>The code is split into $L inner classes of at most $L layers ({@code Shard0}, …): one\n"
          + "class file holds at most 65,535 constants.\n", plan.shards().size(), String.format(Locale.ROOT, "%,d",
          ClassPlan.LAYERS_PER_CLASS));
    }
    return doc.build();
  }

  private static String join(Set<Integer> values) {
    List<String> s = new ArrayList<>();
    values.forEach(v -> s.add(Integer.toString(v)));
    return String.join(" or ", s);
  }

  private String trace() {
    StringBuilder sb = new StringBuilder("input ").append(model.inputs());
    String lastStack = null;
    int count = 0;
    for (Node n : model.nodes()) {
      if (n instanceof LayerNode l) {
        if (lastStack != null) {
          sb.append(count > 1 ? " × " + count : "");
          lastStack = null;
        }
        sb.append(" → ").append(l.path()).append(' ').append(l.units());
      } else {
        BlockNode b = (BlockNode) n;
        String stack = b.path().substring(0, b.path().lastIndexOf('.'));
        if (stack.equals(lastStack)) {
          count++;
          continue;
        }
        if (lastStack != null) {
          sb.append(count > 1 ? " × " + count : "");
        }
        lastStack = stack;
        count = 1;
        sb.append(" → ").append(stack).append(" (").append(b.blockType()).append(") ").append(b.outputs());
      }
    }
    if (lastStack != null && count > 1) {
      sb.append(" × ").append(count);
    }
    return sb.toString();
  }

  // ---- constants and fields ---------------------------------------------------------------

  private void addConstants() {
    outer.addField(constant("INPUTS", model.inputs(), "Width of one input sample.", true));
    outer.addField(constant("OUTPUTS", model.outputs(), "Width of the output.", true));
    outer.addField(constant("LAYERS", layers.size(), "Weight layers: the paper's depth.", true));
    outer.addField(constant("PARAMETER_COUNT", model.parameterCount(), "Scalars in {@link #parameters()}.", true));
    outer.addField(constant("MAX_BATCH", maxBatch(),
        "The largest {@code maxBatch} whose buffers fit Java arrays.", true));
    outer.addField(constant("INTERIOR_WIDTH", interiorWidth,
        "Activation scalars per sample between input and output.", false));
    for (BlockNode b : model.blocks()) {
      if (b.projectionOffset() >= 0) {
        typeOf(plan.owner(b)).addField(constant(constantStems.get(b) + "_SHORTCUT_WEIGHT", b.projectionOffset(),
            "{@code " + b.path() + ".shortcut.weight} [" + b.outputs() + ", " + b.inputs() + "]: W_s.", false));
      }
    }
    for (LayerNode l : layers) {
      TypeSpec.Builder home = typeOf(plan.owner(l));
      home.addField(constant(constantStems.get(l) + "_WEIGHT", l.weightOffset(),
          "{@code " + l.path() + ".weight} [" + l.units() + ", " + l.inputs() + "].", false));
      home.addField(constant(constantStems.get(l) + "_BIAS", l.biasOffset(),
          "{@code " + l.path() + ".bias} [" + l.units() + "].", false));
    }
    for (int s = 0; s < interiorOffset.length; s++) {
      if (interiorOffset[s] >= 0) {
        typeOf(slotHome[s]).addField(constant(slotConstant[s], interiorOffset[s],
            "Per-sample offset of {@code " + model.slotNames().get(s) + "}'s output; × maxBatch in the array.", false));
      }
    }
  }

  /** Rows whose input, output and activations each fit one array. */
  private int maxBatch() {
    long widest = Math.max(Math.max(model.inputs(), model.outputs()), Math.max(interiorWidth, 1));
    return Math.toIntExact(NetworkModel.MAX_ARRAY_LENGTH / widest);
  }

  private static FieldSpec constant(String name, long value, String doc, boolean isPublic) {
    FieldSpec.Builder f = FieldSpec.builder(TypeName.INT, name, Modifier.STATIC, Modifier.FINAL)
        .initializer("$L", Math.toIntExact(value)).addJavadoc("$L\n", doc);
    if (isPublic) {
      f.addModifiers(Modifier.PUBLIC);
    }
    return f.build();
  }

  private void addFields() {
    outer.addField(FieldSpec.builder(Names.ARCHITECTURE, "ARCHITECTURE", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .initializer("describe()").build());
    outer.addField(TypeName.INT, "maxBatch", Modifier.PRIVATE, Modifier.FINAL);
    outer.addField(Names.KERNELS, "kernels", Modifier.PRIVATE, Modifier.FINAL);
    field("parameters", "Every parameter; offsets are the {@code _WEIGHT} and {@code _BIAS} constants.");
    field("gradients", "∂L/∂parameters, same layout; backward adds into it.");
    field("input", "a[0]: input rows {@code [maxBatch][INPUTS]}.");
    field("output", "The last layer's output: logits {@code [maxBatch][OUTPUTS]}.");
    field("activations", "a[l] of every interior layer: {@code [slot][maxBatch][width]}.");
    field("inputGradient", "∂L/∂a[0], when asked for.");
    field("outputGradient", "∂L/∂output, written by the loss; backward consumes it in place.");
    field("activationGradients", "∂L/∂a[l] of every interior layer, laid out like {@link #activations}.");
    outer.addField(FieldSpec.builder(TypeName.BOOLEAN, "computeInputGradient", Modifier.PRIVATE)
        .addJavadoc("Whether the running backward pass writes {@link #inputGradient}.\n").build());
    outer.addField(FieldSpec.builder(TypeName.INT, "forwardRows", Modifier.PRIVATE)
        .addJavadoc("Rows of the last forward pass, which backward may use; 0 before any and after each backward.\n")
        .build());
    for (Shard s : plan.shards()) {
      ClassName type = ClassName.get(model.packageName(), model.className()).nestedClass(s.className);
      outer.addField(FieldSpec.builder(type, s.fieldName, Modifier.PRIVATE, Modifier.FINAL)
          .initializer("new $T()", type).build());
    }
  }

  private void field(String name, String doc) {
    outer.addField(FieldSpec.builder(array, name, Modifier.PRIVATE, Modifier.FINAL).addJavadoc("$L\n", doc).build());
  }

  private void addConstructors() {
    outer.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
        .addJavadoc("Buffers for {@code maxBatch} rows, parameters initialized from seed 0, one thread.\n")
        .addParameter(TypeName.INT, "maxBatch")
        .addStatement("this(maxBatch, 0L)").build());
    outer.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
        .addJavadoc("Buffers for {@code maxBatch} rows, parameters initialized from {@code seed}, one thread.\n")
        .addParameter(TypeName.INT, "maxBatch").addParameter(TypeName.LONG, "seed")
        .addStatement("this(maxBatch, seed, $T.singleThreaded())", Names.KERNELS).build());
    outer.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
        .addJavadoc("Buffers for {@code maxBatch} rows, parameters initialized from {@code seed} with the\n"
            + "declared schemes, arithmetic on {@code kernels}.\n")
        .addParameter(TypeName.INT, "maxBatch").addParameter(TypeName.LONG, "seed")
        .addParameter(Names.KERNELS, "kernels")
        .beginControlFlow("if (maxBatch < 1)")
        .addStatement("throw new $T($S + maxBatch)", IllegalArgumentException.class, "maxBatch must be at least 1, got ")
        .endControlFlow()
        .beginControlFlow("if (maxBatch > MAX_BATCH)")
        .addStatement("throw new $T($S + maxBatch + $S + MAX_BATCH + $S)", IllegalArgumentException.class,
            "maxBatch ", " is too large: this network's buffers hold at most ", " rows in Java arrays")
        .endControlFlow()
        .addStatement("this.maxBatch = maxBatch")
        .addStatement("this.kernels = $T.requireNonNull(kernels, $S)", java.util.Objects.class, "kernels")
        .addStatement("this.parameters = new $T[PARAMETER_COUNT]", element)
        .addStatement("this.gradients = new $T[PARAMETER_COUNT]", element)
        .addStatement("this.input = new $T[maxBatch * INPUTS]", element)
        .addStatement("this.output = new $T[maxBatch * OUTPUTS]", element)
        .addStatement("this.activations = new $T[maxBatch * INTERIOR_WIDTH]", element)
        .addStatement("this.inputGradient = new $T[input.length]", element)
        .addStatement("this.outputGradient = new $T[output.length]", element)
        .addStatement("this.activationGradients = new $T[activations.length]", element)
        .addStatement("$T.apply(this, seed)", Names.INITIALIZATION)
        .build());
  }

  private void addAccessors() {
    outer.addMethod(override("architecture", Names.ARCHITECTURE).addStatement("return ARCHITECTURE").build());
    outer.addMethod(override("maxBatch", TypeName.INT).addStatement("return maxBatch").build());
    for (String a : List.of("parameters", "gradients", "input", "output", "outputGradient", "inputGradient")) {
      outer.addMethod(override(a, array).addStatement("return $L", a).build());
    }
    outer.addMethod(override("zeroGradients", TypeName.VOID)
        .addStatement("$T.fill(gradients, 0)", java.util.Arrays.class).build());
    outer.addMethod(MethodSpec.methodBuilder("checkBatch").addModifiers(Modifier.PRIVATE)
        .addParameter(TypeName.INT, "batch")
        .beginControlFlow("if (batch < 1 || batch > maxBatch)")
        .addStatement("throw new $T($S + batch + $S + maxBatch + $S)", IllegalArgumentException.class,
            "batch must be in [1, maxBatch], got ", " (maxBatch ", ")")
        .endControlFlow().build());
    outer.addMethod(MethodSpec.methodBuilder("checkForwardRan").addModifiers(Modifier.PRIVATE)
        .addJavadoc("Backward reads the activations of the last forward pass: they must exist, for as many rows.\n")
        .addParameter(TypeName.INT, "batch")
        .beginControlFlow("if (forwardRows == 0)")
        .addStatement("throw new $T($S + batch + $S)", IllegalStateException.class, "backward(",
            ") needs a forward pass first: no forward ran since this network was built or since the last backward")
        .endControlFlow()
        .beginControlFlow("if (batch > forwardRows)")
        .addStatement("throw new $T($S + batch + $S + forwardRows + $S)", IllegalStateException.class,
            "backward(", ") needs the activations of as many rows, but the last forward ran ",
            "; run forward(batch) first")
        .endControlFlow().build());
  }

  private static MethodSpec.Builder override(String name, TypeName returns) {
    return MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC).returns(returns);
  }

  // ---- forward and backward ---------------------------------------------------------------

  /**
   * The passes. The public methods only call; every callee is generated after its caller's call
   * statement, in execution order, which is what the backward pass's overwrite-or-accumulate rule
   * ({@link #seeded}) relies on.
   */
  private void addPasses() {
    MethodBody forwardBody = new MethodBody();
    List<Runnable> forwardCallees = new ArrayList<>();
    for (Node n : model.nodes()) {
      forwardCall(forwardBody, n, null, forwardCallees);
    }
    MethodSpec.Builder forward = override("forward", TypeName.VOID).addParameter(BATCH)
        .addStatement("checkBatch(batch)")
        .addStatement("forwardRows = 0");
    List<MethodSpec> forwardHelpers = forwardBody.emit(forward, "forward", false, BATCH);
    outer.addMethod(forward.addStatement("forwardRows = batch").build());

    MethodBody backwardBody = new MethodBody();
    List<Runnable> backwardCallees = new ArrayList<>();
    for (int i = model.nodes().size() - 1; i >= 0; i--) {
      backwardCall(backwardBody, model.nodes().get(i), null, backwardCallees);
    }
    MethodSpec.Builder backward = override("backward", TypeName.VOID)
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
    seeded.clear();
    backwardCallees.forEach(Runnable::run);
  }

  /**
   * Calls {@code n}'s forward from code in class {@code from}: directly when {@code n} lives there,
   * else through the shard whose run starts at {@code n} (its other nodes are in that run).
   */
  private void forwardCall(MethodBody body, Node n, Shard from, List<Runnable> callees) {
    Shard home = plan.owner(n);
    if (home == from) {
      body.statement(MethodBody.METHOD_CALL_BYTES, "$L(batch)", forwardName(n));
      callees.add(() -> addForward(n));
    } else if (home.first() == n) {
      body.statement(MethodBody.METHOD_CALL_BYTES, "$L.forward(batch)", home.fieldName);
      callees.add(() -> addShardPass(home, true));
    }
  }

  private void backwardCall(MethodBody body, Node n, Shard from, List<Runnable> callees) {
    Shard home = plan.owner(n);
    if (home == from) {
      body.statement(MethodBody.METHOD_CALL_BYTES, "$L(batch)", backwardName(n));
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
    emit(typeOf(shard), m, body, name);
    callees.forEach(Runnable::run);
  }

  private void emit(TypeSpec.Builder type, MethodSpec.Builder method, MethodBody body, String stem) {
    List<MethodSpec> helpers = body.emit(method, stem, false, BATCH);
    type.addMethod(method.build());
    helpers.forEach(type::addMethod);
  }

  /** The array and offset expression of an activation slot, or of its gradient, in class {@code from}. */
  private CodeBlock slot(int slot, boolean gradient, Shard from) {
    if (slot == 0) {
      return CodeBlock.of("$L, 0", gradient ? "inputGradient" : "input");
    }
    if (slot == outputSlot) {
      return CodeBlock.of("$L, 0", gradient ? "outputGradient" : "output");
    }
    return CodeBlock.of("$L, $L * maxBatch", gradient ? "activationGradients" : "activations",
        ref(slotConstant[slot], slotHome[slot], from));
  }

  private String weight(LayerNode l) {
    return constantStems.get(l) + "_WEIGHT";
  }

  private String bias(LayerNode l) {
    return constantStems.get(l) + "_BIAS";
  }

  private String projection(BlockNode b) {
    return constantStems.get(b) + "_SHORTCUT_WEIGHT";
  }

  private CodeBlock act(String activation) {
    return CodeBlock.of("$T.$L", Names.ACTIVATION, activation);
  }

  private void addForward(Node node) {
    Shard home = plan.owner(node);
    MethodSpec.Builder m = MethodSpec.methodBuilder(forwardName(node))
        .addModifiers(Modifier.PRIVATE).addParameter(BATCH);
    MethodBody body = new MethodBody();
    List<Runnable> callees = new ArrayList<>();
    if (node instanceof LayerNode l) {
      m.addJavadoc("$L: $L → $L, $L.\n<pre>\nz = W a_in + b      a = $L\n</pre>\n",
          l.path(), l.inputs(), l.units(), l.activation().toLowerCase(Locale.ROOT), applied(l.activation(), "z"));
      layerForward(body, l, home);
    } else {
      BlockNode b = (BlockNode) node;
      m.addJavadoc(blockJavadoc(b));
      for (Node child : b.children()) {
        if (child instanceof LayerNode l) {
          if (l.joinsShortcut()) {
            shortcutForward(body, b, l, home);
          } else {
            body.comment("$L: a = $L, $L → $L", l.fieldName(), applied(l.activation(), "W a_in + b"), l.inputs(),
                l.units());
            layerForward(body, l, home);
          }
        } else {
          forwardCall(body, child, home, callees);
        }
      }
    }
    callees.forEach(Runnable::run);
    emit(typeOf(home), m, body, forwardName(node));
  }

  private void layerForward(MethodBody body, LayerNode l, Shard from) {
    body.statement(MethodBody.KERNEL_CALL_BYTES, "kernels.matmulABt(batch, $L, $L, $L, parameters, $L, $L, false)",
        l.units(), l.inputs(), slot(l.inputSlot(), false, from), weight(l), slot(l.outputSlot(), false, from));
    body.statement(MethodBody.KERNEL_CALL_BYTES, "kernels.biasActivation(batch, $L, $L, parameters, $L, $L)",
        l.units(), slot(l.outputSlot(), false, from), bias(l), act(l.activation()));
  }

  private void shortcutForward(MethodBody body, BlockNode b, LayerNode l, Shard from) {
    CodeBlock source = slot(b.inputSlot(), false, from);
    if (b.shortcut().equals("PROJECTION")) {
      body.comment("projection shortcut: W_s a[l], $L → $L", b.inputs(), b.outputs());
      body.statement(MethodBody.KERNEL_CALL_BYTES, "kernels.matmulABt(batch, $L, $L, $L, parameters, $L, $L, false)",
          b.outputs(), b.inputs(), source, projection(b), slot(b.projectionSlot(), false, from));
      source = slot(b.projectionSlot(), false, from);
    }
    body.comment("$L: z = W a_in + b, then the shortcut joins before the activation: a = $L",
        l.fieldName(), applied(l.activation(), "z + " + (b.shortcut().equals("PROJECTION") ? "W_s a[l]" : "a[l]")));
    body.statement(MethodBody.KERNEL_CALL_BYTES, "kernels.matmulABt(batch, $L, $L, $L, parameters, $L, $L, false)",
        l.units(), l.inputs(), slot(l.inputSlot(), false, from), weight(l), slot(l.outputSlot(), false, from));
    body.statement(MethodBody.KERNEL_CALL_BYTES, "kernels.biasShortcutActivation(batch, $L, $L, parameters, $L, $L, $L)",
        l.units(), slot(l.outputSlot(), false, from), bias(l), source, act(l.activation()));
  }

  private CodeBlock blockJavadoc(BlockNode b) {
    CodeBlock.Builder doc = CodeBlock.builder();
    String kind = switch (b.shortcut()) {
      case "IDENTITY" -> "identity shortcut";
      case "PROJECTION" -> "projection shortcut W_s";
      default -> "no shortcut (plain twin)";
    };
    doc.add("Block $L ($L): $L → $L, $L.\n<pre>\n", Names.display(b.path()), b.blockType(), b.inputs(), b.outputs(), kind);
    int k = 1;
    for (Node child : b.children()) {
      if (child instanceof LayerNode l) {
        String prev = k == 1 ? "a[l]" : "a[l+" + (k - 1) + "]";
        String skip = !l.joinsShortcut() ? "" : b.shortcut().equals("PROJECTION") ? " + W_s a[l]" : " + a[l]";
        doc.add("$L: z[l+$L] = W[l+$L] $L + b[l+$L]    a[l+$L] = $L\n",
            l.fieldName(), k, k, prev, k, k, applied(l.activation(), "z[l+" + k + "]" + skip));
      } else {
        doc.add("$L: a[l+$L] = block(a[l+$L])\n", Names.display(child.path().substring(b.path().length() + 1)), k, k - 1);
      }
      k++;
    }
    return doc.add("</pre>\n").build();
  }

  /** {@code relu(x)}, or just {@code x} for no activation. */
  private static String applied(String activation, String x) {
    return activation.equals("NONE") ? x : activation.toLowerCase(Locale.ROOT) + "(" + x + ")";
  }

  private void addBackward(Node node) {
    Shard home = plan.owner(node);
    MethodSpec.Builder m = MethodSpec.methodBuilder(backwardName(node))
        .addModifiers(Modifier.PRIVATE).addParameter(BATCH);
    MethodBody body = new MethodBody();
    if (node instanceof LayerNode l) {
      m.addJavadoc("Backward through $L: ∂L/∂z = ∂L/∂a ⊙ g'(z); ∂L/∂W += ∂L/∂zᵀ a_in; ∂L/∂b += Σ ∂L/∂z;"
          + " ∂L/∂a_in = ∂L/∂z W.\n", l.path());
      activationBackward(body, l, home);
      layerBackward(body, l, home);
      emit(typeOf(home), m, body, backwardName(node));
      return;
    }
    BlockNode b = (BlockNode) node;
    m.addJavadoc("Backward through block $L, last layer first.$L\n", Names.display(b.path()),
        b.shortcut().equals("NONE") ? "" : " The shortcut hands ∂L/∂z of the last layer to a[l]"
            + (b.shortcut().equals("IDENTITY") ? " unchanged" : " through W_s")
            + "; the main branch then adds its own part, so the gradient reaches a[l] even when the"
            + " branch's is small.");
    List<Node> children = b.children();
    for (int i = children.size() - 1; i >= 0; i--) {
      Node child = children.get(i);
      if (child instanceof LayerNode l) {
        if (l.joinsShortcut()) {
          body.comment("$L: ∂L/∂z = ∂L/∂a ⊙ $L'(z + shortcut), and ∂L/∂b += Σ rows", l.fieldName(), gName(l));
          activationBackward(body, l, home);
          shortcutBackward(body, b, l, home);
        } else {
          body.comment("$L: ∂L/∂z = ∂L/∂a ⊙ $L'(z), and ∂L/∂b += Σ rows", l.fieldName(), gName(l));
          activationBackward(body, l, home);
        }
        body.comment("$L: ∂L/∂W += ∂L/∂zᵀ a_in, ∂L/∂a_in $L ∂L/∂z W", l.fieldName(),
            seeded.contains(l.inputSlot()) ? "+=" : "=");
        layerBackward(body, l, home);
      } else {
        // The callee is generated here, before the rest of this block: its writes come first.
        List<Runnable> callee = new ArrayList<>();
        backwardCall(body, child, home, callee);
        callee.forEach(Runnable::run);
      }
    }
    emit(typeOf(home), m, body, backwardName(node));
  }

  private static String gName(LayerNode l) {
    return l.activation().equals("NONE") ? "identity" : l.activation().toLowerCase(Locale.ROOT);
  }

  private void activationBackward(MethodBody body, LayerNode l, Shard from) {
    body.statement(MethodBody.KERNEL_CALL_BYTES, "kernels.activationBackward(batch, $L, $L, $L, $L, gradients, $L)",
        l.units(), slot(l.outputSlot(), false, from), slot(l.outputSlot(), true, from), act(l.activation()), bias(l));
  }

  /** The lesson of the residual network: the incoming gradient is added, unchanged, to a[l]'s. */
  private void shortcutBackward(MethodBody body, BlockNode b, LayerNode last, Shard from) {
    if (b.shortcut().equals("NONE")) {
      return;
    }
    int in = b.inputSlot();
    boolean accumulate = seeded.contains(in);
    CodeBlock.Builder code = CodeBlock.builder();
    if (b.shortcut().equals("IDENTITY")) {
      code.add("// shortcut: ∂L/∂a[l] $L ∂L/∂z[l+$L], unchanged\n", accumulate ? "+=" : "=", b.steps());
      code.addStatement("kernels.$L(batch * $L, $L, $L)", accumulate ? "add" : "copy", b.outputs(),
          slot(last.outputSlot(), true, from), slot(in, true, from));
    } else {
      code.add("// projection shortcut: ∂L/∂a[l] $L ∂L/∂z W_s\n", accumulate ? "+=" : "=");
      code.addStatement("kernels.matmulAB(batch, $L, $L, $L, parameters, $L, $L, $L)",
          b.inputs(), b.outputs(), slot(last.outputSlot(), true, from), projection(b), slot(in, true, from),
          accumulate);
    }
    body.add(guardInput(in, code.build()), MethodBody.KERNEL_CALL_BYTES);
    if (b.shortcut().equals("PROJECTION")) {
      body.comment("∂L/∂W_s += ∂L/∂zᵀ a[l]");
      body.statement(MethodBody.KERNEL_CALL_BYTES, "kernels.matmulAtB($L, $L, batch, $L, $L, gradients, $L, true)",
          b.outputs(), b.inputs(), slot(last.outputSlot(), true, from), slot(in, false, from), projection(b));
    }
    seeded.add(in);
  }

  private void layerBackward(MethodBody body, LayerNode l, Shard from) {
    body.statement(MethodBody.KERNEL_CALL_BYTES, "kernels.matmulAtB($L, $L, batch, $L, $L, gradients, $L, true)",
        l.units(), l.inputs(), slot(l.outputSlot(), true, from), slot(l.inputSlot(), false, from), weight(l));
    boolean accumulate = seeded.contains(l.inputSlot());
    body.add(guardInput(l.inputSlot(), CodeBlock.builder().addStatement(
        "kernels.matmulAB(batch, $L, $L, $L, parameters, $L, $L, $L)",
        l.inputs(), l.units(), slot(l.outputSlot(), true, from), weight(l), slot(l.inputSlot(), true, from),
        accumulate).build()), MethodBody.KERNEL_CALL_BYTES);
    seeded.add(l.inputSlot());
  }

  /** Writes to ∂L/∂a[0] happen only when the caller asked for the input gradient. */
  private static CodeBlock guardInput(int slot, CodeBlock body) {
    if (slot != 0) {
      return body;
    }
    return CodeBlock.builder().beginControlFlow("if (computeInputGradient)").add(body).endControlFlow().build();
  }

  // ---- architecture -----------------------------------------------------------------------

  /**
   * {@code describe()}: every layer in forward order, then every block, outer before inner, each
   * entry written in the class that declares its offsets.
   */
  private void addArchitecture() {
    MethodSpec.Builder describe = MethodSpec.methodBuilder("describe").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(Names.ARCHITECTURE)
        .addStatement("$T b = $T.builder($S, INPUTS, OUTPUTS, $T.$L, $T.$L, $L)", Names.ARCHITECTURE_BUILDER,
            Names.ARCHITECTURE, model.className(), Names.LOSS, model.loss(), Names.PRECISION, model.precision(),
            model.residual());
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
      Shard home = plan.owner(n);
      if (home != from) {
        if (home.first() == n) {
          body.statement(MethodBody.METHOD_CALL_BYTES, "$L.describeLayers(b)", home.className);
          callees.add(() -> addShardDescription(home, true));
        }
      } else if (n instanceof LayerNode l) {
        body.statement(MethodBody.DESCRIBE_ENTRY_BYTES, "b.dense($S, $L, $L, $L, $T.$L, $L, $L, $L)",
            l.path(), l.inputs(), l.units(), act(l.activation()), Names.INIT, l.init(), weight(l), bias(l),
            l.blockPath() == null ? "null" : CodeBlock.of("$S", l.blockPath()));
      } else {
        describeLayers(body, ((BlockNode) n).children(), from, callees);
      }
    }
  }

  private void describeBlocks(MethodBody body, List<Node> nodes, Shard from, List<Runnable> callees) {
    for (Node n : nodes) {
      if (!(n instanceof BlockNode b)) {
        continue;
      }
      Shard home = plan.owner(n);
      if (home != from) {
        if (firstBlock(home) == n) {
          body.statement(MethodBody.METHOD_CALL_BYTES, "$L.describeBlocks(b)", home.className);
          callees.add(() -> addShardDescription(home, false));
        }
        continue;
      }
      body.statement(MethodBody.DESCRIBE_ENTRY_BYTES, "b.block($S, $L, $L, $T.$L, $T.HE_NORMAL, $L, $L, $L)",
          b.path(), b.inputs(), b.outputs(), Names.SHORTCUT_KIND, b.shortcut(), Names.INIT,
          b.projectionOffset() >= 0 ? projection(b) : "-1", layerIndex.get(firstLayer(b)),
          layerIndex.get(b.lastLayer()));
      describeBlocks(body, b.children(), from, callees);
    }
  }

  /** The first block of a shard's run, whose entry starts the shard's block descriptions. */
  private static Node firstBlock(Shard shard) {
    for (Node n : shard.run) {
      if (n instanceof BlockNode) {
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
    typeOf(shard).addMethod(m.build());
    helpers.forEach(typeOf(shard)::addMethod);
    callees.forEach(Runnable::run);
  }

  private static LayerNode firstLayer(BlockNode b) {
    Node n = b.children().get(0);
    return n instanceof LayerNode l ? l : firstLayer((BlockNode) n);
  }

  static ClassName className(NetworkModel model) {
    return ClassName.get(model.packageName(), model.className());
  }
}
