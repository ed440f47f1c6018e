package dev.shortcut.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A reusable residual block: its fields, in source order, are the main path (layers, or stacks of
 * other blocks), and the shortcut is added to the last layer's linear output (after its batch
 * normalization, if any) before that layer's activation: {@code a[l+2] = g(z[l+2] + a[l])}, or
 * {@code a[l+2] = g(BN(W[l+2] * a[l+1]) + a[l])} in a convolutional block.
 *
 * <p>The lecture's block is two ReLU layers of equal width:
 *
 * <pre>{@code
 * @ResidualBlock
 * class TwoLayerBlock {
 *   @Dense(units = 64) Layer fc1;
 *   @Dense(units = 64) Layer fc2;
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface ResidualBlock {
  /** How {@code a[l]} reaches the addition. */
  Shortcut shortcut() default Shortcut.AUTO;

  /**
   * What {@link Shortcut#AUTO} becomes where this block changes the shape; {@link Shortcut#AUTO}
   * here means the network's {@link Network#reshape}.
   */
  Shortcut reshape() default Shortcut.AUTO;

  /**
   * The name of a projection shortcut's parameters: {@code <block>.shortcut.weight} for a dense
   * projection; {@code <block>.shortcut.0.weight} (the 1×1 convolution) and
   * {@code <block>.shortcut.1.*} (its batch normalization) for a convolutional one. torchvision
   * calls it {@code "downsample"}.
   */
  String shortcutName() default "shortcut";

  /**
   * Start the block as the identity (torchvision's {@code zero_init_residual}): the last batch
   * normalization's scale γ starts at zero when the main path has one, else the last layer's
   * weights do. This is what lets deep stacks start stable. Ignored in plain twins, where a zero
   * layer would cut the signal.
   */
  boolean zeroInitLast() default true;
}
