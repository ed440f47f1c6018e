package dev.shortcut.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import dev.shortcut.processor.model.Declarations.BlockDecl;
import dev.shortcut.processor.model.Declarations.NetworkDecl;
import dev.shortcut.processor.model.ModelBuilder;
import dev.shortcut.processor.model.NetworkModel;
import dev.shortcut.processor.reading.DeclarationReader;
import dev.shortcut.processor.reading.ElementOrigin;
import dev.shortcut.processor.validation.Diagnostics;
import dev.shortcut.processor.validation.Message;
import dev.shortcut.processor.validation.Validator;
import dev.shortcut.processor.writing.FamilyWriter;
import dev.shortcut.processor.writing.NetworkWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.FilerException;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * The javac adapter: finds annotated elements, runs read → model → validate, reports every
 * diagnostic on its element, and writes the classes of each declaration that has no error. It
 * never lets an exception reach javac.
 *
 * <p>A declaration that names a type javac has not resolved waits for the next round (another
 * processor may generate the type); in the last round it is left to javac's own "cannot find
 * symbol". With {@code -Ashortcut.explain} every residual network gets a note listing what each
 * of its shortcuts resolved to. Warnings and notes honour {@code @SuppressWarnings("shortcut")}
 * and {@code @SuppressWarnings("shortcut:<key>")} (see {@link Message}) on the element or any
 * element enclosing it.
 */
@AutoService(Processor.class)
public final class ShortcutProcessor extends AbstractProcessor {
  /** Processor option: a note per residual network listing its resolved shortcuts. */
  public static final String EXPLAIN_OPTION = "shortcut.explain";
  /** The suppression key for every warning and note of Shortcut, and the prefix of each one's key. */
  public static final String SUPPRESSION_KEY = "shortcut";

  /** A declaration that passed validation, with what it generates. */
  private record Pending(Element element, NetworkDecl decl, List<NetworkModel> models, String familyName) {
    /** The declaration's canonical name: {@code d.A.Net} and {@code d.B.Net} are told apart. */
    String qualifiedName() {
      return ((TypeElement) element).getQualifiedName().toString();
    }

    List<String> classNames() {
      List<String> names = new ArrayList<>();
      models.forEach(m -> names.add(qualified(decl.packageName(), m.className())));
      names.add(qualified(decl.packageName(), familyName));
      return names;
    }
  }

  /** Top-level types compiled from source in this compilation, in any round (generated ones included). */
  private final Set<String> sourceTypes = new HashSet<>();
  /** Generated class → the declaration that generated it, over all rounds. */
  private final Map<String, String> generated = new HashMap<>();
  /** Declarations waiting for a type javac has not resolved yet, by qualified name. */
  private final Set<String> deferredNetworks = new LinkedHashSet<>();
  private final Set<String> deferredBlocks = new LinkedHashSet<>();
  /** Runs on every declaration read; tests inject failures through it. */
  private final Consumer<NetworkDecl> afterReading;

  /** The processor javac loads. */
  public ShortcutProcessor() {
    this(decl -> { });
  }

  ShortcutProcessor(Consumer<NetworkDecl> afterReading) {
    this.afterReading = afterReading;
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(DeclarationReader.NETWORK, DeclarationReader.RESIDUAL_BLOCK, DeclarationReader.DENSE,
        DeclarationReader.STACK);
  }

