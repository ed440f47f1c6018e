package dev.shortcut.examples.paper;

import dev.shortcut.annotations.BatchNorm;
import dev.shortcut.annotations.Conv;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.ResidualBlock;

// tag::block[]
/**
 * The paper's building block for CIFAR-10: two 3×3 convolutions, each batch-normalized, the ReLU
 * of the second after the shortcut joins, {@code a[l+2] = relu(BN(W[l+2] * a[l+1]) + a[l])}. The
 * stack says how many filters, and the stride of its first block; across a change of shape the
 * network's {@code reshape} kind applies (option A for the paper's CIFAR networks).
 */
@ResidualBlock
public class BasicBlock {
  @Conv(kernel = 3, stride = Conv.STACK)
  Layer conv1;

  @BatchNorm
  Layer bn1;

  @Conv(kernel = 3)
  Layer conv2;

  @BatchNorm
  Layer bn2;
}
// end::block[]
