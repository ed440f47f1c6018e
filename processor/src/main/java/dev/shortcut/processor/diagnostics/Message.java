package dev.shortcut.processor.diagnostics;

import java.util.Locale;

/**
 * Every diagnostic the processor can emit, in one place: its kind and its text, worded as a fix.
 * Arguments fill the {@code %s}/{@code %d} slots in order.
 *
 * <p>Warnings and notes can be silenced on the element they are reported at, or on any element
 * enclosing it, with {@code @SuppressWarnings("shortcut")} (all of them) or
 * {@code @SuppressWarnings("shortcut:<key>")} (one message), where {@link #key()} is the constant's
 * name in lower case with hyphens: {@code "shortcut:deep-plain"}. Errors cannot be silenced.
 */
public enum Message {
  INTERNAL_ERROR(Kind.ERROR, "internal error in the Shortcut processor, please report it: %s"),
  NOT_A_CLASS(Kind.ERROR, "@%s belongs on a class, not on %s %s; declare it as a class"),
  NETWORK_AND_BLOCK(Kind.ERROR,
      "class %s is both a @Network and a @ResidualBlock; declare the block and the network as two classes"),
  MEMBER_OUTSIDE_DECLARATION(Kind.ERROR,
      "@%s field '%s' is in %s, which is neither a @Network nor a @ResidualBlock; annotate the class or move the field"),
  TWO_KINDS(Kind.ERROR, "field '%s' is both @%s and @%s; keep one of them"),
  STATIC_MEMBER(Kind.ERROR, "layer field '%s' is static; layers belong to instances, remove 'static'"),
  LAYER_WRONG_TYPE(Kind.ERROR,
      "@%s field '%s' has type %s; declare it as dev.shortcut.annotations.Layer"),
  STACK_NOT_A_BLOCK(Kind.ERROR,
      "@Stack field '%s' has type %s, which is not a @ResidualBlock; annotate %s with @ResidualBlock or stack a block class"),
  STACK_WRONG_TYPE(Kind.ERROR,
      "@Stack field '%s' has type %s, which cannot be a block; declare the field with a @ResidualBlock class as its type"),
  INVALID_NAME(Kind.ERROR,
      "name = \"%s\" cannot name the generated classes (%s): it must be a Java identifier, letters, digits and '_' starting with a letter, such as \"%s\""),
  NON_POSITIVE_UNITS(Kind.ERROR, "layer '%s' has units = %d; a layer needs at least one unit"),
  NON_POSITIVE_SIZE(Kind.ERROR, "%s = %d; the network needs at least one %s"),
  INPUT_MISSING(Kind.ERROR,
      "@Network %s declares no input; write inputs = N for vectors, or channels, height and width for images"),
  INPUT_TWICE(Kind.ERROR,
      "@Network %s declares both inputs = %d and an image input (channels, height, width); keep one of the two"),
  IMAGE_INCOMPLETE(Kind.ERROR,
      "@Network %s declares an image input without %s; an image needs channels, height and width, each at least 1"),
  ATTRIBUTE_RANGE(Kind.ERROR, "@%s '%s' has %s = %d; %s"),
  SAME_NEEDS_ODD_KERNEL(Kind.ERROR,
      "@Conv '%s' pads Conv.SAME with an even kernel of %d, which cannot pad both sides alike; give padding = n explicitly"),
  FILTERS_OUTSIDE_STACK(Kind.ERROR,
      "@Conv '%s' takes its filters from its @Stack (filters = Conv.STACK, the default), but it is not in a block; give filters = N"),
  STRIDE_OUTSIDE_STACK(Kind.ERROR,
      "@Conv '%s' takes its stride from its @Stack (stride = Conv.STACK), but it is not in a block; give stride = n"),
  STACK_FILTERS_MISSING(Kind.ERROR,
      "@Stack '%s' declares no filters, but %s's @Conv '%s' takes them from the stack (filters = Conv.STACK, the default); write @Stack(filters = N, ...)"),
  STACK_STRIDE_UNUSED(Kind.ERROR,
      "@Stack '%s' has stride = %d, but no @Conv of %s takes the stack's stride; mark the convolution that strides with stride = Conv.STACK, or drop the stride"),
  NORM_MISPLACED(Kind.ERROR,
      "@BatchNorm '%s' normalizes the layer declared just before it, but %s; put it right after a @Conv or @Dense"),
  INVALID_SHORTCUT_NAME(Kind.ERROR,
      "shortcutName = \"%s\" cannot name the projection's parameters; use letters, digits and '_' (torchvision's is \"downsample\")"),
  EMPTY_REPEAT(Kind.ERROR, "@Stack '%s' lists no repeat count; write repeat = N with N ≥ 1"),
  NON_POSITIVE_REPEAT(Kind.ERROR, "@Stack '%s' has repeat %d; stack at least one block"),
  DUPLICATE_REPEAT(Kind.ERROR, "@Stack '%s' lists repeat %d twice; list each depth once"),
  VARYING_STACKS_DIFFER(Kind.ERROR,
      "stacks '%s' (%d counts) and '%s' (%d counts) both list several repeat counts; stacks that vary do so together, one count per network, so list as many in each (or a single count)"),
  NO_VARIANTS(Kind.ERROR, "@Network %s lists no variants; list Variant.RESIDUAL, Variant.PLAIN or both"),
  EMPTY_NETWORK(Kind.ERROR, "@Network %s has no layers; add layer or @Stack fields, in forward order"),
  EMPTY_BLOCK(Kind.ERROR, "@ResidualBlock %s has no layers; add the layer fields of its main path"),
  BLOCK_ENDS_WITH_STACK(Kind.ERROR,
      "@ResidualBlock %s ends with the stack '%s'; end its main path with a @Dense layer, whose linear output the shortcut joins"),
  BLOCK_ENDS_WITH_POOL(Kind.ERROR,
      "@ResidualBlock %s ends with @%s '%s'; end its main path with a @Conv or @Dense layer (and its @BatchNorm), whose linear output the shortcut joins"),
  BLOCK_CYCLE(Kind.ERROR, "block %s contains itself: %s; a block cannot stack itself, directly or through another block"),
  BLOCK_TOO_LONG(Kind.ERROR,
      "@ResidualBlock %s has %,d layers in its main path; a generated class holds at most %,d, so group them into a @Stack of smaller blocks"),
  TOO_DEEP(Kind.ERROR,
      "@Network %s generates %,d layers in all; Shortcut generates at most %,d per declaration (javac's time and memory grow with every layer), so lower the repeat counts"),
  IDENTITY_WIDTH(Kind.ERROR,
      "identity shortcut of block '%s' needs equal widths: %s; use shortcut = PROJECTION or make %s %d"),
  IDENTITY_WIDTH_AT_STACK(Kind.ERROR,
      "identity block %s keeps its width only at %d (%s), but the stack '%s' feeds it %d; it is stacked at other widths elsewhere, so feed '%s' %d values or give %s shortcut = PROJECTION"),
  LIBRARY_IDENTITY_WIDTH(Kind.ERROR,
      "identity block %s, compiled elsewhere, keeps its width only at %d (%s), but the stack '%s' feeds it %d; feed '%s' %d values, or stack a block with shortcut = PROJECTION"),
  IDENTITY_SHAPE(Kind.ERROR,
      "identity shortcut of block '%s' needs equal shapes: %s; use shortcut = PROJECTION or ZERO_PAD"),
  ZERO_PAD_NARROWS(Kind.ERROR,
      "zero-padding shortcut of block '%s' can only add channels, but the block narrows: %s; give the block at least %d output channels, or use shortcut = PROJECTION"),
  SHORTCUT_CANNOT_FOLLOW(Kind.ERROR,
      "the %s shortcut of block '%s' cannot follow its main path: %s; %s"),
  NEEDS_IMAGE(Kind.ERROR,
      "@%s '%s' works on images, but receives a vector of %d values: %s; put it before the layers that flatten, or give the @Network channels, height and width"),
  WINDOW_TOO_LARGE(Kind.ERROR,
      "@%s '%s' has a %d×%d window, larger than its padded input (%s, padding %d): %s; use a kernel of at most %d, or pad more"),
  DROPS_PIXELS(Kind.WARNING,
      "@%s '%s' (%d×%d, stride %d, padding %d) never reads the last %s of its %d×%d input: %s; change the stride or the padding to cover them"),
  SHORTCUT_NAME_TAKEN(Kind.ERROR,
      "layer '%s' is named '%s', but its block '%s' has a projection shortcut whose parameters are already named %s.%s; rename the layer or set shortcutName"),
  LAYER_TOO_LARGE(Kind.ERROR,
      "%s '%s' has %,d × %,d = %,d weights; one Java array holds at most %,d, so make it narrower"),
  TOO_MANY_ACTIVATIONS(Kind.ERROR,
      "%s keeps %,d activation values per sample; the runtime keeps a batch of them in one Java array of at most %,d, so make the images smaller or the network shallower"),
  TOO_MANY_PARAMETERS(Kind.ERROR,
      "%s has %,d parameters; the runtime keeps them in one Java array of at most %,d, so make the layers narrower or fewer"),
  OUTPUT_WIDTH(Kind.ERROR,
      "the network outputs %d but its last layer '%s' has %s: %s; make '%s' %s or set outputs = %d"),
  OUTPUT_SHAPE(Kind.ERROR,
      "the network outputs %d but its last layer '%s' gives %d values (%s): %s; end with @Dense(units = %d), or set outputs = %d"),
  LOSS_WANTS_LOGITS(Kind.ERROR,
      "SOFTMAX_CROSS_ENTROPY takes logits, but the last layer '%s' applies %s; use activation = Activation.NONE"),
  DUPLICATE_CLASS(Kind.ERROR,
      "%s would generate %s, which %s generates too; rename one with @Network(name = \"...\")"),
  EXISTING_CLASS(Kind.ERROR,
      "%s would generate %s, but the class %s is already declared; rename that class, or give the network another name with @Network(name = \"...\")"),
  DEEP_PLAIN(Kind.WARNING,
      "the plain twin %s has %d layers; plain networks this deep train worse than shallower ones (the lecture's point). Keep it for the comparison, or drop Variant.PLAIN"),
  NO_SHORTCUTS(Kind.WARNING,
      "@Network %s stacks no @ResidualBlock, so its plain twin is the same network as the residual one; drop Variant.PLAIN, or add a @Stack of blocks"),
  SHORTCUTS_RESOLVED(Kind.NOTE, "%s: %s");

  /** Severity, mapped to javac's diagnostic kinds by the adapter. */
  public enum Kind {
    ERROR,
    WARNING,
    NOTE
  }

  private final Kind kind;
  private final String template;

  Message(Kind kind, String template) {
    this.kind = kind;
    this.template = template;
  }

  /** Severity. */
  public Kind kind() {
    return kind;
  }

  /** The suppression key, {@code deep-plain} for {@link #DEEP_PLAIN}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The text with its arguments filled in. */
  public String format(Object... args) {
    return String.format(Locale.ROOT, template, args);
  }
}
