package dev.shortcut.processor.reading;

import dev.shortcut.processor.diagnostics.Origin;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/**
 * A place in the source: an element, optionally narrowed to one of its annotations and one value
 * of it, so that javac puts the caret on {@code units = 64}.
 *
 * <p>An element compiled elsewhere (a block in a library jar) has no file and no line; its
 * {@code usedAt} is then the {@code @Stack} field in this compilation through which it was reached,
 * where the adapter reports instead, naming the library class.
 */
public record ElementOrigin(Element element, AnnotationMirror annotation, AnnotationValue value, ElementOrigin usedAt)
    implements Origin {

  @Override
  public boolean editable() {
    return usedAt == null;
  }

  /** An origin on the element alone. */
  public static ElementOrigin of(Element element) {
    return new ElementOrigin(element, null, null, null);
  }
}
