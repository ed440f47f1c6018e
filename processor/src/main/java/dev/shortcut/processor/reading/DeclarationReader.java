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
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
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
 *
 * <p>A type javac has not resolved (a typo, or a class another processor generates in a later
 * round) is not reported: the reader notes it ({@link #sawUnresolved()}), the adapter defers the
 * declaration, and javac reports "cannot find symbol" itself if the type never appears.
 */
public final class DeclarationReader {
  public static final String NETWORK = "dev.shortcut.annotations.Network";
  public static final String RESIDUAL_BLOCK = "dev.shortcut.annotations.ResidualBlock";
  public static final String DENSE = "dev.shortcut.annotations.Dense";
  public static final String STACK = "dev.shortcut.annotations.Stack";
  static final String LAYER = "dev.shortcut.annotations.Layer";

  private final Elements elements;
  private final Diagnostics diagnostics;
  private final Predicate<TypeElement> inSource;
  private final Map<String, BlockDecl> blocks = new HashMap<>();
  private final Deque<String> reading = new ArrayDeque<>();
  /** The {@code @Stack} field in source through which the library block being read was reached. */
  private ElementOrigin usedAt;
  private boolean unresolved;

  /**
   * @param inSource whether a top-level type is compiled from source in this compilation; blocks
   *     that are not are reported at the {@code @Stack} field using them
   */
  public DeclarationReader(Elements elements, Diagnostics diagnostics, Predicate<TypeElement> inSource) {
    this.elements = elements;
    this.diagnostics = diagnostics;
    this.inSource = inSource;
  }

  /** Whether anything read so far had a type or value javac has not resolved yet. */
  public boolean sawUnresolved() {
    return unresolved;
  }

  /** Reads a {@code @Network} class; null when it cannot be one (reported). */
  public NetworkDecl readNetwork(Element element) {
    AnnotationMirror mirror = mirror(element, NETWORK);
    if (!isClass(element, "Network", mirror)) {
      return null;
    }
    TypeElement type = (TypeElement) element;
    if (mirror(type, RESIDUAL_BLOCK) != null) {
      // One error, not the errors of both readings: the class must be split first.
      diagnostics.report(Message.NETWORK_AND_BLOCK, at(type, null, null), type.getSimpleName());
      return null;
    }
    String name = stringValue(mirror, "name");
    String simple = type.getSimpleName().toString();
    List<String> variants = new ArrayList<>();
    for (AnnotationValue v : listValue(mirror, "variants")) {
      variants.add(enumName(v.getValue()));
    }
    List<Member> members = new ArrayList<>();
    boolean complete = members(type, members);
    return new NetworkDecl(
        packageOf(type), simple, name.isEmpty() ? simple : name,
        intValue(mirror, "inputs"), intValue(mirror, "outputs"),
        enumName(rawValue(mirror, "loss")), enumName(rawValue(mirror, "precision")), variants,
        members, complete, at(type, mirror, null), origin(type, mirror, "inputs"),
        origin(type, mirror, "outputs"), origin(type, mirror, "loss"), origin(type, mirror, "variants"),
        origin(type, mirror, "name"));
  }

  /** Reads a {@code @ResidualBlock} class in source (once; later calls return the same declaration). */
  public BlockDecl readBlock(TypeElement type) {
    return readBlock(type, null);
  }

  /** Whether {@code type} carries both annotations, an error reported once by the network's reading. */
  public static boolean isNetworkAndBlock(Element type) {
    return mirror(type, NETWORK) != null && mirror(type, RESIDUAL_BLOCK) != null;
  }

  private BlockDecl readBlock(TypeElement type, ElementOrigin stackField) {
    String key = type.getQualifiedName().toString();
    BlockDecl known = blocks.get(key);
    if (known != null) {
      return known;
    }
    ElementOrigin outerUse = usedAt;
    if (usedAt == null && stackField != null && !inSource.test(topLevel(type))) {
      usedAt = stackField;
    }
    try {
      AnnotationMirror mirror = mirror(type, RESIDUAL_BLOCK);
      if (!isClass(type, "ResidualBlock", mirror) || mirror(type, NETWORK) != null) {
        return null;
      }
      reading.push(key);
      try {
        List<Member> members = new ArrayList<>();
        boolean complete = members(type, members);
        BlockDecl block = new BlockDecl(key, type.getSimpleName().toString(), enumName(rawValue(mirror, "shortcut")),
            booleanValue(mirror, "zeroInitLast"), members, complete, at(type, mirror, null),
            origin(type, mirror, "shortcut"));
        blocks.put(key, block);
        return block;
      } finally {
        reading.pop();
      }
    } finally {
      usedAt = outerUse;
    }
  }

  /** Reports a {@code @Dense} or {@code @Stack} field whose class declares neither network nor block. */
  public void checkEnclosing(Element field, String annotation) {
    Element owner = field.getEnclosingElement();
    if (mirror(owner, NETWORK) == null && mirror(owner, RESIDUAL_BLOCK) == null) {
      diagnostics.report(Message.MEMBER_OUTSIDE_DECLARATION, at(field, mirror(field, annotation), null),
          annotation.substring(annotation.lastIndexOf('.') + 1), field.getSimpleName(), owner.getSimpleName());
    }
  }

  private boolean isClass(Element element, String annotation, AnnotationMirror mirror) {
    ElementKind kind = element.getKind();
    if (kind == ElementKind.CLASS) {
      return true;
    }
    diagnostics.report(Message.NOT_A_CLASS, at(element, mirror, null), annotation, kindName(kind),
        element.getSimpleName());
    return false;
  }

  private static String kindName(ElementKind kind) {
    return switch (kind.name()) {
      case "INTERFACE" -> "interface";
      case "ENUM" -> "enum";
      case "RECORD" -> "record";
      case "ANNOTATION_TYPE" -> "annotation type";
      default -> kind.name().toLowerCase(Locale.ROOT);
    };
  }

  /**
   * Reads the annotated fields of {@code type} into {@code members}; false when one was dropped
   * for an error (already reported), so that checks of the whole list stay silent.
   */
  private boolean members(TypeElement type, List<Member> members) {
    boolean complete = true;
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
        diagnostics.report(Message.DENSE_AND_STACK, at(e, null, null), name);
        complete = false;
        continue;
      }
      if (e.getModifiers().contains(Modifier.STATIC)) {
        // Reported, and still read as the layer it was meant to be: no "block has no layers" after it.
        diagnostics.report(Message.STATIC_MEMBER, at(e, null, null), name);
      }
      if (dense != null) {
        members.add(dense((VariableElement) e, dense));
      } else {
        StackDecl s = stack((VariableElement) e, stack);
        if (s == null) {
          complete = false;
        } else {
          members.add(s);
        }
      }
    }
    return complete;
  }

  private DenseDecl dense(VariableElement field, AnnotationMirror mirror) {
    TypeMirror t = field.asType();
    if (t.getKind() == TypeKind.ERROR) {
      unresolved = true;
    } else if (!(t.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) t).asElement()).getQualifiedName().contentEquals(LAYER))) {
      diagnostics.report(Message.DENSE_WRONG_TYPE, at(field, null, null), field.getSimpleName(), t);
    }
    return new DenseDecl(field.getSimpleName().toString(), intValue(mirror, "units"),
        enumName(rawValue(mirror, "activation")), enumName(rawValue(mirror, "init")), at(field, null, null),
        origin(field, mirror, "units"), origin(field, mirror, "activation"));
  }

  /** A stack; null when it must be dropped (a cycle, reported). */
  private StackDecl stack(VariableElement field, AnnotationMirror mirror) {
    List<Integer> repeats = new ArrayList<>();
    for (AnnotationValue v : listValue(mirror, "repeat")) {
      repeats.add(v.getValue() instanceof Integer i ? i : unresolvedInt());
    }
    String name = field.getSimpleName().toString();
    ElementOrigin fieldOrigin = at(field, null, null);
    ElementOrigin repeatOrigin = origin(field, mirror, "repeat");
    TypeMirror t = field.asType();
    if (t.getKind() == TypeKind.ERROR) {
      unresolved = true; // javac reports the missing type, or another processor generates it later
      return new StackDecl(name, null, repeats, fieldOrigin, repeatOrigin);
    }
    TypeElement type = t.getKind() == TypeKind.DECLARED ? (TypeElement) ((DeclaredType) t).asElement() : null;
    if (type != null && mirror(type, RESIDUAL_BLOCK) != null) {
      if (reading.contains(type.getQualifiedName().toString())) {
        List<String> path = new ArrayList<>();
        reading.descendingIterator().forEachRemaining(q -> path.add(q.substring(q.lastIndexOf('.') + 1)));
        path.add(type.getSimpleName().toString());
        diagnostics.report(Message.BLOCK_CYCLE, at(field, mirror, null), type.getSimpleName(),
            String.join(" → ", path));
        return null;
      }
      // Null when the block class is unusable (not a class, or also a @Network): reported there.
      BlockDecl block = readBlock(type, usedAt != null ? usedAt : new ElementOrigin(field, mirror, null, null));
      return new StackDecl(name, block, repeats, fieldOrigin, repeatOrigin);
    }
    if (type != null && type.getKind() == ElementKind.CLASS && inSource.test(topLevel(type))) {
      String simple = type.getSimpleName().toString();
      diagnostics.report(Message.STACK_NOT_A_BLOCK, fieldOrigin, name, simple, simple);
    } else {
      // A primitive, an array, an interface or a class compiled elsewhere cannot be annotated here.
      String shown = type == null ? t.toString() : type.getQualifiedName().toString();
      diagnostics.report(Message.STACK_WRONG_TYPE, fieldOrigin, name, shown);
    }
    return new StackDecl(name, null, repeats, fieldOrigin, repeatOrigin);
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

  /**
   * The value of {@code name}, explicit or default; null when javac could not resolve it (a
   * missing required value, or an expression naming an unknown constant), which javac reports.
   */
  private Object rawValue(AnnotationMirror mirror, String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
        : elements.getElementValuesWithDefaults(mirror).entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(name)) {
        return e.getValue().getValue();
      }
    }
    unresolved = true;
    return null;
  }

  private int intValue(AnnotationMirror mirror, String name) {
    return rawValue(mirror, name) instanceof Integer i ? i : unresolvedInt();
  }

  private boolean booleanValue(AnnotationMirror mirror, String name) {
    if (rawValue(mirror, name) instanceof Boolean b) {
      return b;
    }
    unresolved = true;
    return false;
  }

  private String stringValue(AnnotationMirror mirror, String name) {
    if (rawValue(mirror, name) instanceof String s) {
      return s;
    }
    unresolved = true;
    return "";
  }

  private List<? extends AnnotationValue> listValue(AnnotationMirror mirror, String name) {
    Object v = rawValue(mirror, name);
    if (v instanceof List<?> list && list.stream().allMatch(o -> o instanceof AnnotationValue)) {
      @SuppressWarnings("unchecked")
      List<? extends AnnotationValue> values = (List<? extends AnnotationValue>) list;
      return values;
    }
    unresolved = true;
    return List.of();
  }

  /** A placeholder for a value javac could not resolve: positive, so it adds no error of ours. */
  private int unresolvedInt() {
    unresolved = true;
    return 1;
  }

  private String enumName(Object value) {
    if (value instanceof VariableElement v) {
      return v.getSimpleName().toString();
    }
    unresolved = true;
    return "";
  }

  /** The origin of an explicit value, or of the annotation when the value is defaulted. */
  private ElementOrigin origin(Element element, AnnotationMirror mirror, String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : mirror.getElementValues().entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(name)) {
        return at(element, mirror, e.getValue());
      }
    }
    return at(element, mirror, null);
  }

  /** An origin, redirected to the {@code @Stack} field that uses it when it lies in a library. */
  private ElementOrigin at(Element element, AnnotationMirror mirror, AnnotationValue value) {
    return new ElementOrigin(element, mirror, value, usedAt);
  }

  private String packageOf(TypeElement type) {
    PackageElement p = elements.getPackageOf(type);
    return p.isUnnamed() ? "" : p.getQualifiedName().toString();
  }

  /** The top-level class enclosing {@code element}, or the element itself. */
  public static TypeElement topLevel(Element element) {
    Element e = element;
    TypeElement top = null;
    while (e != null && e.getKind() != ElementKind.PACKAGE && e.getKind() != ElementKind.MODULE) {
      if (e instanceof TypeElement t) {
        top = t;
      }
      e = e.getEnclosingElement();
    }
    return top;
  }
}
