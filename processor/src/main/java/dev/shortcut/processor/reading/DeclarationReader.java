package dev.shortcut.processor.reading;

import dev.shortcut.processor.model.Declarations.BlockDecl;
import dev.shortcut.processor.model.Declarations.DenseDecl;
import dev.shortcut.processor.model.Declarations.Member;
import dev.shortcut.processor.model.Declarations.NetworkDecl;
import dev.shortcut.processor.model.Declarations.StackDecl;
import dev.shortcut.processor.validation.Diagnostics;
import dev.shortcut.processor.validation.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;

/**
 * Turns annotated classes into javac-free declarations. This is the only stage that sees
 * {@code javax.lang.model}; every fact it reads keeps its {@link ElementOrigin}. Problems of kind
 * (an annotation on the wrong element) are reported here, since only here are elements visible.
 */
public final class DeclarationReader {
  public static final String NETWORK = "dev.shortcut.annotations.Network";
  public static final String RESIDUAL_BLOCK = "dev.shortcut.annotations.ResidualBlock";
  public static final String DENSE = "dev.shortcut.annotations.Dense";
  public static final String STACK = "dev.shortcut.annotations.Stack";
  static final String LAYER = "dev.shortcut.annotations.Layer";

  private final Elements elements;
  private final Diagnostics diagnostics;
  private final Map<String, BlockDecl> blocks = new HashMap<>();
  private final Deque<String> reading = new ArrayDeque<>();

  public DeclarationReader(Elements elements, Diagnostics diagnostics) {
    this.elements = elements;
    this.diagnostics = diagnostics;
  }

  /** Reads a {@code @Network} class; null when it is not a class at all. */
  public NetworkDecl readNetwork(Element element) {
    AnnotationMirror mirror = mirror(element, NETWORK);
    if (!isClass(element, "Network", mirror)) {
      return null;
    }
    TypeElement type = (TypeElement) element;
    if (mirror(type, RESIDUAL_BLOCK) != null) {
      diagnostics.report(Message.NETWORK_AND_BLOCK, ElementOrigin.of(type), type.getSimpleName());
    }
    String name = (String) value(mirror, "name");
    String simple = type.getSimpleName().toString();
    List<String> variants = new ArrayList<>();
    for (Object v : (List<?>) value(mirror, "variants")) {
      variants.add(enumName(((AnnotationValue) v).getValue()));
    }
    return new NetworkDecl(
        packageOf(type), simple, name.isEmpty() ? simple : name,
        (Integer) value(mirror, "inputs"), (Integer) value(mirror, "outputs"),
        enumName(value(mirror, "loss")), enumName(value(mirror, "precision")), variants,
        members(type), new ElementOrigin(type, mirror, null), origin(type, mirror, "inputs"),
        origin(type, mirror, "outputs"), origin(type, mirror, "loss"));
  }

  /** Reads a {@code @ResidualBlock} class (once; later calls return the same declaration). */
  public BlockDecl readBlock(TypeElement type) {
    String key = type.getQualifiedName().toString();
    BlockDecl known = blocks.get(key);
    if (known != null) {
      return known;
    }
    AnnotationMirror mirror = mirror(type, RESIDUAL_BLOCK);
    if (!isClass(type, "ResidualBlock", mirror)) {
      return null;
    }
    reading.push(key);
    try {
      BlockDecl block = new BlockDecl(key, type.getSimpleName().toString(), enumName(value(mirror, "shortcut")),
          (Boolean) value(mirror, "zeroInitLast"), members(type), new ElementOrigin(type, mirror, null),
          origin(type, mirror, "shortcut"));
      blocks.put(key, block);
      return block;
    } finally {
      reading.pop();
    }
  }

  /** Reports a {@code @Dense} or {@code @Stack} field whose class declares neither network nor block. */
  public void checkEnclosing(Element field, String annotation) {
    Element owner = field.getEnclosingElement();
    if (mirror(owner, NETWORK) == null && mirror(owner, RESIDUAL_BLOCK) == null) {
      diagnostics.report(Message.MEMBER_OUTSIDE_DECLARATION, new ElementOrigin(field, mirror(field, annotation), null),
          annotation.substring(annotation.lastIndexOf('.') + 1), field.getSimpleName(), owner.getSimpleName());
    }
  }

  private boolean isClass(Element element, String annotation, AnnotationMirror mirror) {
    ElementKind kind = element.getKind();
    if (kind == ElementKind.CLASS) {
      return true;
    }
    diagnostics.report(Message.NOT_A_CLASS, new ElementOrigin(element, mirror, null), annotation,
        kindName(kind), element.getSimpleName());
    return false;
  }

