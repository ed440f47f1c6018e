package dev.shortcut.processor.model;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Bias;
import dev.shortcut.annotations.Init;
import dev.shortcut.annotations.Loss;
import dev.shortcut.annotations.Precision;
import dev.shortcut.annotations.Shortcut;
import dev.shortcut.annotations.Variant;
import dev.shortcut.processor.diagnostics.Origin;
import java.util.List;

/**
 * What the user wrote, as plain data: no javac types, so validation and model building can be
 * tested without a compiler. Enum-valued attributes are the annotations' own enums, mapped once
 * while reading.
 *
 * <p>A declaration is <em>complete</em> when every annotated field made it into its members: a
 * field dropped for an error (reported where it was read) or of a type javac cannot resolve yet
 * leaves it incomplete, and checks that need the whole member list (an empty block, the shapes)
 * then stay silent instead of piling consequences onto the real mistake.
 */
public final class Declarations {
  private Declarations() {}

  /**
   * A {@code @Network} class. The input is a vector of {@code inputs} values, or an image of
   * {@code channels × height × width}: validation checks that exactly one was declared.
   *
   * @param qualifiedName the canonical name, {@code d.A.Net} for a class nested in {@code d.A}
   */
  public record NetworkDecl(
      String packageName,
      String qualifiedName,
      String declarationName,
      String baseName,
      int inputs,
      int channels,
      int height,
      int width,
      int outputs,
      Loss loss,
      Precision precision,
      List<Variant> variants,
      Shortcut reshape,
      List<Member> members,
      boolean complete,
      Origin origin,
      Origins origins) {
    public NetworkDecl {
      variants = List.copyOf(variants);
      members = List.copyOf(members);
    }

    /** Where each attribute of {@code @Network} was written (the annotation, when defaulted). */
    public record Origins(
        Origin inputs, Origin channels, Origin height, Origin width, Origin outputs, Origin loss,
        Origin variants, Origin name, Origin reshape) {}

    /** Whether the input is an image (any of channels, height, width declared). */
    public boolean imageInput() {
      return channels != 0 || height != 0 || width != 0;
    }

    /** The declared input shape; call only on a declaration whose input validated. */
    public Shape input() {
      return imageInput() ? Shape.of(channels, height, width) : Shape.flat(inputs);
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
      Shortcut shortcut,
      Shortcut reshape,
      String shortcutName,
      boolean zeroInitLast,
      List<Member> members,
      boolean complete,
      Origin origin,
      Origin shortcutOrigin,
      Origin shortcutNameOrigin) {
    public BlockDecl {
      members = List.copyOf(members);
    }

    /** Layers written directly in this block's main path (not inside its stacks). */
    public int directLayers() {
      return (int) members.stream().filter(m -> m instanceof LayerDecl).count();
    }
  }

  /** A field of a network or block: a layer or a stack of blocks. */
  public sealed interface Member permits LayerDecl, StackDecl {
    /** The field name, which names the layer. */
    String name();

    /** The field. */
    Origin origin();
  }

  /** A layer field: {@code @Dense}, {@code @Conv}, {@code @BatchNorm} or a pooling layer. */
  public sealed interface LayerDecl extends Member permits DenseDecl, ConvDecl, NormDecl, PoolDecl, GlobalPoolDecl {
    /** The annotation's simple name, for messages: {@code "Dense"}. */
    String annotation();
  }

  /** A {@code @Dense} field. */
  public record DenseDecl(
      String name,
      int units,
      Activation activation,
      Init init,
      Origin origin,
      Origin unitsOrigin,
      Origin activationOrigin)
      implements LayerDecl {
    @Override
    public String annotation() {
      return "Dense";
    }
  }

  /**
   * A {@code @Conv} field. {@code filters} and {@code stride} may be {@code Conv.STACK} (-1),
   * {@code padding} {@code Conv.SAME} (-1): the model resolves them.
   */
  public record ConvDecl(
      String name,
      int filters,
      int expansion,
      int kernel,
      int stride,
      int padding,
      Bias bias,
      Activation activation,
      Init init,
      Origin origin,
      Origins origins)
      implements LayerDecl {
    /** Where each attribute of {@code @Conv} was written. */
    public record Origins(
        Origin filters, Origin expansion, Origin kernel, Origin stride, Origin padding, Origin bias,
        Origin activation) {}

    @Override
    public String annotation() {
      return "Conv";
    }
  }

  /** A {@code @BatchNorm} field: normalizes the layer declared just before it. */
  public record NormDecl(String name, Origin origin) implements LayerDecl {
    @Override
    public String annotation() {
      return "BatchNorm";
    }
  }

  /** A {@code @MaxPool} or {@code @AvgPool} field; {@code stride} 0 means the kernel size. */
  public record PoolDecl(
      String name,
      boolean max,
      int kernel,
      int stride,
      int padding,
      Origin origin,
      Origin kernelOrigin,
      Origin strideOrigin,
      Origin paddingOrigin)
      implements LayerDecl {
    @Override
    public String annotation() {
      return max ? "MaxPool" : "AvgPool";
    }

    /** The stride, the kernel size when left at 0. */
    public int effectiveStride() {
      return stride == 0 ? kernel : stride;
    }
  }

  /** A {@code @GlobalAvgPool} field. */
  public record GlobalPoolDecl(String name, Origin origin) implements LayerDecl {
    @Override
    public String annotation() {
      return "GlobalAvgPool";
    }
  }

  /**
   * A {@code @Stack} field of a block type. {@code block} is null when the type is not a usable
   * {@code @ResidualBlock} (reported while reading) or not resolved yet.
   *
   * @param filters the channels of the stack's {@code filters = Conv.STACK} convolutions, 0 for none
   * @param stride the stride of its first block's {@code stride = Conv.STACK} convolutions
   */
  public record StackDecl(
      String name,
      BlockDecl block,
      List<Integer> repeats,
      int filters,
      int stride,
      Origin origin,
      Origin repeatOrigin,
      Origin filtersOrigin,
      Origin strideOrigin)
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
