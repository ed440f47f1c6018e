package dev.shortcut.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Average pooling over {@code kernel × kernel} windows of each channel; no parameters. Padding
 * counts as zeros in the average (PyTorch's {@code count_include_pad=True}).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface AvgPool {
  /** Side of the window. */
  int kernel();

  /** Step between windows; 0 (the default) means the kernel size. */
  int stride() default 0;

  /** Rows and columns of zeros added on each side. */
  int padding() default 0;
}
