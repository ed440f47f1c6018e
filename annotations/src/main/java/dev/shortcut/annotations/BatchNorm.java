package dev.shortcut.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Batch normalization of the layer declared just before it ({@link Conv} or {@link Dense}), per
 * channel, between that layer's linear output and its activation:
 * {@code a = g(γ (z − μ) / √(σ² + ε) + β)}. In training mode μ and σ² are the batch's statistics
 * and running averages are updated; in evaluation mode the running averages are used, as in
 * PyTorch's {@code BatchNorm2d}. Parameters {@code <name>.weight} (γ) and {@code <name>.bias}
 * (β); buffers {@code <name>.running_mean}, {@code <name>.running_var} and
 * {@code <name>.num_batches_tracked}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface BatchNorm {
  /** Weight of the current batch in the running averages (PyTorch's default 0.1). */
  double momentum() default 0.1;

  /** Added to the variance before the square root (PyTorch's default 1e-5). */
  double epsilon() default 1e-5;
}
