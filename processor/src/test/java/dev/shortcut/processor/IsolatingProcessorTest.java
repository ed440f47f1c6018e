package dev.shortcut.processor;

import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.annotation.processing.Completion;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 8: the processor declares itself isolating for Gradle's incremental compilation,
 * and keeps the contract: every file it writes through the Filer names exactly one originating
 * element, the {@code @Network} declaration it was generated from (never a block it stacks, which
 * its AST reaches), so Gradle can recompile one declaration's classes alone.
 */
class IsolatingProcessorTest {
  private static final String BLOCK = """
      package iso;
      import dev.shortcut.annotations.*;
      @ResidualBlock
      public class Pair {
        @Dense(units = 8) Layer fc1;
        @Dense(units = 8) Layer fc2;
      }
      """;

  /** What the Filer was asked to create: file name → originating elements, by qualified name. */
  private static final class RecordingProcessor implements Processor {
    final Map<String, List<String>> origins = new TreeMap<>();
    private final Processor delegate = new ShortcutProcessor();

    @Override
    public void init(ProcessingEnvironment env) {
      Filer filer = env.getFiler();
      Filer recording = (Filer) Proxy.newProxyInstance(Filer.class.getClassLoader(), new Class<?>[] {Filer.class},
          forward(filer, (method, args) -> {
            if (method.getName().startsWith("create")) {
              Element[] elements = (Element[]) args[args.length - 1];
              String file = method.getName().equals("createResource") ? args[1] + "/" + args[2] : args[0].toString();
              List<String> names = new ArrayList<>();
              for (Element e : elements) {
                names.add(((TypeElement) e).getQualifiedName().toString());
              }
              origins.put(file, names);
            }
          }));
      ProcessingEnvironment wrapped = (ProcessingEnvironment) Proxy.newProxyInstance(
          ProcessingEnvironment.class.getClassLoader(), new Class<?>[] {ProcessingEnvironment.class},
          (proxy, method, args) -> method.getName().equals("getFiler") ? recording : invoke(method, env, args));
      delegate.init(wrapped);
    }

    private interface Observer {
      void see(Method method, Object[] args);
    }

    private static InvocationHandler forward(Object target, Observer observer) {
      return (proxy, method, args) -> {
        observer.see(method, args);
        return invoke(method, target, args);
      };
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }

    @Override
    public Set<String> getSupportedOptions() {
      return delegate.getSupportedOptions();
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return delegate.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return delegate.getSupportedSourceVersion();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      return delegate.process(annotations, round);
    }

    @Override
    public Iterable<? extends Completion> getCompletions(Element element, AnnotationMirror annotation,
        ExecutableElement member, String userText) {
      return delegate.getCompletions(element, annotation, member, userText);
    }
  }

  @Test
  void everyGeneratedFileNamesExactlyItsDeclaration() {
    RecordingProcessor recording = new RecordingProcessor();
    Compilation c = javac().withProcessors(recording).compile(
        JavaFileObjects.forSourceString("iso.Pair", BLOCK),
        JavaFileObjects.forSourceString("iso.Small", """
            package iso;
            import dev.shortcut.annotations.*;
            @Network(inputs = 4, outputs = 2, variants = {Variant.RESIDUAL, Variant.PLAIN})
            public class Small {
              @Dense(units = 8) Layer stem;
              @Stack(repeat = {1, 2}) Pair body;
              @Dense(units = 2, activation = Activation.NONE) Layer head;
            }
            """),
        JavaFileObjects.forSourceString("iso.Holder", """
            package iso;
            import dev.shortcut.annotations.*;
            public class Holder {
              @Network(inputs = 8, outputs = 2, name = "Inner")
              public static class Declaration {
                @Stack(repeat = 1) Pair body;
                @Dense(units = 2, activation = Activation.NONE) Layer head;
              }
            }
            """));
    assertEquals(Compilation.Status.SUCCESS, c.status(), () -> c.diagnostics().toString());
    Map<String, List<String>> expected = new TreeMap<>();
    for (String generated : List.of("ResidualSmall4", "ResidualSmall6", "PlainSmall4", "PlainSmall6", "SmallFamily")) {
      expected.put("iso." + generated, List.of("iso.Small"));
    }
    expected.put("iso.ResidualInner", List.of("iso.Holder.Declaration"));
    expected.put("iso.InnerFamily", List.of("iso.Holder.Declaration"));
    assertEquals(expected, recording.origins, "each file: one originating element, its own declaration");
    long sources = c.generatedSourceFiles().size();
    assertEquals(expected.size(), sources, "nothing written past the Filer's record");
  }

  @Test
  void theProcessorIsRegisteredAsIsolatingForGradle() throws IOException {
    List<String> gradle = lines("META-INF/gradle/incremental.annotation.processors");
    assertEquals(List.of(ShortcutProcessor.class.getName() + ",isolating"), gradle);
    assertTrue(lines("META-INF/services/javax.annotation.processing.Processor")
        .contains(ShortcutProcessor.class.getName()), "the processor Gradle is told about is the one javac loads");
    // Gradle treats an isolating processor that claims every annotation ("*") as aggregating.
    assertTrue(new ShortcutProcessor().getSupportedAnnotationTypes().stream().noneMatch(t -> t.contains("*")));
  }

  /** The non-comment lines of a resource of the processor's own jar or classes directory. */
  private static List<String> lines(String resource) throws IOException {
    List<String> lines = new ArrayList<>();
    String own = ShortcutProcessor.class.getProtectionDomain().getCodeSource().getLocation().toString();
    Enumeration<URL> urls = ShortcutProcessor.class.getClassLoader().getResources(resource);
    for (URL url : Collections.list(urls)) {
      if (!url.toString().replace("jar:", "").startsWith(own)) {
        continue; // another library's processors
      }
      try (InputStream in = url.openStream()) {
        Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")).map(String::trim)
            .filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(lines::add);
      }
    }
    return lines;
  }
}
