package dev.shortcut.runtime;

import dev.shortcut.annotations.Precision;
import java.util.Arrays;

/**
 * One of a network's arrays (parameters, gradients, buffers, optimizer state, ...), float or
 * double, seen through one interface: the precision seam. Code that is not on the hot path
 * (checkpoints, initialization, diagnostics, clipping, norms) reads and writes through it once
 * instead of branching on the element type; kernels and the training step keep the typed arrays.
 * Values pass as {@code double}, which holds every float exactly, and are rounded to float when
 * written into a float array.
 */
public sealed interface Values permits Values.Floats, Values.Doubles {

  /** A view of {@code array}. */
  static Values of(float[] array) {
    return new Floats(array);
  }

  /** A view of {@code array}. */
  static Values of(double[] array) {
    return new Doubles(array);
  }

  /** The element type. */
  Precision precision();

  /** Number of elements. */
  int length();

  /** Element {@code i}. */
  double get(int i);

  /** Sets element {@code i} (rounded to float in a float array). */
  void set(int i, double value);

  /** The index of the first NaN or infinity in {@code [from, to)}, or -1. */
  int firstNonFinite(int from, int to);

  /** {@code Σ x²} over {@code [from, to)}, accumulated in double. */
  double sumOfSquares(int from, int to);

  /** Multiplies every element by {@code factor}, rounded to the element type first (so floats stay in float). */
  void scale(double factor);

  /** Sets {@code [from, to)} to {@code value}. */
  void fill(int from, int to, double value);

  /** A copy of the whole array, e.g. a snapshot of the best weights. */
  Values copy();

  /** Overwrites this array with {@code source}, which has the same type and length. */
  void copyFrom(Values source);

  /** A float array. */
  record Floats(float[] array) implements Values {
    @Override
    public Precision precision() {
      return Precision.FLOAT;
    }

    @Override
    public int length() {
      return array.length;
    }

    @Override
    public double get(int i) {
      return array[i];
    }

    @Override
    public void set(int i, double value) {
      array[i] = (float) value;
    }

    @Override
    public int firstNonFinite(int from, int to) {
      for (int i = from; i < to; i++) {
        if (!Float.isFinite(array[i])) {
          return i;
        }
      }
      return -1;
    }

    @Override
    public double sumOfSquares(int from, int to) {
      double sum = 0;
      for (int i = from; i < to; i++) {
        sum += (double) array[i] * array[i];
      }
      return sum;
    }

    @Override
    public void scale(double factor) {
      float f = (float) factor;
      for (int i = 0; i < array.length; i++) {
        array[i] *= f;
      }
    }

    @Override
    public void fill(int from, int to, double value) {
      Arrays.fill(array, from, to, (float) value);
    }

    @Override
    public Values copy() {
      return new Floats(array.clone());
    }

    @Override
    public void copyFrom(Values source) {
      float[] from = ((Floats) source).array;
      if (from.length != array.length) {
        throw new IllegalArgumentException("copying " + from.length + " values into " + array.length);
      }
      System.arraycopy(from, 0, array, 0, array.length);
    }
  }

  /** A double array. */
  record Doubles(double[] array) implements Values {
    @Override
    public Precision precision() {
      return Precision.DOUBLE;
    }

    @Override
    public int length() {
      return array.length;
    }

    @Override
    public double get(int i) {
      return array[i];
    }

    @Override
    public void set(int i, double value) {
      array[i] = value;
    }

    @Override
    public int firstNonFinite(int from, int to) {
      for (int i = from; i < to; i++) {
        if (!Double.isFinite(array[i])) {
          return i;
        }
      }
      return -1;
    }

    @Override
    public double sumOfSquares(int from, int to) {
      double sum = 0;
      for (int i = from; i < to; i++) {
        sum += array[i] * array[i];
      }
      return sum;
    }

    @Override
    public void scale(double factor) {
      for (int i = 0; i < array.length; i++) {
        array[i] *= factor;
      }
    }

    @Override
    public void fill(int from, int to, double value) {
      Arrays.fill(array, from, to, value);
    }

    @Override
    public Values copy() {
      return new Doubles(array.clone());
    }

    @Override
    public void copyFrom(Values source) {
      double[] from = ((Doubles) source).array;
      if (from.length != array.length) {
        throw new IllegalArgumentException("copying " + from.length + " values into " + array.length);
      }
      System.arraycopy(from, 0, array, 0, array.length);
    }
  }
}
