package dev.shortcut.processor.validation;

/**
 * Every diagnostic the processor can emit, in one place: its kind and its text, worded as a fix.
 * Arguments fill the {@code %s}/{@code %d} slots in order.
 */
public enum Message {
  INTERNAL_ERROR(Kind.ERROR, "internal error in the Shortcut processor, please report it: %s"),
  NOT_A_CLASS(Kind.ERROR, "@%s belongs on a class, not on %s %s; declare it as a class"),
  NETWORK_AND_BLOCK(Kind.ERROR,
      "class %s is both a @Network and a @ResidualBlock; declare the block and the network as two classes"),
  MEMBER_OUTSIDE_DECLARATION(Kind.ERROR,
      "@%s field '%s' is in %s, which is neither a @Network nor a @ResidualBlock; annotate the class or move the field"),
  DENSE_AND_STACK(Kind.ERROR, "field '%s' is both @Dense and @Stack; keep one of them"),
  STATIC_MEMBER(Kind.ERROR, "layer field '%s' is static; layers belong to instances, remove 'static'"),
  DENSE_WRONG_TYPE(Kind.ERROR,
      "@Dense field '%s' has type %s; declare it as dev.shortcut.annotations.Layer"),
  STACK_NOT_A_BLOCK(Kind.ERROR,
      "@Stack field '%s' has type %s, which is not a @ResidualBlock; annotate %s with @ResidualBlock or stack a block class"),
  NON_POSITIVE_UNITS(Kind.ERROR, "layer '%s' has units = %d; a layer needs at least one unit"),
  NON_POSITIVE_SIZE(Kind.ERROR, "%s = %d; the network needs at least one %s"),
  EMPTY_REPEAT(Kind.ERROR, "@Stack '%s' lists no repeat count; write repeat = N with N ≥ 1"),
  NON_POSITIVE_REPEAT(Kind.ERROR, "@Stack '%s' has repeat %d; stack at least one block"),
  DUPLICATE_REPEAT(Kind.ERROR, "@Stack '%s' lists repeat %d twice; list each depth once"),
  SEVERAL_VARYING_STACKS(Kind.ERROR,
      "stacks '%s' and '%s' both list several repeat counts; only one stack per network may vary, give the other a single count"),
  NO_VARIANTS(Kind.ERROR, "@Network %s lists no variants; list Variant.RESIDUAL, Variant.PLAIN or both"),
  EMPTY_NETWORK(Kind.ERROR, "@Network %s has no layers; add @Dense or @Stack fields, in forward order"),
  EMPTY_BLOCK(Kind.ERROR, "@ResidualBlock %s has no layers; add the @Dense fields of its main path"),
  BLOCK_ENDS_WITH_STACK(Kind.ERROR,
      "@ResidualBlock %s ends with the stack '%s'; end its main path with a @Dense layer, whose linear output the shortcut joins"),
  BLOCK_CYCLE(Kind.ERROR, "block %s contains itself: %s; a block cannot stack itself, directly or through another block"),
  IDENTITY_WIDTH(Kind.ERROR,
      "identity shortcut of block '%s' needs equal widths: %s; use shortcut = PROJECTION or make %s %d"),
  OUTPUT_WIDTH(Kind.ERROR,
      "the network outputs %d but its last layer '%s' has %d units: %s; make '%s' %d units or set outputs = %d"),
  LOSS_WANTS_LOGITS(Kind.ERROR,
      "SOFTMAX_CROSS_ENTROPY takes logits, but the last layer '%s' applies %s; use activation = Activation.NONE"),
  DUPLICATE_CLASS(Kind.ERROR,
      "%s would generate %s, which %s generates too; rename one with @Network(name = \"...\")"),
  DEEP_PLAIN(Kind.WARNING,
      "the plain twin %s has %d layers; plain networks this deep train worse than shallower ones (the lecture's point). Keep it for the comparison, or drop Variant.PLAIN"),
  NO_SHORTCUTS(Kind.WARNING,
      "@Network %s stacks no @ResidualBlock, so its residual and plain variants are the same network; add a @Stack of blocks");

  /** Severity, mapped to javac's diagnostic kinds by the adapter. */
  public enum Kind {
    ERROR,
    WARNING
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

  /** The text with its arguments filled in. */
  public String format(Object... args) {
    return String.format(java.util.Locale.ROOT, template, args);
  }
}
