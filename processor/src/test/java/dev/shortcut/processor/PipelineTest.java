package dev.shortcut.processor;

import static dev.shortcut.processor.model.Decls.cifar;
import static dev.shortcut.processor.model.Decls.denseBlock;
import static dev.shortcut.processor.model.Decls.lecture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.JavaFile;
import dev.shortcut.annotations.Shortcut;
import dev.shortcut.annotations.Variant;
import dev.shortcut.processor.diagnostics.Diagnostics;
import dev.shortcut.processor.diagnostics.Message;
import dev.shortcut.processor.model.Declarations.NetworkDecl;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The processor's stages run in plain Java: declarations in, files and diagnostics out, no javac. */
class PipelineTest {

  private static Pipeline.Declaration read(NetworkDecl decl) {
    return new Pipeline.Declaration(decl, new Diagnostics());
  }

  private static List<String> names(Pipeline.Result result) {
    return result.outputs().stream().flatMap(o -> o.files().stream()).map(f -> f.typeSpec().name()).toList();
  }

  @Test
  void aDeclarationGeneratesEachVariantAndItsFamily() {
    Pipeline pipeline = new Pipeline(false, name -> false, decl -> {});
    Pipeline.Result result = pipeline.run(List.of(read(
        lecture(denseBlock(Shortcut.AUTO, 64, 64), List.of(2, 4), List.of(Variant.RESIDUAL, Variant.PLAIN), 10))),
        List.of());
    assertEquals(List.of(), result.diagnostics());
    assertEquals(List.of("ResidualLecture6", "ResidualLecture10", "PlainLecture6", "PlainLecture10",
        "LectureFamily"), names(result));
    JavaFile first = result.outputs().get(0).files().get(0);
    assertEquals("m", first.packageName());
    assertTrue(first.toString().contains("private void body_1Forward(int batch)"), "blocks become methods");
  }

  @Test
  void aSecondDeclarationOfTheSameNameIsRefusedAndTheFirstIsKept() {
    Pipeline pipeline = new Pipeline(false, name -> false, decl -> {});
    NetworkDecl once = lecture(denseBlock(Shortcut.AUTO, 64, 64), List.of(2), List.of(Variant.RESIDUAL), 10);
    Pipeline.Result first = pipeline.run(List.of(read(once)), List.of());
    // One depth: the class names carry no depth.
    assertEquals(List.of("ResidualLecture", "LectureFamily"), names(first));
    // A later round (or another declaration of this one) that would generate the same class.
    Pipeline.Result again = pipeline.run(List.of(read(once)), List.of());
    assertEquals(List.of(), names(again));
    assertEquals(1, again.diagnostics().size());
    Diagnostics.Diagnostic d = again.diagnostics().get(0);
    assertEquals(Message.DUPLICATE_CLASS, d.message());
    assertTrue(d.text().contains("m.ResidualLecture"), d.text());
  }

  @Test
  void aClassAlreadyInTheSourcesIsNotOverwritten() {
    Pipeline pipeline = new Pipeline(false, name -> name.equals("m.CifarFamily"), decl -> {});
    Pipeline.Result result = pipeline.run(List.of(read(cifar(List.of(3), Shortcut.ZERO_PAD))), List.of());
    assertEquals(List.of(), names(result));
    assertEquals(Message.EXISTING_CLASS, result.diagnostics().get(0).message());
  }

  @Test
  void anExceptionInOneDeclarationBecomesAnInternalErrorAndStopsNoOther() {
    Pipeline pipeline = new Pipeline(false, name -> false, decl -> {
      if (decl.baseName().equals("Lecture")) {
        throw new IllegalStateException("injected");
      }
    });
    Pipeline.Result result = pipeline.run(List.of(
        read(lecture(denseBlock(Shortcut.AUTO, 64, 64), List.of(2), List.of(Variant.RESIDUAL), 10)),
        read(cifar(List.of(3), Shortcut.ZERO_PAD))), List.of());
    assertEquals(Message.INTERNAL_ERROR, result.diagnostics().get(0).message());
    assertTrue(result.diagnostics().get(0).text().contains("injected"));
    assertEquals(List.of("ResidualCifar", "PlainCifar", "CifarFamily"), names(result));
  }
}
