package dev.shortcut.processor.writing;

import com.palantir.javapoet.AnnotationSpec;
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
  static final ClassName INPUT_GRADIENT = ClassName.get(RUNTIME + ".kernel", "InputGradient");
  static final ClassName CONV_SHAPE = ClassName.get(RUNTIME + ".kernel", "ConvShape");
  static final ClassName POOL_SHAPE = ClassName.get(RUNTIME + ".kernel", "PoolShape");
  static final ClassName ZERO_PAD_SHORTCUT = ClassName.get(RUNTIME + ".kernel", "ZeroPadShortcut");
  static final ClassName SHAPE = ClassName.get(RUNTIME, "Shape");
  static final ClassName DENSE_LAYER = ARCHITECTURE.nestedClass("DenseLayer");
  static final ClassName CONV_LAYER = ARCHITECTURE.nestedClass("ConvLayer");
  static final ClassName BATCH_NORM_LAYER = ARCHITECTURE.nestedClass("BatchNormLayer");
  static final ClassName POOLING = ARCHITECTURE.nestedClass("Pooling");
  static final ClassName INITIALIZATION = ClassName.get(RUNTIME + ".init", "Initialization");
  static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
  static final String PROCESSOR = "dev.shortcut.processor.ShortcutProcessor";

  /** {@code @Generated("dev.shortcut.processor.ShortcutProcessor")}. */
  static AnnotationSpec generated() {
    return AnnotationSpec.builder(GENERATED).addMember("value", "$S", PROCESSOR).build();
  }

}
