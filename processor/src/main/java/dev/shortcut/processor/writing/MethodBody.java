package dev.shortcut.processor.writing;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * A method's statements with an estimate of their bytecode, split into helper methods when the
 * method would grow past {@link #BUDGET} bytes. HotSpot does not compile methods over 8,000 bytes
 * of bytecode, so every generated method, at every nesting level, stays well below.
 *
 * <p>Statements may use named local offsets ({@code int aConv1 = ACT_CONV1 * maxBatch;}, like
 * llm.c's {@code l_fch}): each method, helpers included, declares at its top the locals its own
 * statements use.
 */
final class MethodBody {
  /** Estimated bytecode per method before its statements move into helpers. */
  static final int BUDGET = 4_000;
  /**
   * Upper bound of one kernel call: up to twenty arguments, each a field read through the
   * enclosing instance ({@code this$0}) at worst, offsets by {@code ldc_w}.
   */
  static final int KERNEL_CALL_BYTES = 150;
  /** Upper bound of a call to another generated method, through a shard's field at worst. */
  static final int METHOD_CALL_BYTES = 16;
  /** A builder call in {@code describe}, shapes and a projection's layers included. */
  static final int DESCRIBE_ENTRY_BYTES = 160;
  /** One local offset: a constant times {@code maxBatch}, stored. */
  static final int LOCAL_BYTES = 12;

  private record Step(CodeBlock code, int bytes, List<String> locals) {}

  private final List<Step> steps = new ArrayList<>();
  private final Map<String, CodeBlock> locals = new LinkedHashMap<>();
  private CodeBlock.Builder comments = CodeBlock.builder();

  /** Makes {@code int name = initializer;} available to the statements that name it. */
  void local(String name, CodeBlock initializer) {
    locals.putIfAbsent(name, initializer);
  }

  /** A comment, kept with the statement that follows it. */
  void comment(String format, Object... args) {
    comments.add("// " + format + "\n", args);
  }

  /** A statement of about {@code bytes} bytes of bytecode, using the named locals. */
  void statement(int bytes, List<String> uses, String format, Object... args) {
    add(CodeBlock.builder().addStatement(format, args).build(), bytes, uses);
  }

  /** A statement that uses no locals. */
  void statement(int bytes, String format, Object... args) {
    statement(bytes, List.of(), format, args);
  }

  /** Any code, control flow included, of about {@code bytes} bytes of bytecode. */
  void add(CodeBlock code, int bytes, List<String> uses) {
    steps.add(new Step(comments.add(code).build(), bytes, List.copyOf(uses)));
    comments = CodeBlock.builder();
  }

  int bytes() {
    return steps.stream().mapToInt(Step::bytes).sum();
  }

  /**
   * Adds the statements to {@code method}, or, when they are too many, to helpers
   * {@code <stem>Part0}, {@code <stem>Part1}, … that {@code method} calls in order; when even those
   * calls are too many, they move into {@code <stem>Level2Part0}, … and so on. Returns the helpers,
   * for the caller to add after {@code method}.
   *
   * @param parameter the one parameter every helper takes and passes on ({@code batch}, {@code b})
   */
  List<MethodSpec> emit(MethodSpec.Builder method, String stem, boolean isStatic, ParameterSpec parameter) {
    List<MethodSpec> helpers = new ArrayList<>();
    List<Step> current = steps;
    for (int level = 1; total(current) > BUDGET; level++) {
      String prefix = stem + (level == 1 ? "" : "Level" + level) + "Part";
      List<Step> calls = new ArrayList<>();
      List<Step> chunk = new ArrayList<>();
      int bytes = 0;
      for (Step s : current) {
        if (!chunk.isEmpty() && bytes + s.bytes() > BUDGET) {
          calls.add(helper(helpers, prefix + calls.size(), chunk, isStatic, parameter));
          chunk = new ArrayList<>();
          bytes = 0;
        }
        chunk.add(s);
        bytes += s.bytes();
      }
      calls.add(helper(helpers, prefix + calls.size(), chunk, isStatic, parameter));
      current = calls;
    }
    method.addCode(declarations(current));
    current.forEach(s -> method.addCode(s.code()));
    if (!comments.isEmpty()) {
      method.addCode(comments.build());
    }
    return helpers;
  }

  private int total(List<Step> list) {
    int bytes = 0;
    Set<String> used = new LinkedHashSet<>();
    for (Step s : list) {
      bytes += s.bytes();
      used.addAll(s.locals());
    }
    return bytes + used.size() * LOCAL_BYTES;
  }

  /** {@code int aConv1 = ACT_CONV1 * maxBatch;} for each local the steps use, in declaration order. */
  private CodeBlock declarations(List<Step> body) {
    Set<String> used = new LinkedHashSet<>();
    body.forEach(s -> used.addAll(s.locals()));
    CodeBlock.Builder code = CodeBlock.builder();
    for (Map.Entry<String, CodeBlock> e : locals.entrySet()) {
      if (used.contains(e.getKey())) {
        code.addStatement("$T $L = $L", TypeName.INT, e.getKey(), e.getValue());
      }
    }
    return code.build();
  }

  private Step helper(
      List<MethodSpec> helpers, String name, List<Step> body, boolean isStatic, ParameterSpec parameter) {
    MethodSpec.Builder m = MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE).addParameter(parameter);
    if (isStatic) {
      m.addModifiers(Modifier.STATIC);
    }
    m.addCode(declarations(body));
    body.forEach(s -> m.addCode(s.code()));
    helpers.add(m.build());
    return new Step(CodeBlock.builder().addStatement("$L($N)", name, parameter).build(), METHOD_CALL_BYTES, List.of());
  }
}
