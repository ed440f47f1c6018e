package dev.shortcut.examples.lecture;

import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.ResidualBlock;

// tag::block[]
/**
 * The lecture's residual block: {@code a[l+2] = relu(W[l+2] relu(W[l+1] a[l] + b[l+1]) + b[l+2] +
 * a[l])}. Both layers keep the width, so the shortcut is the identity.
 */
@ResidualBlock
public class TwoLayerBlock {
  @Dense(units = 64)
  Layer fc1;

  @Dense(units = 64)
  Layer fc2;
}
// end::block[]
