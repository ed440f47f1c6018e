package dev.shortcut.runtime.predict;

import dev.shortcut.annotations.Loss;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.NetworkArrays;
import dev.shortcut.runtime.Values;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.Preprocessing;
import dev.shortcut.runtime.report.ClassificationReport;
import dev.shortcut.runtime.report.RegressionReport;
import java.util.List;
import java.util.Objects;

/**
 * Predictions of a trained network, as Keras's {@code model.predict} and DJL's {@code Predictor}
 * give them: for one sample or any number, as the network's outputs (a classifier's logits, a
 * regressor's values), class probabilities, classes, top-k classes or class names.
 *
 * <pre>{@code
 * Predictor predictor = Predictor.of(net);
 * int digit = predictor.classOf(image);                      // one sample
 * predictor.probabilities(rows, count, probabilities);      // many: into your array, no allocation
 * ClassificationReport report = predictor.classificationReport(test, 3);
 * }</pre>
 *
 * <p>Samples are rows of raw features, row-major, as a {@link Dataset} holds them. Any number of
 * rows is fed through the network in chunks of its {@code maxBatch}, in evaluation mode (batch
 * normalization uses its running statistics); the network's mode is restored after every call.
 * With a {@link Preprocessing}, each row is standardized as the training data was, and a
 * regressor's outputs are mapped back to the targets' units; its class names name the classes.
 *
 * <p>The methods that write into an array of yours allocate nothing, after the JIT has compiled
 * them; those that return a new array allocate only it. A double-precision network computes in
 * double and its outputs are rounded to float; its classes are taken from the unrounded outputs.
 * Not thread-safe: it drives one network, whose buffers it uses.
 */
public final class Predictor {
  private final Network net;
  private final Preprocessing preprocessing;
  private final Values input;
  private final Values output;
  private final int inputs;
  private final int outputs;
  private final int maxBatch;
  private final float[] featureMean;
  private final float[] featureStd;
  private final Dataset.Standardization targets;
  private final boolean classifier;

  private Predictor(Network net, Preprocessing preprocessing) {
    this.net = Objects.requireNonNull(net, "net");
    this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
    NetworkArrays arrays = NetworkArrays.of(net);
    this.input = arrays.input();
    this.output = arrays.output();
    this.inputs = net.architecture().inputs();
    this.outputs = net.architecture().outputs();
    this.maxBatch = net.maxBatch();
    this.classifier = net.architecture().loss() == Loss.SOFTMAX_CROSS_ENTROPY;
    Dataset.Standardization f = preprocessing.featureStandardization().orElse(null);
    if (f != null && f.width() != inputs) {
      throw new IllegalArgumentException("the preprocessing standardizes " + f.width() + " features, but "
          + net.name() + " takes " + inputs);
    }
    this.featureMean = f == null ? null : f.mean();
    this.featureStd = f == null ? null : f.std();
    Dataset.Standardization t = preprocessing.targetStandardization().orElse(null);
    this.targets = t;
    if (t != null && (classifier || t.width() != outputs)) {
      throw new IllegalArgumentException("the preprocessing standardizes " + t.width() + " targets, but " + net.name()
          + (classifier ? " is a classifier" : " has " + outputs + " outputs"));
    }
    List<String> names = preprocessing.classNames();
    if (!names.isEmpty() && (!classifier || names.size() != outputs)) {
      throw new IllegalArgumentException("the preprocessing names " + names.size() + " classes, but " + net.name()
          + (classifier ? " has " + outputs : " is not a classifier"));
    }
  }

  /** Predicts with {@code net} from features as they are. */
  public static Predictor of(Network net) {
    return new Predictor(net, Preprocessing.none());
  }

  /**
   * Predicts with {@code net} from raw features, preprocessed as the training data was (see
   * {@link Preprocessing#fromMetadata} for a loaded checkpoint's).
   *
   * @throws IllegalArgumentException when the preprocessing does not fit the network's widths
   */
  public static Predictor of(Network net, Preprocessing preprocessing) {
    return new Predictor(net, preprocessing);
  }

  /** The network it drives. */
  public Network network() {
    return net;
  }

  /** Features per sample. */
  public int inputs() {
    return inputs;
  }

  /** Outputs per sample (classes, for a classifier). */
  public int outputs() {
    return outputs;
  }

  // ---- one sample: a new result each call

  /** The network's outputs for one sample: a classifier's logits, a regressor's values (in the targets' units). */
  public float[] outputs(float[] sample) {
    float[] into = new float[outputs];
    outputs(one(sample), 1, into);
    return into;
  }

  /** The class probabilities (softmax of the logits) of one sample. */
  public float[] probabilities(float[] sample) {
    float[] into = new float[outputs];
    probabilities(one(sample), 1, into);
    return into;
  }

