package dev.shortcut.processor.reading;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Bias;
import dev.shortcut.annotations.Init;
import dev.shortcut.annotations.Loss;
import dev.shortcut.annotations.Precision;
import dev.shortcut.annotations.Shortcut;
import dev.shortcut.annotations.Variant;
import dev.shortcut.processor.model.Declarations.BlockDecl;
import dev.shortcut.processor.model.Declarations.ConvDecl;
import dev.shortcut.processor.model.Declarations.DenseDecl;
import dev.shortcut.processor.model.Declarations.GlobalPoolDecl;
import dev.shortcut.processor.model.Declarations.LayerDecl;
import dev.shortcut.processor.model.Declarations.Member;
import dev.shortcut.processor.model.Declarations.NetworkDecl;
import dev.shortcut.processor.model.Declarations.NormDecl;
import dev.shortcut.processor.model.Declarations.PoolDecl;
import dev.shortcut.processor.model.Declarations.StackDecl;
import dev.shortcut.processor.diagnostics.Diagnostics;
import dev.shortcut.processor.diagnostics.Message;
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
  public static final String CONV = "dev.shortcut.annotations.Conv";
  public static final String BATCH_NORM = "dev.shortcut.annotations.BatchNorm";
  public static final String MAX_POOL = "dev.shortcut.annotations.MaxPool";
  public static final String AVG_POOL = "dev.shortcut.annotations.AvgPool";
  public static final String GLOBAL_AVG_POOL = "dev.shortcut.annotations.GlobalAvgPool";
  public static final String STACK = "dev.shortcut.annotations.Stack";
  /** The annotations of a network's or block's fields, layers first. */
  public static final List<String> MEMBERS = List.of(DENSE, CONV, BATCH_NORM, MAX_POOL, AVG_POOL, GLOBAL_AVG_POOL, STACK);
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
    List<Variant> variants = new ArrayList<>();
    for (AnnotationValue v : listValue(mirror, "variants")) {
      Variant variant = enumValue(Variant.class, v.getValue());
      if (variant != null) {
        variants.add(variant);
      }
    }
    List<Member> members = new ArrayList<>();
    boolean complete = members(type, members);
    NetworkDecl.Origins origins = new NetworkDecl.Origins(origin(type, mirror, "inputs"),
        origin(type, mirror, "channels"), origin(type, mirror, "height"), origin(type, mirror, "width"),
        origin(type, mirror, "outputs"), origin(type, mirror, "loss"), origin(type, mirror, "variants"),
        origin(type, mirror, "name"), origin(type, mirror, "reshape"));
    return new NetworkDecl(
        packageOf(type), type.getQualifiedName().toString(), simple, name.isEmpty() ? simple : name,
        intValue(mirror, "inputs"), intValue(mirror, "channels"), intValue(mirror, "height"),
        intValue(mirror, "width"), intValue(mirror, "outputs"),
        orDefault(enumValue(Loss.class, rawValue(mirror, "loss")), Loss.SOFTMAX_CROSS_ENTROPY),
        orDefault(enumValue(Precision.class, rawValue(mirror, "precision")), Precision.FLOAT), variants,
        orDefault(enumValue(Shortcut.class, rawValue(mirror, "reshape")), Shortcut.PROJECTION),
        members, complete, at(type, mirror, null), origins);
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
        BlockDecl block = new BlockDecl(key, type.getSimpleName().toString(),
            orDefault(enumValue(Shortcut.class, rawValue(mirror, "shortcut")), Shortcut.AUTO),
            orDefault(enumValue(Shortcut.class, rawValue(mirror, "reshape")), Shortcut.AUTO),
            stringValue(mirror, "shortcutName"), booleanValue(mirror, "zeroInitLast"), members, complete,
            at(type, mirror, null), origin(type, mirror, "shortcut"), origin(type, mirror, "shortcutName"));
        blocks.put(key, block);
        return block;
      } finally {
        reading.pop();
      }
    } finally {
      usedAt = outerUse;
    }
  }

  /** Reports a layer or {@code @Stack} field whose class declares neither network nor block. */
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
      List<String> kinds = new ArrayList<>();
      for (String annotation : MEMBERS) {
        if (mirror(e, annotation) != null) {
          kinds.add(annotation);
        }
      }
      if (kinds.isEmpty()) {
        continue;
      }
      String name = e.getSimpleName().toString();
      if (kinds.size() > 1) {
        diagnostics.report(Message.TWO_KINDS, at(e, null, null), name, simpleName(kinds.get(0)),
            simpleName(kinds.get(1)));
        complete = false;
        continue;
      }
      if (e.getModifiers().contains(Modifier.STATIC)) {
        // Reported, and still read as the layer it was meant to be: no "block has no layers" after it.
        diagnostics.report(Message.STATIC_MEMBER, at(e, null, null), name);
      }
      String kind = kinds.get(0);
      AnnotationMirror mirror = mirror(e, kind);
      if (kind.equals(STACK)) {
        StackDecl s = stack((VariableElement) e, mirror);
        if (s == null) {
          complete = false;
        } else {
          members.add(s);
        }
      } else {
        checkLayerType((VariableElement) e, kind);
        members.add(layer((VariableElement) e, kind, mirror));
      }
    }
    return complete;
  }

  private void checkLayerType(VariableElement field, String annotation) {
    TypeMirror t = field.asType();
    if (t.getKind() == TypeKind.ERROR) {
      unresolved = true;
    } else if (!(t.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) t).asElement()).getQualifiedName().contentEquals(LAYER))) {
      diagnostics.report(Message.LAYER_WRONG_TYPE, at(field, null, null), simpleName(annotation),
          field.getSimpleName(), t);
    }
  }

  private LayerDecl layer(VariableElement field, String kind, AnnotationMirror m) {
    String name = field.getSimpleName().toString();
    ElementOrigin o = at(field, null, null);
    return switch (kind) {
      case DENSE -> new DenseDecl(name, intValue(m, "units"),
          orDefault(enumValue(Activation.class, rawValue(m, "activation")), Activation.RELU),
          orDefault(enumValue(Init.class, rawValue(m, "init")), Init.AUTO), o, origin(field, m, "units"),
          origin(field, m, "activation"));
      case CONV -> new ConvDecl(name, intValue(m, "filters"), intValue(m, "expansion"), intValue(m, "kernel"),
          intValue(m, "stride"), intValue(m, "padding"),
          orDefault(enumValue(Bias.class, rawValue(m, "bias")), Bias.AUTO),
          orDefault(enumValue(Activation.class, rawValue(m, "activation")), Activation.RELU),
          orDefault(enumValue(Init.class, rawValue(m, "init")), Init.AUTO), o,
          new ConvDecl.Origins(origin(field, m, "filters"), origin(field, m, "expansion"), origin(field, m, "kernel"),
              origin(field, m, "stride"), origin(field, m, "padding"), origin(field, m, "bias"),
              origin(field, m, "activation")));
      case BATCH_NORM -> new NormDecl(name, at(field, m, null));
      case MAX_POOL, AVG_POOL -> new PoolDecl(name, kind.equals(MAX_POOL), intValue(m, "kernel"),
          intValue(m, "stride"), intValue(m, "padding"), at(field, m, null), origin(field, m, "kernel"),
          origin(field, m, "stride"), origin(field, m, "padding"));
      default -> new GlobalPoolDecl(name, at(field, m, null));
    };
  }

  private static String simpleName(String annotation) {
    return annotation.substring(annotation.lastIndexOf('.') + 1);
  }

  /** A stack; null when it must be dropped (a cycle, reported). */
  private StackDecl stack(VariableElement field, AnnotationMirror mirror) {
    List<Integer> repeats = new ArrayList<>();
    for (AnnotationValue v : listValue(mirror, "repeat")) {
      repeats.add(v.getValue() instanceof Integer i ? i : unresolvedInt());
    }
    String name = field.getSimpleName().toString();
    ElementOrigin fieldOrigin = at(field, null, null);
    TypeMirror t = field.asType();
    if (t.getKind() == TypeKind.ERROR) {
      unresolved = true; // javac reports the missing type, or another processor generates it later
      return stackDecl(name, null, repeats, mirror, field);
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
      return stackDecl(name, block, repeats, mirror, field);
    }
    if (type != null && type.getKind() == ElementKind.CLASS && inSource.test(topLevel(type))) {
      String simple = type.getSimpleName().toString();
      diagnostics.report(Message.STACK_NOT_A_BLOCK, fieldOrigin, name, simple, simple);
    } else {
      // A primitive, an array, an interface or a class compiled elsewhere cannot be annotated here.
      String shown = type == null ? t.toString() : type.getQualifiedName().toString();
      diagnostics.report(Message.STACK_WRONG_TYPE, fieldOrigin, name, shown);
    }
    return stackDecl(name, null, repeats, mirror, field);
  }

  private StackDecl stackDecl(String name, BlockDecl block, List<Integer> repeats, AnnotationMirror m,
      VariableElement field) {
    return new StackDecl(name, block, repeats, intValue(m, "filters"), intValue(m, "stride"), at(field, null, null),
        origin(field, m, "repeat"), origin(field, m, "filters"), origin(field, m, "stride"));
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

  /** The enum constant a value names, or null (noted as unresolved) when javac could not resolve it. */
  private <E extends Enum<E>> E enumValue(Class<E> type, Object value) {
    if (value instanceof VariableElement v) {
      try {
        return Enum.valueOf(type, v.getSimpleName().toString());
      } catch (IllegalArgumentException e) {
        // A constant of another version of the annotations than the processor's.
        throw new IllegalStateException("the processor does not know " + type.getSimpleName() + "." + v, e);
      }
    }
    unresolved = true;
    return null;
  }

  private static <T> T orDefault(T value, T fallback) {
    return value == null ? fallback : value;
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
