package dev.shortcut.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A fully connected layer, {@code a = g(W a_prev + b)}, declared on a field of type {@link Layer}.
 * The field's name names the layer and its parameters ({@code stem.weight}, {@code stem.bias}).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Dense {
  /** Output width of the layer. */
  int units();

  /** The activation {@code g}; in a residual block's last layer it is applied after the shortcut. */
  Activation activation() default Activation.RELU;

  /** How the weights start; {@link Init#AUTO} picks He for ReLU-like activations, else Xavier. */
  Init init() default Init.AUTO;
}
