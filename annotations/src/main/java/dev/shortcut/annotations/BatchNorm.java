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
 * and the running averages are updated (momentum 0.1, the running variance unbiased); in
 * evaluation mode the running averages are used; ε = 1e-5. These are PyTorch's
 * {@code BatchNorm2d} defaults, so checkpoints move between the two unchanged. Parameters
 * {@code <name>.weight} (γ) and {@code <name>.bias} (β); buffers {@code <name>.running_mean},
 * {@code <name>.running_var} and {@code <name>.num_batches_tracked}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface BatchNorm {}
