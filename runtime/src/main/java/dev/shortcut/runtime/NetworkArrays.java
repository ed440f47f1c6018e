package dev.shortcut.runtime;

import dev.shortcut.annotations.Precision;
import java.util.Objects;

/**
 * A network's arrays without their element type, chosen once per network: the one place that
 * asks whether a network is a {@link FloatNetwork} or a {@link DoubleNetwork}. Every array is the
 * network's own storage, so writes through a view change the network.
 */
public record NetworkArrays(
    Network network, Values parameters, Values gradients, Values buffers, Values input, Values output,
    Values outputGradient) {

  /** The views of {@code network}'s arrays. */
  public static NetworkArrays of(Network network) {
    Objects.requireNonNull(network, "network");
    if (network instanceof FloatNetwork f) {
      return new NetworkArrays(f, Values.of(f.parameters()), Values.of(f.gradients()), Values.of(f.buffers()),
          Values.of(f.input()), Values.of(f.output()), Values.of(f.outputGradient()));
    }
    if (network instanceof DoubleNetwork d) {
      return new NetworkArrays(d, Values.of(d.parameters()), Values.of(d.gradients()), Values.of(d.buffers()),
          Values.of(d.input()), Values.of(d.output()), Values.of(d.outputGradient()));
    }
    throw new IllegalArgumentException("network " + network.name() + " (" + network.getClass().getName()
        + ") is neither a FloatNetwork nor a DoubleNetwork");
  }

  /** The element type. */
  public Precision precision() {
    return parameters.precision();
  }

  /** Counts of training batches per batch normalization, {@link Network#batchCounts()}. */
  public long[] batchCounts() {
    return network.batchCounts();
  }
}
