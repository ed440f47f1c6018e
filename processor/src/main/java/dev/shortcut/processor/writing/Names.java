package dev.shortcut.processor.writing;

import com.palantir.javapoet.ClassName;

/** The runtime types generated code refers to, by name: the processor does not link against them. */
final class Names {
  private Names() {}

  static final String ANNOTATIONS = "dev.shortcut.annotations";
  static final String RUNTIME = "dev.shortcut.runtime";

  static final ClassName ACTIVATION = ClassName.get(ANNOTATIONS, "Activation");
  static final ClassName INIT = ClassName.get(ANNOTATIONS, "Init");
  static final ClassName LOSS = ClassName.get(ANNOTATIONS, "Loss");
  static final ClassName PRECISION = ClassName.get(ANNOTATIONS, "Precision");
  static final ClassName ARCHITECTURE = ClassName.get(RUNTIME, "Architecture");
  static final ClassName ARCHITECTURE_BUILDER = ARCHITECTURE.nestedClass("Builder");
  static final ClassName SHORTCUT_KIND = ClassName.get(RUNTIME, "ShortcutKind");
  static final ClassName FLOAT_NETWORK = ClassName.get(RUNTIME, "FloatNetwork");
  static final ClassName DOUBLE_NETWORK = ClassName.get(RUNTIME, "DoubleNetwork");
  static final ClassName NETWORK_VARIANT = ClassName.get(RUNTIME, "NetworkVariant");
  static final ClassName KERNELS = ClassName.get(RUNTIME + ".kernel", "Kernels");
  static final ClassName INITIALIZATION = ClassName.get(RUNTIME + ".init", "Initialization");
  static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
  static final String PROCESSOR = "dev.shortcut.processor.ShortcutProcessor";

  /** {@code body.3.fc1} → {@code body[3].fc1}. */
  static String display(String path) {
    return path.replaceAll("\\.(\\d+)(?=\\.|$)", "[$1]");
  }
}
