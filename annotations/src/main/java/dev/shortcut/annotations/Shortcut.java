package dev.shortcut.annotations;

/** How a residual block's input reaches the addition before the last activation. */
public enum Shortcut {
  /**
   * {@link #IDENTITY} when the block's input and output shapes match, else the block's or the
   * network's {@code reshape} kind ({@link #PROJECTION} unless declared otherwise).
   */
  AUTO,
  /** {@code a[l]} unchanged; the shapes must match. */
  IDENTITY,
  /**
   * A learned linear map {@code W_s a[l]} (no bias), the paper's option B: a dense matrix in a
   * dense block; a 1×1 convolution with the block's stride, followed by batch normalization when
   * the block normalizes, in a convolutional one.
   */
  PROJECTION,
  /**
   * The paper's option A, without parameters: {@code a[l]} subsampled by the block's stride, with
   * zeros in the channels (or units) it lacks, half of them before it and the rest after, as
   * PyTorch's CIFAR ResNets pad ({@code F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, planes // 4, planes //
   * 4))}). The block may only widen.
   */
  ZERO_PAD
}