  /** The most likely class of one sample (the first of equal logits). */
  public int classOf(float[] sample) {
    int[] into = new int[1];
    classes(one(sample), 1, into);
    return into[0];
  }

  /** The name of the most likely class of one sample (needs class names, from the preprocessing). */
  public String labelOf(float[] sample) {
    return className(classOf(sample));
  }

  private float[] one(float[] sample) {
    if (sample.length != inputs) {
      throw new IllegalArgumentException("a sample of " + net.name() + " has " + inputs + " features, got "
          + sample.length);
    }
    return sample;
  }

  // ---- many samples into arrays of the caller: allocation-free

  /**
   * The outputs of {@code count} rows, row-major in {@code rows}, into {@code into[0 ..
   * count·outputs())}: logits, or a regressor's values in the targets' units.
   */
  public void outputs(float[] rows, int count, float[] into) {
    check(rows, count, into.length, outputs, "outputs");
    run(rows, count, into, Kind.OUTPUTS, null, 0);
  }

  /** The class probabilities of {@code count} rows into {@code into[0 .. count·outputs())}. */
  public void probabilities(float[] rows, int count, float[] into) {
    requireClassifier("probabilities");
    check(rows, count, into.length, outputs, "probabilities");
    run(rows, count, into, Kind.PROBABILITIES, null, 0);
  }

  /** The most likely class of each of {@code count} rows into {@code into[0 .. count)}. */
  public void classes(float[] rows, int count, int[] into) {
    requireClassifier("classes");
    check(rows, count, into.length, 1, "classes");
    run(rows, count, null, Kind.TOP_K, into, 1);
  }

  /**
   * The {@code k} most likely classes of each of {@code count} rows, most likely first, into
   * {@code into[0 .. count·k)}.
   */
  public void topK(float[] rows, int count, int k, int[] into) {
    requireClassifier("topK");
    if (k < 1 || k > outputs) {
      throw new IllegalArgumentException("k must lie in [1, " + outputs + "] (the classes), got " + k);
    }
    check(rows, count, into.length, k, "top-k classes");
    run(rows, count, null, Kind.TOP_K, into, k);
  }

  // ---- datasets

  /** The outputs of every sample of {@code data}, row-major. */
  public float[] outputs(Dataset data) {
    float[] into = new float[Math.multiplyExact(fits(data).size(), outputs)];
    outputs(data.features(), data.size(), into);
    return into;
  }

  /** The class probabilities of every sample of {@code data}, row-major. */
  public float[] probabilities(Dataset data) {
    float[] into = new float[Math.multiplyExact(fits(data).size(), outputs)];
    probabilities(data.features(), data.size(), into);
    return into;
  }

  /** The most likely class of every sample of {@code data}. */
  public int[] classes(Dataset data) {
    int[] into = new int[fits(data).size()];
    classes(data.features(), data.size(), into);
    return into;
  }

  /** The name of the most likely class of every sample of {@code data} (needs class names). */
  public String[] labels(Dataset data) {
    int[] classes = classes(data);
    String[] names = new String[classes.length];
    for (int i = 0; i < classes.length; i++) {
      names[i] = className(classes[i]);
    }
    return names;
  }

  /**
   * Confusion matrix, per-class precision, recall and accuracy, and top-{@code k} accuracy of a
   * classifier on {@code data}, whose labels are the truth.
   */
  public ClassificationReport classificationReport(Dataset data, int k) {
    requireClassifier("a classification report");
    if (!fits(data).isClassification()) {
      throw new IllegalArgumentException(data.name() + " has targets, not class labels");
    }
    List<String> names = preprocessing.classNames().isEmpty() ? data.classNames() : preprocessing.classNames();
    return ClassificationReport.of(outputs(data), data.labels(), outputs, names, k);
  }

  /** MSE, MAE and R² of a regressor on {@code data} (raw targets: in the targets' units). */
  public RegressionReport regressionReport(Dataset data) {
    if (classifier) {
      throw new IllegalArgumentException(net.name() + " is a classifier: ask for a classification report");
    }
    if (fits(data).isClassification()) {
      throw new IllegalArgumentException(data.name() + " has class labels, not targets");
    }
    return RegressionReport.of(outputs(data), data.targets(), outputs);
  }

  private Dataset fits(Dataset data) {
    if (data.width() != inputs) {
      throw new IllegalArgumentException(data.name() + " has " + data.width() + " features, but " + net.name()
          + " takes " + inputs);
    }
    return data;
  }

