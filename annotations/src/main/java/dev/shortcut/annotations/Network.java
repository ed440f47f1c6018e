package dev.shortcut.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a network: a class whose fields, in source order, are its layers ({@link Dense},
 * {@link Conv}, {@link BatchNorm}, {@link MaxPool}, {@link AvgPool}, {@link GlobalAvgPool}) and
 * stacks of residual blocks ({@link Stack}). The input is either a vector ({@link #inputs}) or an
 * image ({@link #channels} × {@link #height} × {@link #width}, stored channels last).
 *
 * <p>The Shortcut processor generates one class per variant and depth, named
 * {@code Residual<Name>} / {@code Plain<Name>} with the layer count appended when the declaration
 * has several depths (for example {@code ResidualLecture20}, {@code PlainLecture20}), plus a
 * {@code <Name>Family} class that lists every variant.
 *
 * <pre>{@code
 * @Network(inputs = 784, outputs = 10, variants = {Variant.RESIDUAL, Variant.PLAIN})
 * class Lecture {
 *   @Dense(units = 64) Layer stem;
 *   @Stack(repeat = {2, 4, 9}) TwoLayerBlock body;
 *   @Dense(units = 10, activation = Activation.NONE) Layer head;
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Network {
  /**
   * Width of one input sample of a dense network (784 for flattened 28×28 images). Leave it out
   * when the input is an image ({@link #channels}, {@link #height}, {@link #width}).
   */
  int inputs() default 0;

  /** Channels of an image input (1 for grey, 3 for RGB); 0 for a dense input. */
  int channels() default 0;

  /** Height of an image input, in pixels; 0 for a dense input. */
  int height() default 0;

  /** Width of an image input, in pixels; 0 for a dense input. */
  int width() default 0;

  /** Width of the output: the number of classes for a classifier. */
  int outputs();

  /** The loss the network is trained with; it constrains the last layer's activation. */
  Loss loss() default Loss.SOFTMAX_CROSS_ENTROPY;

  /** Element type of parameters, activations and gradients. */
  Precision precision() default Precision.FLOAT;

  /** Which variants to generate: the declared residual network, its plain twin, or both. */
  Variant[] variants() default {Variant.RESIDUAL};

  /** Base name of the generated classes; the declaration's simple name when empty. */
  String name() default "";

  /**
   * The shortcut a block declared {@link Shortcut#AUTO} takes where it changes the shape (width,
   * channels or size): {@link Shortcut#PROJECTION} (the default, the paper's option B) or
   * {@link Shortcut#ZERO_PAD} (option A). A block's own {@link ResidualBlock#reshape} wins.
   */
  Shortcut reshape() default Shortcut.PROJECTION;
}
