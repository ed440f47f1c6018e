package dev.shortcut.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A reusable residual block: its fields, in source order, are the main path (dense layers, or
 * stacks of other blocks), and the shortcut is added to the last dense layer's linear output
 * before that layer's activation: {@code a[l+2] = g(z[l+2] + a[l])}.
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
   * Start the block's last layer at zero so the block begins as the identity (torchvision's
   * {@code zero_init_residual}). Without normalization, this is what lets deep stacks start
   * stable. Ignored in plain twins, where a zero layer would cut the signal.
   */
  boolean zeroInitLast() default true;
}
