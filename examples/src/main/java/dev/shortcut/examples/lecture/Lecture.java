package dev.shortcut.examples.lecture;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.Stack;
import dev.shortcut.annotations.Variant;

// tag::network[]
/**
 * The lecture's family: a dense stem, a stack of two-layer residual blocks and a dense head, for
 * 28×28 images in 10 classes. One declaration compiles into 12 networks: the residual network and
 * its plain twin at 6, 10, 20, 34, 56 and 110 layers ({@code ResidualLecture56},
 * {@code PlainLecture56}, …), listed by {@code LectureFamily.variants()}.
 */
@Network(
    inputs = 784,
    outputs = 10,
    variants = {Variant.RESIDUAL, Variant.PLAIN})
public class Lecture {
  @Dense(units = 64)
  Layer stem;

  @Stack(repeat = {2, 4, 9, 16, 27, 54})
  TwoLayerBlock body;

  @Dense(units = 10, activation = Activation.NONE)
  Layer head;
}
// end::network[]