  @Override
  public Set<String> getSupportedOptions() {
    return Set.of(EXPLAIN_OPTION);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Diagnostics all = new Diagnostics();
    List<Pending> pending = new ArrayList<>();
    try {
      for (Element e : round.getRootElements()) {
        TypeElement top = DeclarationReader.topLevel(e);
        if (top != null) {
          sourceTypes.add(top.getQualifiedName().toString());
        }
      }
      boolean last = round.processingOver();
      checkStrayMembers(round, all);
      for (Element e : elements(round, DeclarationReader.RESIDUAL_BLOCK, deferredBlocks)) {
        if (!DeclarationReader.isNetworkAndBlock(e)) { // reported once, as a network
          guard(e, all, () -> checkBlock(e, last, all));
        }
      }
      analyzeNetworks(elements(round, DeclarationReader.NETWORK, deferredNetworks), last, all, pending);
      rejectTakenNames(pending, all);
    } catch (Throwable t) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, Message.INTERNAL_ERROR.format(stackTrace(t)));
    }
    for (Pending p : pending) {
      guard(p.element(), all, () -> write(p, all));
    }
    for (Diagnostics.Diagnostic d : all.all()) {
      print(d);
    }
    return false;
  }

  /** This round's elements with {@code annotation}, then those deferred from earlier rounds (now cleared). */
  private List<Element> elements(RoundEnvironment round, String annotation, Set<String> deferred) {
    Map<String, Element> byName = new LinkedHashMap<>();
    TypeElement type = processingEnv.getElementUtils().getTypeElement(annotation);
    if (type != null) {
      for (Element e : round.getElementsAnnotatedWith(type)) {
        byName.put(e instanceof TypeElement t ? t.getQualifiedName().toString() : e.toString(), e);
      }
    }
    for (String name : deferred) {
      TypeElement e = processingEnv.getElementUtils().getTypeElement(name);
      if (e != null) {
        byName.putIfAbsent(name, e);
      }
    }
    deferred.clear();
    return new ArrayList<>(byName.values());
  }

  private boolean inSource(TypeElement topLevel) {
    return topLevel != null && sourceTypes.contains(topLevel.getQualifiedName().toString());
  }

  private DeclarationReader reader(Diagnostics into) {
    return new DeclarationReader(processingEnv.getElementUtils(), into, this::inSource);
  }

  private void checkStrayMembers(RoundEnvironment round, Diagnostics all) {
    DeclarationReader reader = reader(all);
    for (String annotation : List.of(DeclarationReader.DENSE, DeclarationReader.STACK)) {
      TypeElement type = processingEnv.getElementUtils().getTypeElement(annotation);
      if (type != null) {
        for (Element field : round.getElementsAnnotatedWith(type)) {
          reader.checkEnclosing(field, annotation);
        }
      }
    }
  }

  /** Checks a block on its own, so that a block no network uses is checked too. */
  private void checkBlock(Element element, boolean last, Diagnostics all) {
    Diagnostics own = new Diagnostics();
    DeclarationReader reader = reader(own);
    BlockDecl block = reader.readBlock((TypeElement) element);
    if (reader.sawUnresolved()) {
      if (!last) {
        deferredBlocks.add(((TypeElement) element).getQualifiedName().toString());
        return;
      }
    } else if (block != null) {
      Validator.checkBlock(block, own);
    }
    own.all().forEach(all::add);
  }

  /** One network declaration on its way through the stages. */
  private static final class Analysis {
    final Element element;
    /** Its own diagnostics: its errors, its blocks' included, stop its generation and no other's. */
    final Diagnostics own = new Diagnostics();
    NetworkDecl decl;
    List<NetworkModel> models;

    Analysis(Element element) {
      this.element = element;
    }
  }

  /**
   * Reads, checks and unrolls each network, then checks the models' shapes knowing every width
   * each block is fed in this round: advice to change a block must not break its other uses.
   */
  private void analyzeNetworks(List<Element> networks, boolean last, Diagnostics all, List<Pending> pending) {
    List<Analysis> analyses = new ArrayList<>();
    for (Element e : networks) {
      Analysis a = new Analysis(e);
      analyses.add(a);
      guard(e, a.own, () -> {
        if (!read(a, last)) {
          analyses.remove(a);
        }
      });
    }
    Map<String, Set<Integer>> fed = new HashMap<>();
    for (Analysis a : analyses) {
      if (a.models != null) {
        Validator.fedWidths(a.models, a.decl).forEach((block, widths) ->
            fed.computeIfAbsent(block, k -> new HashSet<>()).addAll(widths));
      }
    }
    for (Analysis a : analyses) {
      if (a.models != null) {
        guard(a.element, a.own, () -> checkShapes(a, fed, pending));
      }
      a.own.all().forEach(all::add);
    }
  }

  /** Reads and checks the declaration and unrolls it; false when it waits for a later round. */
  private boolean read(Analysis a, boolean last) {
    DeclarationReader reader = reader(a.own);
    NetworkDecl decl = reader.readNetwork(a.element);
    if (reader.sawUnresolved()) {
      if (!last) {
        deferredNetworks.add(((TypeElement) a.element).getQualifiedName().toString());
        return false;
      }
      return true; // the last round: javac reports the unresolved type; ours would only guess around it
    }
    if (decl != null) {
      afterReading.accept(decl);
      Validator.checkDeclaration(decl, a.own);
      if (a.own.errorCount() == 0 && decl.fullyRead()) {
        a.decl = decl;
        a.models = ModelBuilder.build(decl);
      }
    }
    return true;
  }

  private void checkShapes(Analysis a, Map<String, Set<Integer>> fed, List<Pending> pending) {
    Validator.checkModels(a.models, a.decl, a.own, fed);
    if (a.own.errorCount() > 0) {
      return;
    }
    pending.add(new Pending(a.element, a.decl, a.models, a.decl.baseName() + "Family"));
    if (explain()) {
      for (NetworkModel m : a.models) {
        String text = Validator.explainShortcuts(m);
        if (text != null) {
          a.own.report(Message.SHORTCUTS_RESOLVED, a.decl.origin(), m.className(), text);
        }
      }
    }
  }

  private boolean explain() {
    String value = processingEnv.getOptions().get(EXPLAIN_OPTION);
    return processingEnv.getOptions().containsKey(EXPLAIN_OPTION) && !"false".equalsIgnoreCase(value);
  }

  /**
   * Rejects a declaration whose classes another declaration generates too (in this round or an
   * earlier one), or that a class in the sources already has: the Filer would refuse the file.
   */
  private void rejectTakenNames(List<Pending> pending, Diagnostics all) {
    List<Pending> rejected = new ArrayList<>();
    for (Pending p : pending) {
      String declaration = p.qualifiedName();
      for (String name : p.classNames()) {
        String owner = generated.get(name);
        if (owner != null) {
          all.report(Message.DUPLICATE_CLASS, p.decl().origin(), declaration, name, owner);
          rejected.add(p);
          break;
        }
        if (sourceTypes.contains(name)) {
          all.report(Message.EXISTING_CLASS, p.decl().origin(), declaration, name, name);
          rejected.add(p);
          break;
        }
      }
      if (!rejected.contains(p)) {
        p.classNames().forEach(n -> generated.put(n, declaration));
      }
    }
    pending.removeAll(rejected);
  }

  private void write(Pending p, Diagnostics all) throws IOException {
    for (NetworkModel m : p.models()) {
      emit(NetworkWriter.write(m), p, all);
    }
    emit(FamilyWriter.write(p.decl().packageName(), p.familyName(), p.decl().declarationName(), p.models()), p, all);
  }

  private void emit(JavaFile file, Pending p, Diagnostics all) throws IOException {
    String name = qualified(file.packageName(), file.typeSpec().name());
    try (Writer w = processingEnv.getFiler().createSourceFile(name, p.element()).openWriter()) {
      file.writeTo(w);
    } catch (FilerException e) {
      // The type exists where this processor cannot see it ahead (another processor wrote it).
      all.report(Message.EXISTING_CLASS, p.decl().origin(), p.qualifiedName(), name, name);
    }
  }

  private static String qualified(String packageName, String simpleName) {
    return packageName.isEmpty() ? simpleName : packageName + "." + simpleName;
  }

  private interface Step {
    void run() throws Exception;
  }

  /** Runs a step; any exception becomes an internal-error diagnostic on the element. */
  private void guard(Element element, Diagnostics all, Step step) {
    try {
      step.run();
    } catch (Throwable t) {
      all.report(Message.INTERNAL_ERROR, ElementOrigin.of(element), stackTrace(t));
    }
  }

  private void print(Diagnostics.Diagnostic d) {
    Diagnostic.Kind kind = switch (d.message().kind()) {
      case ERROR -> Diagnostic.Kind.ERROR;
      case WARNING -> Diagnostic.Kind.WARNING;
      case NOTE -> Diagnostic.Kind.NOTE;
    };
    if (!(d.origin() instanceof ElementOrigin origin) || origin.element() == null) {
      processingEnv.getMessager().printMessage(kind, d.text());
      return;
    }
    String text = d.text();
    if (origin.usedAt() != null) {
      // Compiled elsewhere: no file, no line. Report where this compilation uses it, naming it.
      TypeElement library = enclosingType(origin.element());
      text = "in " + library.getQualifiedName() + " (compiled elsewhere, used here): " + text;
      origin = origin.usedAt();
    }
    if (kind != Diagnostic.Kind.ERROR && suppressed(origin.element(), d.message())) {
      return;
    }
    if (origin.value() != null) {
      processingEnv.getMessager().printMessage(kind, text, origin.element(), origin.annotation(), origin.value());
    } else if (origin.annotation() != null) {
      processingEnv.getMessager().printMessage(kind, text, origin.element(), origin.annotation());
    } else {
      processingEnv.getMessager().printMessage(kind, text, origin.element());
    }
  }

  /**
   * Whether {@code @SuppressWarnings} on the element or an enclosing one names {@code shortcut},
   * {@code shortcut:<key>} or {@code all}. javac applies {@code @SuppressWarnings} to its own lint
   * warnings only, so the processor reads it itself.
   */
  static boolean suppressed(Element element, Message message) {
    for (Element e = element; e != null && e.getKind() != ElementKind.PACKAGE && e.getKind() != ElementKind.MODULE;
        e = e.getEnclosingElement()) {
      SuppressWarnings s = e.getAnnotation(SuppressWarnings.class);
      if (s != null) {
        for (String key : s.value()) {
          if (key.equals(SUPPRESSION_KEY) || key.equals(SUPPRESSION_KEY + ":" + message.key()) || key.equals("all")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static TypeElement enclosingType(Element element) {
    Element e = element;
    while (!(e instanceof TypeElement)) {
      e = e.getEnclosingElement();
    }
    return (TypeElement) e;
  }

  private static String stackTrace(Throwable t) {
    StringWriter s = new StringWriter();
    t.printStackTrace(new PrintWriter(s));
    return s.toString();
  }
}