  private static String kindName(ElementKind kind) {
    return switch (kind.name()) {
      case "INTERFACE" -> "interface";
      case "ENUM" -> "enum";
      case "RECORD" -> "record";
      case "ANNOTATION_TYPE" -> "annotation type";
      default -> kind.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private List<Member> members(TypeElement type) {
    List<Member> members = new ArrayList<>();
    for (Element e : type.getEnclosedElements()) {
      if (e.getKind() != ElementKind.FIELD) {
        continue;
      }
      AnnotationMirror dense = mirror(e, DENSE);
      AnnotationMirror stack = mirror(e, STACK);
      if (dense == null && stack == null) {
        continue;
      }
      String name = e.getSimpleName().toString();
      if (dense != null && stack != null) {
        diagnostics.report(Message.DENSE_AND_STACK, ElementOrigin.of(e), name);
        continue;
      }
      if (e.getModifiers().contains(Modifier.STATIC)) {
        diagnostics.report(Message.STATIC_MEMBER, ElementOrigin.of(e), name);
        continue;
      }
      if (dense != null) {
        members.add(dense((VariableElement) e, dense));
      } else {
        StackDecl s = stack((VariableElement) e, stack);
        if (s != null) {
          members.add(s);
        }
      }
    }
    return members;
  }

  private DenseDecl dense(VariableElement field, AnnotationMirror mirror) {
    TypeMirror t = field.asType();
    if (!(t.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) t).asElement()).getQualifiedName().contentEquals(LAYER))) {
      diagnostics.report(Message.DENSE_WRONG_TYPE, ElementOrigin.of(field), field.getSimpleName(), t);
    }
    return new DenseDecl(field.getSimpleName().toString(), (Integer) value(mirror, "units"),
        enumName(value(mirror, "activation")), enumName(value(mirror, "init")), ElementOrigin.of(field),
        origin(field, mirror, "units"), origin(field, mirror, "activation"));
  }

  private StackDecl stack(VariableElement field, AnnotationMirror mirror) {
    List<Integer> repeats = new ArrayList<>();
    for (Object v : (List<?>) value(mirror, "repeat")) {
      repeats.add((Integer) ((AnnotationValue) v).getValue());
    }
    String name = field.getSimpleName().toString();
    TypeMirror t = field.asType();
    TypeElement type = t.getKind() == TypeKind.DECLARED ? (TypeElement) ((DeclaredType) t).asElement() : null;
    BlockDecl block = null;
    if (type == null || mirror(type, RESIDUAL_BLOCK) == null) {
      String typeName = type == null ? t.toString() : type.getSimpleName().toString();
      diagnostics.report(Message.STACK_NOT_A_BLOCK, ElementOrigin.of(field), name, typeName, typeName);
    } else if (reading.contains(type.getQualifiedName().toString())) {
      List<String> path = new ArrayList<>();
      reading.descendingIterator().forEachRemaining(q -> path.add(q.substring(q.lastIndexOf('.') + 1)));
      path.add(type.getSimpleName().toString());
      diagnostics.report(Message.BLOCK_CYCLE, new ElementOrigin(field, mirror, null), type.getSimpleName(),
          String.join(" → ", path));
      return null;
    } else {
      block = readBlock(type);
    }
    return new StackDecl(name, block, repeats, ElementOrigin.of(field), origin(field, mirror, "repeat"));
  }

  // ---- annotation access ------------------------------------------------------------------

  static AnnotationMirror mirror(Element element, String annotation) {
    for (AnnotationMirror m : element.getAnnotationMirrors()) {
      if (((TypeElement) m.getAnnotationType().asElement()).getQualifiedName().contentEquals(annotation)) {
        return m;
      }
    }
    return null;
  }

  /** The value of {@code name}, explicit or default. */
  private Object value(AnnotationMirror mirror, String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
        : elements.getElementValuesWithDefaults(mirror).entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(name)) {
        return e.getValue().getValue();
      }
    }
    throw new IllegalStateException("annotation " + mirror + " has no value " + name);
  }

  /** The origin of an explicit value, or of the annotation when the value is defaulted. */
  private static ElementOrigin origin(Element element, AnnotationMirror mirror, String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : mirror.getElementValues().entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(name)) {
        return new ElementOrigin(element, mirror, e.getValue());
      }
    }
    return new ElementOrigin(element, mirror, null);
  }

  private static String enumName(Object value) {
    return value instanceof VariableElement v ? v.getSimpleName().toString() : String.valueOf(value);
  }

  private String packageOf(TypeElement type) {
    PackageElement p = elements.getPackageOf(type);
    return p.isUnnamed() ? "" : p.getQualifiedName().toString();
  }
}
