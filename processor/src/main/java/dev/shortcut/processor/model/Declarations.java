package dev.shortcut.processor.model;

import java.util.List;

/**
 * What the user wrote, as plain data: no javac types, so validation and model building can be
 * tested without a compiler. Enum-valued attributes are kept as constant names
 * ({@code "RELU"}), which the writer emits verbatim as {@code Activation.RELU}.
 *
 * <p>A declaration is <em>complete</em> when every annotated field made it into its members: a
 * field dropped for an error (reported where it was read) or of a type javac cannot resolve yet
 * leaves it incomplete, and checks that need the whole member list (an empty block, the shapes)
 * then stay silent instead of piling consequences onto the real mistake.
 */
public final class Declarations {
  private Declarations() {}

  /** A {@code @Network} class. */
  public record NetworkDecl(
      String packageName,
      String declarationName,
      String baseName,
      int inputs,
      int outputs,
      String loss,
      String precision,
      List<String> variants,
      List<Member> members,
      boolean complete,
      Origin origin,
      Origin inputsOrigin,
      Origin outputsOrigin,
      Origin lossOrigin,
      Origin variantsOrigin,
      Origin nameOrigin) {
    public NetworkDecl {
      variants = List.copyOf(variants);
      members = List.copyOf(members);
    }

    /** Qualified name of the declaration. */
    public String qualifiedName() {
      return packageName.isEmpty() ? declarationName : packageName + "." + declarationName;
    }

    /** Whether this declaration and every block it stacks, however deep, are complete. */
    public boolean fullyRead() {
      return complete && Declarations.fullyRead(members);
    }
  }

  /** A {@code @ResidualBlock} class. */
  public record BlockDecl(
      String qualifiedName,
      String simpleName,
      String shortcut,
      boolean zeroInitLast,
      List<Member> members,
      boolean complete,
      Origin origin,
      Origin shortcutOrigin) {
    public BlockDecl {
      members = List.copyOf(members);
    }

    /** Dense layers written directly in this block's main path (not inside its stacks). */
    public int directLayers() {
      return (int) members.stream().filter(m -> m instanceof DenseDecl).count();
    }
  }

  /** A field of a network or block: a dense layer or a stack of blocks. */
  public sealed interface Member permits DenseDecl, StackDecl {
    /** The field name, which names the layer. */
    String name();

    /** The field. */
    Origin origin();
  }

  /** A {@code @Dense} field. */
  public record DenseDecl(
      String name,
      int units,
      String activation,
      String init,
      Origin origin,
      Origin unitsOrigin,
      Origin activationOrigin)
      implements Member {}

  /**
   * A {@code @Stack} field of a block type. {@code block} is null when the type is not a usable
   * {@code @ResidualBlock} (reported while reading) or not resolved yet.
   */
  public record StackDecl(
      String name, BlockDecl block, List<Integer> repeats, Origin origin, Origin repeatOrigin)
      implements Member {
    public StackDecl {
      repeats = List.copyOf(repeats);
    }
  }

  private static boolean fullyRead(List<Member> members) {
    for (Member m : members) {
      if (m instanceof StackDecl s
          && (s.block() == null || !s.block().complete() || !fullyRead(s.block().members()))) {
        return false;
      }
    }
    return true;
  }
}
