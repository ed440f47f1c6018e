package dev.shortcut.runtime;

/** How a block's input reaches its addition, once the processor has resolved the declaration. */
public enum ShortcutKind {
  /** No shortcut: the block of a plain twin. */
  NONE,
  /** {@code a[l]} added unchanged; the shapes are equal. */
  IDENTITY,
  /**
   * A learned map of {@code a[l]} added: {@code W_s a[l]} for dense blocks ({@code
   * <block>.shortcut.weight}), a 1×1 convolution with the block's stride, followed by batch
   * normalization in blocks that use it, for convolutional ones (the paper's option B; torchvision's
   * {@code downsample}).
   */
  PROJECTION,
  /**
   * The paper's option A, no parameters: {@code a[l]} subsampled by the block's stride, with zero
   * channels appended up to the output's: {@code s[h][w][c] = c < C_in ? a[h·stride][w·stride][c] :
   * 0}.
   */
  ZERO_PAD
}
