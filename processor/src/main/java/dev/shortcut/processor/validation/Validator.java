package dev.shortcut.processor.validation;

import dev.shortcut.annotations.Conv;
import dev.shortcut.annotations.Variant;
import dev.shortcut.processor.diagnostics.Diagnostics;
import dev.shortcut.processor.diagnostics.Message;
import dev.shortcut.processor.diagnostics.Origin;
import dev.shortcut.processor.model.Declarations.BlockDecl;
import dev.shortcut.processor.model.Declarations.ConvDecl;
import dev.shortcut.processor.model.Declarations.DenseDecl;
import dev.shortcut.processor.model.Declarations.LayerDecl;
import dev.shortcut.processor.model.Declarations.Member;
import dev.shortcut.processor.model.Declarations.NetworkDecl;
import dev.shortcut.processor.model.Declarations.NormDecl;
import dev.shortcut.processor.model.Declarations.PoolDecl;
import dev.shortcut.processor.model.Declarations.StackDecl;
import dev.shortcut.processor.model.ModelBuilder;
import dev.shortcut.processor.model.NetworkModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks a declaration's structure: what can be judged without unrolling it (sizes and attributes
 * in range, batch normalizations in their place, how blocks end, the depth family). Shapes are
 * checked on the unrolled models by {@link ModelChecks}. Each fault is reported once, at the
 * element (and annotation value) to fix. Consequences of an error already reported stay silent
 * where they can (a dropped field empties no block).
 */
public final class Validator {
  /** Plain networks deeper than this get a warning: the lecture's degradation sets in. */
  static final int DEEP_PLAIN_LAYERS = 30;

  /** See {@link NetworkModel#MAX_ARRAY_LENGTH}. */
  static final long MAX_ARRAY = NetworkModel.MAX_ARRAY_LENGTH;

  /**
   * Layers one declaration may generate, all its networks together: javac needs about 22 s of CPU
   * and 700 MB of heap for 10,000 layers, growing linearly.
   */
  public static final long MAX_LAYERS = 100_000;

  /**
   * Layers one block may write directly in its main path: they share one generated class, whose
   * constant pool holds 65,535 entries.
   */
  public static final int MAX_DIRECT_LAYERS = 2_048;

  private Validator() {}

  /** Structural checks of a network and every block it stacks. */
  public static void checkDeclaration(NetworkDecl decl, Diagnostics out) {
    int errorsBefore = out.errorCount();
    checkName(decl, out);
    checkInput(decl, out);
    if (decl.outputs() <= 0) {
      out.report(Message.NON_POSITIVE_SIZE, decl.origins().outputs(), "outputs", decl.outputs(), "output");
    }
    if (decl.variants().isEmpty()) {
      out.report(Message.NO_VARIANTS, decl.origins().variants(), decl.declarationName());
    }
    if (decl.complete() && decl.members().isEmpty()) {
      out.report(Message.EMPTY_NETWORK, decl.origin(), decl.declarationName());
    }
    checkMembers(decl.members(), null, out);
    checkTree(decl.members(), out, new IdentityHashMap<>());
    checkVarying(ModelBuilder.varyingStacks(decl.members()), out);
    if (out.errorCount() == errorsBefore && decl.fullyRead()) {
      long layers = ModelBuilder.totalLayerCount(decl);
      if (layers > MAX_LAYERS) {
        out.report(Message.TOO_DEEP, decl.origin(), decl.declarationName(), layers, MAX_LAYERS);
      }
    }
    boolean anyBlock = decl.members().stream().anyMatch(m -> m instanceof StackDecl);
    if (decl.variants().contains(Variant.PLAIN) && !anyBlock && decl.complete() && !decl.members().isEmpty()) {
      out.report(Message.NO_SHORTCUTS, decl.origins().variants(), decl.declarationName());
    }
  }

