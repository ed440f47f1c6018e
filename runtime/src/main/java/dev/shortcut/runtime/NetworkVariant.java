package dev.shortcut.runtime;

import java.util.function.IntFunction;

/**
 * One member of a generated family: a depth and a variant of the same declaration, with a way to
 * build it.
 *
 * @param className simple name of the generated class
 * @param layers number of weight layers
 * @param residual {@code false} for the plain twin
 * @param factory builds the network for a maximum batch, initialized with the default seed
 */
public record NetworkVariant(
    String className, int layers, boolean residual, IntFunction<? extends Network> factory) {

  /** Builds the network with buffers for {@code maxBatch} rows. */
  public Network create(int maxBatch) {
    return factory.apply(maxBatch);
  }

  /** {@code "residual"} or {@code "plain"}. */
  public String variantName() {
    return residual ? "residual" : "plain";
  }
}
