package dev.shortcut.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import dev.shortcut.processor.diagnostics.Diagnostics;
import dev.shortcut.processor.diagnostics.Message;
import dev.shortcut.processor.model.Declarations.BlockDecl;
import dev.shortcut.processor.model.Declarations.NetworkDecl;
import dev.shortcut.processor.reading.DeclarationReader;
import dev.shortcut.processor.reading.ElementOrigin;
import java.io.IOException;
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
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ModuleElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;

/**
 * The javac adapter: reads the annotated classes of each round, hands the declarations to the
 * javac-free {@link Pipeline}, writes what it generates with the Filer (one originating element per
 * file: the declaration) and reports its diagnostics with the Messager, on their elements. It never
 * lets an exception reach javac.
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
  private static final String GENERATED = "javax.annotation.processing.Generated";

  /** Top-level types compiled from source in this compilation, in any round (generated ones included). */
  private final Set<String> sourceTypes = new HashSet<>();
  /** Declarations waiting for a type javac has not resolved yet, by qualified name. */
  private final Set<String> deferredNetworks = new LinkedHashSet<>();
  private final Set<String> deferredBlocks = new LinkedHashSet<>();
  private final Consumer<NetworkDecl> afterReading;
  private Pipeline pipeline;

  /** The processor javac loads. */
  public ShortcutProcessor() {
    this(decl -> { });
  }

  /** A processor that runs {@code afterReading} on every declaration read: tests inject failures. */
  ShortcutProcessor(Consumer<NetworkDecl> afterReading) {
    this.afterReading = afterReading;
  }

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    String value = env.getOptions().get(EXPLAIN_OPTION);
    boolean explain = env.getOptions().containsKey(EXPLAIN_OPTION) && !"false".equalsIgnoreCase(value);
    pipeline = new Pipeline(explain, sourceTypes::contains, afterReading);
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    Set<String> types = new HashSet<>(DeclarationReader.MEMBERS);
    types.add(DeclarationReader.NETWORK);
    types.add(DeclarationReader.RESIDUAL_BLOCK);
    return types;
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
    try {
      for (Element e : round.getRootElements()) {
        TypeElement top = DeclarationReader.topLevel(e);
        if (top != null) {
          sourceTypes.add(top.getQualifiedName().toString());
        }
      }
      boolean last = round.processingOver();
      // Everything this round reports, in order, each diagnostic once (a block read on its own and
      // again through a network that stacks it reports its faults once).
      Diagnostics reported = new Diagnostics();
      checkStrayMembers(round, reported);
      List<Pipeline.BlockDeclaration> blocks = new ArrayList<>();
      for (Element e : elements(round, DeclarationReader.RESIDUAL_BLOCK, deferredBlocks)) {
        if (!DeclarationReader.isNetworkAndBlock(e)) { // reported once, as a network
          readBlock((TypeElement) e, last, blocks, reported);
        }
      }
      Map<Pipeline.Declaration, Element> networks = new LinkedHashMap<>();
      for (Element e : elements(round, DeclarationReader.NETWORK, deferredNetworks)) {
        readNetwork(e, last, networks, reported);
      }
      Pipeline.Result result = pipeline.run(new ArrayList<>(networks.keySet()), blocks);
      result.diagnostics().forEach(reported::add);
      Map<NetworkDecl, Element> elements = new HashMap<>();
      networks.forEach((d, e) -> elements.put(d.decl(), e));
      for (Pipeline.Output output : result.outputs()) {
        write(output, elements.get(output.decl()), reported);
      }
      reported.all().forEach(this::print);
    } catch (Throwable t) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
          Message.INTERNAL_ERROR.format(Pipeline.stackTrace(t)));
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

  private void checkStrayMembers(RoundEnvironment round, Diagnostics into) {
    DeclarationReader reader = reader(into);
    for (String annotation : DeclarationReader.MEMBERS) {
      TypeElement type = processingEnv.getElementUtils().getTypeElement(annotation);
      if (type != null) {
        for (Element field : round.getElementsAnnotatedWith(type)) {
          reader.checkEnclosing(field, annotation);
        }
      }
    }
  }

  /** Reads a block; one dropped for an error or a deferral keeps its reports in {@code reported}. */
  private void readBlock(TypeElement element, boolean last, List<Pipeline.BlockDeclaration> into,
      Diagnostics reported) {
    Diagnostics own = new Diagnostics();
    boolean[] handedOn = {false};
    Pipeline.guard(own, ElementOrigin.of(element), () -> {
      DeclarationReader reader = reader(own);
      BlockDecl block = reader.readBlock(element);
      if (reader.sawUnresolved()) {
        if (!last) {
          deferredBlocks.add(element.getQualifiedName().toString());
        }
        return; // the last round: javac reports the unresolved type; ours would only guess around it
      }
      if (block != null) {
        into.add(new Pipeline.BlockDeclaration(block, own));
        handedOn[0] = true;
      }
    });
    if (!handedOn[0]) {
      own.all().forEach(reported::add);
    }
  }

  /** Reads a network; one that waits for a later round, or that javac will report, is left out. */
  private void readNetwork(Element element, boolean last, Map<Pipeline.Declaration, Element> into,
      Diagnostics reported) {
    Diagnostics own = new Diagnostics();
    boolean[] handedOn = {false};
    Pipeline.guard(own, ElementOrigin.of(element), () -> {
      DeclarationReader reader = reader(own);
      NetworkDecl decl = reader.readNetwork(element);
      if (reader.sawUnresolved()) {
        if (!last) {
          deferredNetworks.add(((TypeElement) element).getQualifiedName().toString());
        }
        return;
      }
      if (decl != null) {
        into.put(new Pipeline.Declaration(decl, own, readsGeneratedAnnotation(element)), element);
        handedOn[0] = true;
      }
    });
    if (!handedOn[0]) {
      own.all().forEach(reported::add);
    }
  }

  /**
   * Whether code in {@code declaration}'s module can use {@code
   * javax.annotation.processing.Generated}: on the class path always; in a named module only when
   * it reads {@code java.compiler} ({@code requires static java.compiler}). Elsewhere the generated
   * classes go without it rather than fail to compile.
   */
  private boolean readsGeneratedAnnotation(Element declaration) {
    Elements elements = processingEnv.getElementUtils();
    ModuleElement module = elements.getModuleOf(declaration);
    TypeElement generated = module == null || module.isUnnamed() ? elements.getTypeElement(GENERATED)
        : elements.getTypeElement(module, GENERATED);
    return generated != null;
  }

  private void write(Pipeline.Output output, Element origin, Diagnostics diagnostics) {
    for (JavaFile file : output.files()) {
      String name = Pipeline.qualified(file.packageName(), file.typeSpec().name());
      try (Writer w = processingEnv.getFiler().createSourceFile(name, origin).openWriter()) {
        file.writeTo(w);
      } catch (FilerException e) {
        // The type exists where this processor cannot see it ahead (another processor wrote it).
        diagnostics.report(Message.EXISTING_CLASS, output.decl().origin(), output.decl().qualifiedName(), name, name);
        return;
      } catch (IOException | RuntimeException e) {
        diagnostics.report(Message.INTERNAL_ERROR, output.decl().origin(), Pipeline.stackTrace(e));
        return;
      }
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
}
