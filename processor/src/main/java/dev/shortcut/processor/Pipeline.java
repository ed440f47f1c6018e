package dev.shortcut.processor;

import com.palantir.javapoet.JavaFile;
import dev.shortcut.processor.diagnostics.Diagnostics;
import dev.shortcut.processor.diagnostics.Message;
import dev.shortcut.processor.model.Declarations.BlockDecl;
import dev.shortcut.processor.model.Declarations.NetworkDecl;
import dev.shortcut.processor.model.ModelBuilder;
import dev.shortcut.processor.model.NetworkModel;
import dev.shortcut.processor.validation.ModelChecks;
import dev.shortcut.processor.validation.Validator;
import dev.shortcut.processor.writing.FamilyWriter;
import dev.shortcut.processor.writing.NetworkWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The processor without javac: declarations in, generated files and diagnostics out. Each
 * network goes validate → unroll → check shapes → write, and generates nothing if any of its
 * diagnostics is an error; its errors stop no other declaration. Across the rounds of one
 * compilation it remembers which classes it generated, so that two declarations never claim one
 * name. {@link ShortcutProcessor} is the javac adapter around it: reading, the Filer, the Messager.
 */
public final class Pipeline {

  /**
   * A network declaration as read, with what reading it reported.
   *
   * @param generatedAnnotation whether the generated classes carry {@code
   *     javax.annotation.processing.Generated}: only where the declaration's module reads {@code
   *     java.compiler} (any class-path code does; a named module must say {@code requires static
   *     java.compiler})
   */
  public record Declaration(NetworkDecl decl, Diagnostics reading, boolean generatedAnnotation) {
    /** A declaration whose classes carry {@code @Generated}. */
    public Declaration(NetworkDecl decl, Diagnostics reading) {
      this(decl, reading, true);
    }
  }

  /** A block declaration as read, with what reading it reported. */
  public record BlockDeclaration(BlockDecl block, Diagnostics reading) {}

  /** What one declaration generates: its networks' classes and its family class. */
  public record Output(NetworkDecl decl, List<JavaFile> files) {}

  /** The round's outputs and every diagnostic, in order. */
  public record Result(List<Output> outputs, List<Diagnostics.Diagnostic> diagnostics) {}

  private final boolean explain;
  private final Predicate<String> declaredInSource;
  private final Consumer<NetworkDecl> afterReading;
  /** Generated class → the declaration that generated it, over all rounds. */
  private final Map<String, String> generated = new HashMap<>();

  /**
   * @param explain whether each residual network gets a note listing its resolved shortcuts
   * @param declaredInSource whether a class of that qualified name is declared in the sources
   * @param afterReading runs on every declaration before it is checked (tests inject failures)
   */
  public Pipeline(boolean explain, Predicate<String> declaredInSource, Consumer<NetworkDecl> afterReading) {
    this.explain = explain;
    this.declaredInSource = declaredInSource;
    this.afterReading = afterReading;
  }

  /** Checks the blocks on their own (a block no network uses is checked too), then the networks. */
  public Result run(List<Declaration> networks, List<BlockDeclaration> blocks) {
    Diagnostics all = new Diagnostics();
    for (BlockDeclaration b : blocks) {
      Diagnostics own = new Diagnostics();
      guard(own, b.block().origin(), () -> Validator.checkBlock(b.block(), own));
      b.reading().all().forEach(all::add);
      own.all().forEach(all::add);
    }
    List<Analysis> analyses = new ArrayList<>();
    for (Declaration d : networks) {
      Analysis a = new Analysis(d);
      analyses.add(a);
      guard(a.own, d.decl().origin(), () -> unroll(a));
    }
    // Advice to change a block must not break its other uses, in any declaration of this round.
    Map<String, Set<Integer>> fed = new HashMap<>();
    for (Analysis a : analyses) {
      if (a.models != null) {
        ModelChecks.fedWidths(a.models, a.decl()).forEach((block, widths) ->
            fed.computeIfAbsent(block, k -> new HashSet<>()).addAll(widths));
      }
    }
    List<Output> outputs = new ArrayList<>();
    for (Analysis a : analyses) {
      if (a.models != null) {
        guard(a.own, a.decl().origin(), () -> {
          ModelChecks.check(a.models, a.decl(), a.own, fed);
          if (a.own.errorCount() == 0) {
            explain(a);
            Output output = write(a);
            if (output != null) {
              outputs.add(output);
            }
          }
        });
      }
      a.own.all().forEach(all::add);
    }
    return new Result(outputs, all.all());
  }

  /** One network declaration on its way through the stages, with its own diagnostics. */
  private static final class Analysis {
    final Declaration declaration;
    final Diagnostics own = new Diagnostics();
    List<NetworkModel> models;

    Analysis(Declaration declaration) {
      this.declaration = declaration;
      declaration.reading().all().forEach(own::add);
    }

    NetworkDecl decl() {
      return declaration.decl();
    }
  }

  private void unroll(Analysis a) {
    afterReading.accept(a.decl());
    Validator.checkDeclaration(a.decl(), a.own);
    if (a.own.errorCount() == 0 && a.decl().fullyRead()) {
      a.models = ModelBuilder.build(a.decl());
    }
  }

  private void explain(Analysis a) {
    if (!explain) {
      return;
    }
    for (NetworkModel m : a.models) {
      String text = ModelChecks.explainShortcuts(m);
      if (text != null) {
        a.own.report(Message.SHORTCUTS_RESOLVED, a.decl().origin(), m.className(), text);
      }
    }
  }

  /**
   * The declaration's files, unless another declaration (of this round or an earlier one) generates
   * one of its classes, or a class in the sources already has its name: the Filer would refuse it.
   */
  private Output write(Analysis a) {
    NetworkDecl decl = a.decl();
    String familyName = decl.baseName() + "Family";
    List<String> names = new ArrayList<>();
    a.models.forEach(m -> names.add(qualified(decl.packageName(), m.className())));
    names.add(qualified(decl.packageName(), familyName));
    for (String name : names) {
      String owner = generated.get(name);
      if (owner != null) {
        a.own.report(Message.DUPLICATE_CLASS, decl.origin(), decl.qualifiedName(), name, owner);
        return null;
      }
      if (declaredInSource.test(name)) {
        a.own.report(Message.EXISTING_CLASS, decl.origin(), decl.qualifiedName(), name, name);
        return null;
      }
    }
    names.forEach(n -> generated.put(n, decl.qualifiedName()));
    List<JavaFile> files = new ArrayList<>();
    boolean generatedAnnotation = a.declaration.generatedAnnotation();
    for (NetworkModel m : a.models) {
      files.add(NetworkWriter.write(m, generatedAnnotation));
    }
    files.add(FamilyWriter.write(decl.packageName(), familyName, decl.declarationName(), a.models,
        generatedAnnotation));
    return new Output(decl, files);
  }

  static String qualified(String packageName, String simpleName) {
    return packageName.isEmpty() ? simpleName : packageName + "." + simpleName;
  }

  interface Step {
    void run() throws Exception;
  }

  /** Runs a step; any exception becomes an internal-error diagnostic at {@code origin}. */
  static void guard(Diagnostics into, dev.shortcut.processor.diagnostics.Origin origin, Step step) {
    try {
      step.run();
    } catch (Throwable t) {
      into.report(Message.INTERNAL_ERROR, origin, stackTrace(t));
    }
  }

  static String stackTrace(Throwable t) {
    StringWriter s = new StringWriter();
    t.printStackTrace(new PrintWriter(s));
    return s.toString();
  }
}
