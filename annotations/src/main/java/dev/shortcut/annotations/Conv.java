package dev.shortcut.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A 2-D convolution {@code a = g(W * a_prev + b)} over an image, declared on a field of type
 * {@link Layer}. The field's name names its parameters: {@code conv1.weight}, shaped like
 * PyTorch's {@code [filters, in, kernel, kernel]} in checkpoints.
 *
 * <pre>{@code
 * @Conv(filters = 64, kernel = 7, stride = 2, padding = 3) Layer conv1;   // torchvision's stem
 * @BatchNorm Layer bn1;                                                  // conv1's ReLU follows bn1
 * }</pre>
 *
 * <p>When a {@link BatchNorm} follows, {@link #activation} is applied after it; in a residual
 * block's last layer, after the shortcut joins: {@code a[l+2] = g(BN(W[l+2] * a[l+1]) + a[l])}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Conv {
  /** For {@link #filters} and {@link #stride}: take the value from the enclosing {@link Stack}. */
  int STACK = -1;

  /** For {@link #padding}: {@code kernel / 2} on each side, which keeps the size at stride 1. */
  int SAME = -1;

  /**
   * Output channels; {@link #STACK} (the default) takes the enclosing stack's {@link
   * Stack#filters} times {@link #expansion}.
   */
  int filters() default STACK;

  /** Multiplies the stack's filters when {@link #filters} is {@link #STACK} (4 for a bottleneck's last 1×1). */
  int expansion() default 1;

  /** Side of the square kernel. */
  int kernel() default 3;

  /**
   * Step between kernel positions; {@link #STACK} takes the enclosing stack's {@link
   * Stack#stride} in the stack's first block and 1 in the others.
   */
  int stride() default 1;

  /** Zero rows and columns added on each side: {@link #SAME} (the default), 0 (valid) or any n ≥ 0. */
  int padding() default SAME;

  /** Whether a per-channel bias is added; by default only when no {@link BatchNorm} follows. */
  Bias bias() default Bias.AUTO;

  /** The activation {@code g}, applied after a following {@link BatchNorm} and after a block's shortcut. */
  Activation activation() default Activation.RELU;

  /** How the weights start; {@link Init#AUTO} is He normal with the fan-out, as torchvision does. */
  Init init() default Init.AUTO;
}
