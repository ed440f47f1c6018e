package dev.shortcut.processor;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Init;
import dev.shortcut.annotations.Loss;
import dev.shortcut.annotations.Precision;
import dev.shortcut.annotations.Shortcut;
import dev.shortcut.annotations.Variant;
import dev.shortcut.processor.diagnostics.Origin;
import dev.shortcut.processor.model.Declarations.BlockDecl;
import dev.shortcut.processor.model.Declarations.DenseDecl;
import dev.shortcut.processor.model.Declarations.Member;
import dev.shortcut.processor.model.Declarations.NetworkDecl;
import dev.shortcut.processor.model.Declarations.StackDecl;
import java.util.List;

/** Declarations written as plain data, for tests of the stages after reading. */
final class TestDeclarations {
  static final Origin O = Origin.NOWHERE;

  private TestDeclarations() {}

  static DenseDecl dense(String name, int units, Activation activation) {
    return new DenseDecl(name, units, activation, Init.AUTO, O, O, O);
  }

  static BlockDecl block(String qualifiedName, Shortcut shortcut, Member... members) {
    String simple = qualifiedName.substring(qualifiedName.lastIndexOf('.') + 1);
    return new BlockDecl(qualifiedName, simple, shortcut, Shortcut.AUTO, "shortcut", true, List.of(members), true, O, O,
        O);
  }

  static StackDecl stack(String name, BlockDecl block, int... repeats) {
    return new StackDecl(name, block, java.util.Arrays.stream(repeats).boxed().toList(), 0, 1, O, O, O, O);
  }

  static NetworkDecl network(String packageName, String name, int inputs, int outputs, Precision precision,
      List<Variant> variants, Member... members) {
    return new NetworkDecl(packageName, packageName + "." + name, name, name, inputs, 0, 0, 0, outputs, Loss.SOFTMAX_CROSS_ENTROPY, precision,
        variants, Shortcut.PROJECTION, List.of(members), true, O,
        new NetworkDecl.Origins(O, O, O, O, O, O, O, O, O));
  }
}
