package dev.shortcut.runtime.sweep;

import java.io.Serializable;
import java.lang.ref.SoftReference;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Data that every cell of a sweep reads (a training set), held by a {@link CellTrainer}: the JVM
 * that built the sweep passes the value it has; a JVM that receives the trainer (a Spark executor)
 * loads it with the loader, once, and its later cells share that copy. Within one JVM, values are
 * found by key, so a local Spark executor reads the driver's copy instead of loading another.
 *
 * <p>The key names the content: two values under one key are taken to be the same data (use the
 * data set's name and file path, say). A value loaded here stays while memory allows (soft
 * reference) and is loaded again if it was reclaimed.
 *
 * @param <T> the data's type, which need not be serializable
 */
public final class SharedData<T> implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ConcurrentHashMap<String, SoftReference<Object>> IN_THIS_JVM = new ConcurrentHashMap<>();

  /**
   * Loads the data on a machine that does not have it: from a path that exists there, or by
   * computing it. Serializable: a lambda that captures only serializable values.
   *
   * @param <T> the data's type
   */
  @FunctionalInterface
  public interface Loader<T> extends Serializable {
    /** Loads the data; called at most once per JVM while the value stays in memory. */
    T load() throws Exception;
  }

  private final String key;
  private final Loader<T> loader;
  private transient volatile T value;

  private SharedData(String key, T value, Loader<T> loader) {
    this.key = Objects.requireNonNull(key, "key");
    this.loader = Objects.requireNonNull(loader, "loader");
    this.value = value;
    if (value != null) {
      IN_THIS_JVM.put(key, new SoftReference<>(value));
    }
  }

  /** Data already loaded here as {@code value}; other JVMs load theirs with {@code loader}. */
  public static <T> SharedData<T> of(String key, T value, Loader<T> loader) {
    return new SharedData<>(key, Objects.requireNonNull(value, "value"), loader);
  }

  /** Data that every JVM, this one included, loads with {@code loader} when a cell first needs it. */
  public static <T> SharedData<T> lazy(String key, Loader<T> loader) {
    return new SharedData<>(key, null, loader);
  }

  /** The key. */
  public String key() {
    return key;
  }

  /**
   * The data: the value this JVM has under the key, or the loader's.
   *
   * @throws IllegalStateException when the loader fails, naming the key and the cause
   */
  @SuppressWarnings("unchecked")
  public T get() {
    T v = value;
    if (v != null) {
      return v;
    }
    synchronized (IN_THIS_JVM) { // one load per JVM, however many cells ask at once
      SoftReference<Object> ref = IN_THIS_JVM.get(key);
      v = ref == null ? null : (T) ref.get();
      if (v == null) {
        try {
          v = Objects.requireNonNull(loader.load(), "the loader of " + key + " returned null");
        } catch (RuntimeException e) {
          throw new IllegalStateException("cannot load the sweep's data '" + key + "': " + e.getMessage(), e);
        } catch (Exception e) {
          throw new IllegalStateException("cannot load the sweep's data '" + key + "': " + e, e);
        }
        IN_THIS_JVM.put(key, new SoftReference<>(v));
      }
    }
    value = v;
    return v;
  }
}
