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
   * The paper's option A, no parameters: {@code a[l]} subsampled by the block's stride, between zero
   * channels up to the output's, {@code (C_out − C_in) / 2} of them before it as PyTorch's CIFAR
   * ResNets pad: {@code s[h][w][c] = a[h·stride][w·stride][c − first]} for {@code first ≤ c < first
   * + C_in}, else 0.
   */
  ZERO_PAD
}