  /** Checks one block declaration on its own, everything in it included (also for unused blocks). */
  public static void checkBlock(BlockDecl block, Diagnostics out) {
    Map<BlockDecl, Boolean> seen = new IdentityHashMap<>();
    seen.put(block, Boolean.TRUE);
    checkBlockShape(block, out);
    checkMembers(block.members(), block, out);
    checkTree(block.members(), out, seen);
    checkVarying(ModelBuilder.varyingStacks(block.members()), out);
  }

  private static void checkName(NetworkDecl decl, Diagnostics out) {
    String name = decl.baseName();
    String problem = nameProblem(name);
    if (problem != null) {
      out.report(Message.INVALID_NAME, decl.origins().name(), name, problem,
          suggestName(name, decl.declarationName()));
    }
  }

  private static void checkInput(NetworkDecl decl, Diagnostics out) {
    NetworkDecl.Origins o = decl.origins();
    if (decl.inputs() < 0) {
      out.report(Message.NON_POSITIVE_SIZE, o.inputs(), "inputs", decl.inputs(), "input");
    }
    int[] image = {decl.channels(), decl.height(), decl.width()};
    String[] names = {"channels", "height", "width"};
    Origin[] origins = {o.channels(), o.height(), o.width()};
    for (int i = 0; i < 3; i++) {
      if (image[i] < 0) {
        out.report(Message.NON_POSITIVE_SIZE, origins[i], names[i], image[i], names[i].equals("channels")
            ? "channel" : "row or column");
      }
    }
    if (!decl.imageInput()) {
      if (decl.inputs() == 0) {
        out.report(Message.INPUT_MISSING, decl.origin(), decl.declarationName());
      }
      return;
    }
    if (decl.inputs() != 0) {
      out.report(Message.INPUT_TWICE, o.inputs(), decl.declarationName(), decl.inputs());
      return;
    }
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      if (image[i] == 0) {
        missing.add(names[i]);
      }
    }
    if (!missing.isEmpty()) {
      out.report(Message.IMAGE_INCOMPLETE, decl.origin(), decl.declarationName(), String.join(" and ", missing));
    }
  }

  /**
   * Why {@code name} cannot be the stem of {@code Residual<name>} and {@code <name>Family}, or
   * null. Characters javac ignores in identifiers (a zero-width space) are refused too: the file
   * name would keep them and the class name would not.
   */
  static String nameProblem(String name) {
    if (name.isBlank()) {
      return "it is blank";
    }
    for (int i = 0; i < name.length(); ) {
      int c = name.codePointAt(i);
      if (Character.isIdentifierIgnorable(c) || !Character.isJavaIdentifierPart(c)) {
        String what = Character.isWhitespace(c) || Character.isIdentifierIgnorable(c) || Character.isISOControl(c)
            ? String.format(Locale.ROOT, "U+%04X %s", c, Character.getName(c))
            : "'" + new String(Character.toChars(c)) + "'";
        return what + " at index " + i + " is not allowed";
      }
      if (i == 0 && !Character.isJavaIdentifierStart(c)) {
        return "it starts with '" + new String(Character.toChars(c)) + "'";
      }
      i += Character.charCount(c);
    }
    return null;
  }

  /** {@code "my-net"} → {@code "MyNet"}; the declaration's name when nothing usable is left. */
  private static String suggestName(String name, String fallback) {
    StringBuilder sb = new StringBuilder();
    boolean upper = true;
    for (int i = 0; i < name.length(); ) {
      int c = name.codePointAt(i);
      i += Character.charCount(c);
      if (Character.isIdentifierIgnorable(c) || !Character.isJavaIdentifierPart(c)) {
        upper = true;
      } else {
        sb.appendCodePoint(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return sb.length() > 0 && Character.isJavaIdentifierStart(sb.codePointAt(0)) ? sb.toString() : fallback;
  }

  /** Every block stacked anywhere below {@code members}, each checked once. */
  private static void checkTree(List<Member> members, Diagnostics out, Map<BlockDecl, Boolean> seen) {
    for (Member m : members) {
      if (m instanceof StackDecl s) {
        checkRepeats(s, out);
        checkStackAttributes(s, out);
        if (s.block() != null && seen.put(s.block(), Boolean.TRUE) == null) {
          checkBlockShape(s.block(), out);
          checkMembers(s.block().members(), s.block(), out);
          checkTree(s.block().members(), out, seen);
        }
      }
    }
  }

  /** One member list: each layer's attributes, and each batch normalization's place. */
  private static void checkMembers(List<Member> members, BlockDecl block, Diagnostics out) {
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      if (m instanceof DenseDecl d && d.units() <= 0) {
        out.report(Message.NON_POSITIVE_UNITS, d.unitsOrigin(), d.name(), d.units());
      } else if (m instanceof ConvDecl c) {
        checkConv(c, block, out);
      } else if (m instanceof PoolDecl p) {
        checkPool(p, out);
      } else if (m instanceof NormDecl n) {
        Member before = i == 0 ? null : members.get(i - 1);
        if (!(before instanceof DenseDecl || before instanceof ConvDecl)) {
          String where = before == null ? "it comes first"
              : before instanceof StackDecl s ? "it follows the stack '" + s.name() + "'"
              : "it follows @" + ((LayerDecl) before).annotation() + " '" + before.name() + "'";
          out.report(Message.NORM_MISPLACED, n.origin(), n.name(), where);
        }
      }
    }
  }

  private static void checkConv(ConvDecl c, BlockDecl block, Diagnostics out) {
    ConvDecl.Origins o = c.origins();
    if (c.filters() == Conv.STACK) {
      if (block == null) {
        out.report(Message.FILTERS_OUTSIDE_STACK, o.filters(), c.name());
      }
    } else if (c.filters() <= 0) {
      range(out, o.filters(), c, "filters", c.filters(), "a convolution needs at least one filter");
    }
    if (c.expansion() <= 0) {
      range(out, o.expansion(), c, "expansion", c.expansion(), "it multiplies the stack's filters, so it is at least 1");
    }
    if (c.kernel() <= 0) {
      range(out, o.kernel(), c, "kernel", c.kernel(), "a kernel is at least 1×1");
    }
    if (c.stride() == Conv.STACK) {
      if (block == null) {
        out.report(Message.STRIDE_OUTSIDE_STACK, o.stride(), c.name());
      }
    } else if (c.stride() <= 0) {
      range(out, o.stride(), c, "stride", c.stride(), "a stride is at least 1");
    }
    if (c.padding() == Conv.SAME) {
      if (c.kernel() > 0 && c.kernel() % 2 == 0) {
        out.report(Message.SAME_NEEDS_ODD_KERNEL, o.padding(), c.name(), c.kernel());
      }
    } else if (c.padding() < 0) {
      range(out, o.padding(), c, "padding", c.padding(), "write Conv.SAME, 0 for none, or any n ≥ 0");
    }
  }

  private static void checkPool(PoolDecl p, Diagnostics out) {
    if (p.kernel() <= 0) {
      range(out, p.kernelOrigin(), p, "kernel", p.kernel(), "a window is at least 1×1");
    }
    if (p.stride() < 0) {
      range(out, p.strideOrigin(), p, "stride", p.stride(), "a stride is at least 1 (0 means the kernel size)");
    }
    if (p.padding() < 0) {
      range(out, p.paddingOrigin(), p, "padding", p.padding(), "padding is 0 or more");
    } else if (p.kernel() > 0 && p.padding() > p.kernel() / 2) {
      range(out, p.paddingOrigin(), p, "padding", p.padding(),
          "a " + p.kernel() + "×" + p.kernel() + " window pads at most " + p.kernel() / 2 + " (PyTorch's limit: half the kernel)");
    }
  }

  private static void range(Diagnostics out, Origin at, LayerDecl layer, String attribute, int value, String why) {
    out.report(Message.ATTRIBUTE_RANGE, at, layer.annotation(), layer.name(), attribute, value, why);
  }

  private static void checkStackAttributes(StackDecl s, Diagnostics out) {
    if (s.filters() < 0) {
      out.report(Message.ATTRIBUTE_RANGE, s.filtersOrigin(), "Stack", s.name(), "filters", s.filters(),
          "write the channels of its blocks' convolutions, or 0 for none");
    }
    if (s.stride() <= 0) {
      out.report(Message.ATTRIBUTE_RANGE, s.strideOrigin(), "Stack", s.name(), "stride", s.stride(),
          "a stride is at least 1");
    }
    if (s.block() == null || !s.block().complete()) {
      return;
    }
    ConvDecl wantsFilters = firstConv(s.block().members(), c -> c.filters() == Conv.STACK);
    if (s.filters() == 0 && wantsFilters != null) {
      out.report(Message.STACK_FILTERS_MISSING, s.filtersOrigin(), s.name(), s.block().simpleName(),
          wantsFilters.name());
    }
    if (s.stride() > 1 && firstConv(s.block().members(), c -> c.stride() == Conv.STACK) == null) {
      out.report(Message.STACK_STRIDE_UNUSED, s.strideOrigin(), s.name(), s.stride(), s.block().simpleName());
    }
  }

  /** The first convolution written directly in a main path that matches. */
  private static ConvDecl firstConv(List<Member> members, java.util.function.Predicate<ConvDecl> test) {
    for (Member m : members) {
      if (m instanceof ConvDecl c && test.test(c)) {
        return c;
      }
    }
    return null;
  }

  private static void checkRepeats(StackDecl s, Diagnostics out) {
    if (s.repeats().isEmpty()) {
      out.report(Message.EMPTY_REPEAT, s.repeatOrigin(), s.name());
    }
    Set<Integer> distinct = new HashSet<>();
    for (int r : s.repeats()) {
      if (r <= 0) {
        out.report(Message.NON_POSITIVE_REPEAT, s.repeatOrigin(), s.name(), r);
      } else if (!distinct.add(r)) {
        out.report(Message.DUPLICATE_REPEAT, s.repeatOrigin(), s.name(), r);
      }
    }
  }

  /** Stacks that vary do so together, so they must list as many counts. */
  private static void checkVarying(List<StackDecl> varying, Diagnostics out) {
    for (int i = 1; i < varying.size(); i++) {
      StackDecl first = varying.get(0);
      StackDecl other = varying.get(i);
      if (other.repeats().size() != first.repeats().size()) {
        out.report(Message.VARYING_STACKS_DIFFER, other.repeatOrigin(), first.name(), first.repeats().size(),
            other.name(), other.repeats().size());
      }
    }
  }

  /** What a block's own member list must be: not empty, ending in a linear layer, not too long. */
  private static void checkBlockShape(BlockDecl block, Diagnostics out) {
    if (nameProblem(block.shortcutName()) != null || block.shortcutName().contains("$")) {
      out.report(Message.INVALID_SHORTCUT_NAME, block.shortcutNameOrigin(), block.shortcutName());
    }
    if (!block.complete()) {
      return; // a member was dropped for an error reported where it was read
    }
    if (block.members().isEmpty()) {
      out.report(Message.EMPTY_BLOCK, block.origin(), block.simpleName());
      return;
    }
    Member last = block.members().get(block.members().size() - 1);
    if (last instanceof StackDecl s) {
      out.report(Message.BLOCK_ENDS_WITH_STACK, s.origin(), block.simpleName(), s.name());
    } else if (!(last instanceof DenseDecl || last instanceof ConvDecl || last instanceof NormDecl)) {
      out.report(Message.BLOCK_ENDS_WITH_POOL, last.origin(), block.simpleName(), ((LayerDecl) last).annotation(),
          last.name());
    }
    if (block.directLayers() > MAX_DIRECT_LAYERS) {
      out.report(Message.BLOCK_TOO_LONG, block.origin(), block.simpleName(), block.directLayers(), MAX_DIRECT_LAYERS);
    }
  }
}
