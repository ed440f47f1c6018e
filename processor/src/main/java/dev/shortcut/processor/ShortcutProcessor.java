package dev.shortcut.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import dev.shortcut.processor.model.Declarations.NetworkDecl;
import dev.shortcut.processor.model.ModelBuilder;
import dev.shortcut.processor.model.NetworkModel;
import dev.shortcut.processor.model.Origin;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * The javac adapter: finds annotated elements, runs read → model → validate, reports every
 * diagnostic on its element, and writes the classes of each declaration that has no error. It
 * never lets an exception reach javac.
 */
@AutoService(Processor.class)
public final class ShortcutProcessor extends AbstractProcessor {

  /** A declaration that passed validation, with what it generates. */
  private record Pending(Element element, NetworkDecl decl, List<NetworkModel> models, String familyName) {}

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(DeclarationReader.NETWORK, DeclarationReader.RESIDUAL_BLOCK, DeclarationReader.DENSE,
        DeclarationReader.STACK);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Diagnostics all = new Diagnostics();
    DeclarationReader reader = new DeclarationReader(processingEnv.getElementUtils(), all);
    List<Pending> pending = new ArrayList<>();
    try {
      checkStrayMembers(round, reader);
      TypeElement blockType = processingEnv.getElementUtils().getTypeElement(DeclarationReader.RESIDUAL_BLOCK);
      if (blockType != null) {
        for (Element e : round.getElementsAnnotatedWith(blockType)) {
          guard(e, all, () -> {
            var block = reader.readBlock((TypeElement) e);
            if (block != null) {
              Validator.checkBlock(block, all);
            }
          });
        }
      }
      TypeElement networkType = processingEnv.getElementUtils().getTypeElement(DeclarationReader.NETWORK);
      if (networkType != null) {
        for (Element e : round.getElementsAnnotatedWith(networkType)) {
          guard(e, all, () -> analyze(e, all, pending));
        }
      }
      rejectDuplicateNames(pending, all);
    } catch (Throwable t) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, Message.INTERNAL_ERROR.format(stackTrace(t)));
    }
    for (Pending p : pending) {
      guard(p.element(), all, () -> write(p));
    }
    for (Diagnostics.Diagnostic d : all.all()) {
      print(d);
    }
    return false;
  }

  private void checkStrayMembers(RoundEnvironment round, DeclarationReader reader) {
    for (String annotation : List.of(DeclarationReader.DENSE, DeclarationReader.STACK)) {
      TypeElement type = processingEnv.getElementUtils().getTypeElement(annotation);
      if (type != null) {
        for (Element field : round.getElementsAnnotatedWith(type)) {
          reader.checkEnclosing(field, annotation);
        }
      }
    }
  }

  private void analyze(Element element, Diagnostics all, List<Pending> pending) {
    // A reader and diagnostics of its own, so that every error this declaration touches, its
    // blocks' included, stops this declaration's generation and no other's.
    Diagnostics own = new Diagnostics();
    NetworkDecl decl = new DeclarationReader(processingEnv.getElementUtils(), own).readNetwork(element);
    if (decl != null) {
      Validator.checkDeclaration(decl, own);
      if (own.errorCount() == 0) {
        List<NetworkModel> models = ModelBuilder.build(decl);
        for (NetworkModel m : models) {
          Validator.checkModel(m, decl, own);
        }
        if (own.errorCount() == 0) {
          pending.add(new Pending(element, decl, models, decl.baseName() + "Family"));
        }
      }
    }
    own.all().forEach(all::add);
  }

  private void rejectDuplicateNames(List<Pending> pending, Diagnostics all) {
    Map<String, String> owners = new HashMap<>();
    List<Pending> rejected = new ArrayList<>();
    for (Pending p : pending) {
      List<String> names = new ArrayList<>();
      p.models().forEach(m -> names.add(m.className()));
      names.add(p.familyName());
      for (String n : names) {
        String qualified = p.decl().packageName().isEmpty() ? n : p.decl().packageName() + "." + n;
        String owner = owners.putIfAbsent(qualified, p.decl().declarationName());
        if (owner != null) {
          all.report(Message.DUPLICATE_CLASS, ((ElementOrigin) p.decl().origin()), p.decl().declarationName(),
              qualified, owner);
          rejected.add(p);
          break;
        }
      }
    }
    pending.removeAll(rejected);
  }

  private void write(Pending p) throws IOException {
    for (NetworkModel m : p.models()) {
      emit(NetworkWriter.write(m), p.element());
    }
    emit(FamilyWriter.write(p.decl().packageName(), p.familyName(), p.decl().declarationName(), p.models()),
        p.element());
  }

  private void emit(JavaFile file, Element origin) throws IOException {
    String name = file.packageName().isEmpty() ? file.typeSpec().name() : file.packageName() + "." + file.typeSpec().name();
    try (Writer w = processingEnv.getFiler().createSourceFile(name, origin).openWriter()) {
      file.writeTo(w);
    }
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
    Diagnostic.Kind kind = d.message().kind() == Message.Kind.ERROR ? Diagnostic.Kind.ERROR : Diagnostic.Kind.WARNING;
    Origin o = d.origin();
    if (o instanceof ElementOrigin eo && eo.element() != null) {
      if (eo.annotation() != null && eo.value() != null) {
        processingEnv.getMessager().printMessage(kind, d.text(), eo.element(), eo.annotation(), eo.value());
      } else {
        // javac places a diagnostic on an annotation without a value at no line; the element has one.
        processingEnv.getMessager().printMessage(kind, d.text(), eo.element());
      }
    } else {
      processingEnv.getMessager().printMessage(kind, d.text());
    }
  }

  private static String stackTrace(Throwable t) {
    StringWriter s = new StringWriter();
    t.printStackTrace(new PrintWriter(s));
    return s.toString();
  }
}
