package dev.shortcut.processor.model;

import java.util.List;

/**
 * What the user wrote, as plain data: no javac types, so validation and model building can be
 * tested without a compiler. Enum-valued attributes are kept as constant names
 * ({@code "RELU"}), which the writer emits verbatim as {@code Activation.RELU}.
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
      Origin origin,
      Origin inputsOrigin,
      Origin outputsOrigin,
      Origin lossOrigin) {
    public NetworkDecl {
      variants = List.copyOf(variants);
      members = List.copyOf(members);
    }

    /** Qualified name of the declaration. */
    public String qualifiedName() {
      return packageName.isEmpty() ? declarationName : packageName + "." + declarationName;
    }
  }

  /** A {@code @ResidualBlock} class. */
  public record BlockDecl(
      String qualifiedName,
      String simpleName,
      String shortcut,
      boolean zeroInitLast,
      List<Member> members,
      Origin origin,
      Origin shortcutOrigin) {
    public BlockDecl {
      members = List.copyOf(members);
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
   * A {@code @Stack} field of a block type. {@code block} is null when the type is not a
   * {@code @ResidualBlock} (reported while reading).
   */
  public record StackDecl(
      String name, BlockDecl block, List<Integer> repeats, Origin origin, Origin repeatOrigin)
      implements Member {
    public StackDecl {
      repeats = List.copyOf(repeats);
    }
  }
}
