package dev.shortcut.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Repeats a {@link ResidualBlock} (the field's type) {@code repeat} times, unrolled at compile
 * time. Naming several counts, {@code repeat = {2, 4, 9}}, generates one network per count: the
 * depth family of the lecture's experiment. At most one stack per network may name several.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Stack {
  /** How many blocks; several values make several networks. */
  int[] repeat();
}
