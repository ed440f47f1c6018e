package dev.shortcut.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Max pooling over {@code kernel × kernel} windows of each channel; no parameters. */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface MaxPool {
  /** Side of the window. */
  int kernel();

  /** Step between windows; 0 (the default) means the kernel size. */
  int stride() default 0;

  /** Rows and columns of −∞ added on each side. */
  int padding() default 0;
}