  private String className(int c) {
    List<String> names = preprocessing.classNames();
    if (names.isEmpty()) {
      throw new IllegalStateException(net.name() + "'s classes have no names: predict with a Preprocessing "
          + "that holds them (Preprocessing.fit on a set with class names, or fromMetadata of its checkpoint)");
    }
    return names.get(c);
  }

  private void requireClassifier(String what) {
    if (!classifier) {
      throw new IllegalStateException(net.name() + " is trained with " + net.architecture().loss() + ", not as a "
          + "classifier: " + what + " need class scores; use outputs");
    }
  }

  private void check(float[] rows, int count, int intoLength, int perRow, String what) {
    if (count < 0 || (long) count * inputs > rows.length) {
      throw new IllegalArgumentException(count + " rows of " + inputs + " features need " + (long) count * inputs
          + " values, the array holds " + rows.length);
    }
    if ((long) count * perRow > intoLength) {
      throw new IllegalArgumentException(count + " rows' " + what + " need " + (long) count * perRow
          + " values, the array holds " + intoLength);
    }
  }

  private enum Kind { OUTPUTS, PROBABILITIES, TOP_K }

  /** Feeds {@code count} rows through the network in chunks, in evaluation mode, writing each chunk's result. */
  private void run(float[] rows, int count, float[] floats, Kind kind, int[] ints, int k) {
    boolean wasTraining = net.isTraining();
    net.setTraining(false);
    try {
      for (int start = 0; start < count; start += maxBatch) {
        int b = Math.min(maxBatch, count - start);
        load(rows, start, b);
        net.forward(b);
        checkOutputs(start, b);
        switch (kind) {
          case OUTPUTS -> copyOutputs(start, b, floats);
          case PROBABILITIES -> softmax(start, b, floats);
          case TOP_K -> topK(start, b, ints, k);
        }
      }
    } finally {
      net.setTraining(wasTraining);
    }
  }

  /** Copies rows {@code [start, start+b)} into the input, standardized in float as the training data was. */
  private void load(float[] rows, int start, int b) {
    int base = start * inputs;
    int n = b * inputs;
    for (int i = 0; i < n; i++) {
      float x = rows[base + i];
      if (!Float.isFinite(x)) {
        throw new IllegalArgumentException("feature " + i % inputs + " of sample " + (start + i / inputs) + " is " + x
            + "; a network predicts from finite numbers only");
      }
      if (featureMean != null) {
        int j = i % inputs;
        x = (x - featureMean[j]) / featureStd[j];
      }
      input.set(i, x);
    }
  }

  private void checkOutputs(int start, int b) {
    int bad = output.firstNonFinite(0, b * outputs);
    if (bad >= 0) {
      String layer = "";
      try {
        int at = net.firstNonFiniteLayer(b);
        layer = at >= 0 ? " (first in layer " + net.architecture().layers().get(at).name() + ")" : "";
      } catch (UnsupportedOperationException e) {
        // the network cannot say where; the sample is named all the same
      }
      throw new IllegalStateException(net.name() + " computes " + output.get(bad) + " for sample "
          + (start + bad / outputs) + layer + " from finite features: its parameters are broken");
    }
  }

  private void copyOutputs(int start, int b, float[] into) {
    int base = start * outputs;
    int n = b * outputs;
    for (int i = 0; i < n; i++) {
      into[base + i] = (float) output.get(i);
    }
    if (targets != null) {
      targets.invert(into, base, b);
    }
  }

  /** Softmax per row, in double, shifted by the row's maximum. */
  private void softmax(int start, int b, float[] into) {
    for (int r = 0; r < b; r++) {
      int row = r * outputs;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < outputs; j++) {
        max = Math.max(max, output.get(row + j));
      }
      double sum = 0;
      for (int j = 0; j < outputs; j++) {
        sum += Math.exp(output.get(row + j) - max);
      }
      int out = (start + r) * outputs;
      for (int j = 0; j < outputs; j++) {
        into[out + j] = (float) (Math.exp(output.get(row + j) - max) / sum);
      }
    }
  }

  /** The {@code k} largest outputs of each row, by index, largest first; the first of equal ones wins. */
  private void topK(int start, int b, int[] into, int k) {
    for (int r = 0; r < b; r++) {
      int row = r * outputs;
      int out = (start + r) * k;
      for (int rank = 0; rank < k; rank++) {
        int best = -1;
        for (int j = 0; j < outputs; j++) {
          if (!taken(into, out, rank, j) && (best < 0 || output.get(row + j) > output.get(row + best))) {
            best = j;
          }
        }
        into[out + rank] = best;
      }
    }
  }

  private static boolean taken(int[] into, int from, int count, int j) {
    for (int i = 0; i < count; i++) {
      if (into[from + i] == j) {
        return true;
      }
    }
    return false;
  }
}
