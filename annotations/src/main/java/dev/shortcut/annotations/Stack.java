package dev.shortcut.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Repeats a {@link ResidualBlock} (the field's type) {@code repeat} times, unrolled at compile
 * time. Naming several counts, {@code repeat = {2, 4, 9}}, generates one network per count: the
 * depth family of the lecture's experiment. Several stacks may name several counts if they name
 * as many: they vary together, the i-th network taking the i-th count of each (the paper's three
 * stages of 3, 5, 7, 9 or 18 blocks).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Stack {
  /** How many blocks; several values make several networks. */
  int[] repeat();

  /**
   * The stack's channel count, for blocks whose {@link Conv#filters} say {@link Conv#STACK}
   * (times their {@link Conv#expansion}); 0 when the block names its own.
   */
  int filters() default 0;

  /**
   * The stride of the stack's first block, for convolutions that say {@code stride =
   * Conv.STACK}; the other blocks of the stack use stride 1 (torchvision's {@code _make_layer}).
   */
  int stride() default 1;
}
