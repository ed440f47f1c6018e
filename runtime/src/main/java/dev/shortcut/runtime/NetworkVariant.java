package dev.shortcut.runtime;

import dev.shortcut.runtime.kernel.Kernels;

/**
 * One member of a generated family: a depth and a variant of the same declaration, with a way to
 * build it. The type parameter is the family's element type, {@link FloatNetwork} or {@link
 * DoubleNetwork} ({@code <Name>Family.variants()} returns {@code List<NetworkVariant<FloatNetwork>>}),
 * so {@link #create} needs no cast.
 *
 * @param <N> what {@link #create} returns
 * @param className simple name of the generated class
 * @param layers number of weight layers
 * @param residual {@code false} for the plain twin
 * @param factory the generated class's {@code (maxBatch, seed, kernels)} constructor
 */
public record NetworkVariant<N extends Network>(String className, int layers, boolean residual, Factory<N> factory) {

  /**
   * A generated constructor.
   *
   * @param <N> the network it builds
   */
  @FunctionalInterface
  public interface Factory<N extends Network> {
    /** Builds a network with buffers for {@code maxBatch} rows, initialized from {@code seed}. */
    N create(int maxBatch, long seed, Kernels kernels);
  }

  /** Builds the network for {@code maxBatch} rows from seed 0, on one thread. */
  public N create(int maxBatch) {
    return factory.create(maxBatch, 0L, Kernels.singleThreaded());
  }

  /** Builds the network for {@code maxBatch} rows from {@code seed}, on {@code kernels}. */
  public N create(int maxBatch, long seed, Kernels kernels) {
    return factory.create(maxBatch, seed, kernels);
  }

  /** {@code "residual"} or {@code "plain"}. */
  public String variantName() {
    return residual ? "residual" : "plain";
  }
}
