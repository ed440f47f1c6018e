package dev.shortcut.runtime.sweep;

import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.NetworkVariant;
import dev.shortcut.runtime.kernel.Kernels;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A network of a sweep, named by its generated class, so that any JVM with the class on its class
 * path (a Spark executor, a batch job) can build it: the processor gives every generated network
 * a public {@code (int maxBatch, long seed, Kernels kernels)} constructor.
 *
 * @param className fully qualified name of the generated class
 * @param variant {@code "residual"} or {@code "plain"}, as {@link NetworkVariant#variantName()}
 * @param layers number of weight layers
 */
public record NetworkSpec(String className, String variant, int layers) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Checks the fields. */
  public NetworkSpec {
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(variant, "variant");
    if (layers < 1) {
      throw new IllegalArgumentException("a network has at least one layer, got " + layers + " for " + className);
    }
  }

  /** The spec of {@code variant}, a member of the generated family class {@code family}. */
  public static NetworkSpec of(Class<?> family, NetworkVariant<?> variant) {
    return new NetworkSpec(family.getPackageName() + "." + variant.className(), variant.variantName(),
        variant.layers());
  }

  /** The specs of every variant in {@code variants} (what {@code <Name>Family.variants()} returns). */
  public static List<NetworkSpec> family(Class<?> family, List<? extends NetworkVariant<?>> variants) {
    List<NetworkSpec> specs = new ArrayList<>();
    for (NetworkVariant<?> v : variants) {
      specs.add(of(family, v));
    }
    return List.copyOf(specs);
  }

  /** Whether this is the residual variant. */
  public boolean residual() {
    return variant.equals("residual");
  }

  /**
   * Builds the network with buffers for {@code maxBatch} rows, initialized from {@code seed},
   * loading its class through the thread's context class loader (Spark's for the application jar).
   *
   * @throws IllegalStateException when the class is missing or is not a generated network
   */
  public Network create(int maxBatch, long seed, Kernels kernels) {
    Constructor<?> constructor = constructor();
    try {
      return (Network) constructor.newInstance(maxBatch, seed, kernels);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("building " + className + " failed: " + cause, cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + className + ": " + e, e);
    }
  }

  private Constructor<?> constructor() {
    Class<?> type;
    try {
      type = Class.forName(className, true, classLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("network class " + className + " is not on the class path of this JVM: "
          + "on Spark, the application jar must contain the generated classes (package the project that "
          + "declares the network, with the Shortcut processor, and pass that jar to spark-submit)", e);
    }
    if (!Network.class.isAssignableFrom(type)) {
      throw new IllegalStateException(className + " is not a Shortcut network (it does not implement "
          + Network.class.getName() + ")");
    }
    try {
      return type.getConstructor(int.class, long.class, Kernels.class);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(className + " has no public (int maxBatch, long seed, Kernels kernels) "
          + "constructor: name a class the Shortcut processor generated", e);
    }
  }

  private static ClassLoader classLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : NetworkSpec.class.getClassLoader();
  }
}
