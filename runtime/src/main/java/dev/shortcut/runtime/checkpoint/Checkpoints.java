package dev.shortcut.runtime.checkpoint;

import dev.shortcut.annotations.Precision;
import dev.shortcut.runtime.DoubleNetwork;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.optim.Optimizer;
import dev.shortcut.runtime.train.EpochMetrics;
import dev.shortcut.runtime.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Saves and loads a network's parameters, and optionally its optimizer's state, as one
 * safetensors file. Parameter names and layouts are PyTorch's ({@code body.3.fc1.weight},
 * {@code [out, in]}), so {@code model.load_state_dict(safetensors.torch.load_file(f))} works
 * for the same architecture. Optimizer state goes under {@code optimizer.<state>.<parameter>}
 * with its step count in the metadata, so training resumes exactly.
 *
 * <p>A save never replaces a good checkpoint with a broken network: parameters or optimizer
 * state that hold a NaN or an infinity are refused, naming the tensor, and the file on disk is
 * left as it was. A load checks the whole file first and changes nothing unless all of it fits.
 */
public final class Checkpoints {
  static final String OPTIMIZER_PREFIX = "optimizer.";
  static final String STEPS_KEY = "optimizer.steps";

  private Checkpoints() {}

  /** Saves the parameters of {@code net} (atomically). */
  public static void save(Network net, Path file) throws IOException {
    save(net, null, file, Map.of());
  }

  /**
   * Saves parameters, the optimizer's state when given, and {@code extra} metadata.
   *
   * @throws CheckpointException when a parameter or a state value is not finite (nothing is
   *     written), or the file cannot be written (the previous file is unchanged)
   * @throws IllegalStateException when {@code optimizer} serves another network
   */
  public static void save(Network net, Optimizer optimizer, Path file, Map<String, String> extra) throws IOException {
    ParameterTable table = net.architecture().parameters();
    if (optimizer != null) {
      stateOf(net, optimizer); // refuses an optimizer that serves another network
    }
    String broken = firstNonFinite(net, -1, optimizer);
    for (int s = 0; broken == null && optimizer != null && s < optimizer.stateNames().size(); s++) {
      broken = firstNonFinite(net, s, optimizer);
    }
    if (broken != null) {
      throw new CheckpointException(file, "refusing to save " + net.name() + ": " + broken
          + "; the file is left as it was");
    }
    List<SafeTensors.Tensor> tensors = new ArrayList<>();
    for (ParameterTable.Parameter p : table.all()) {
      tensors.add(tensor(p.name(), p, values(net, -1, optimizer)));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", "shortcut");
    metadata.put("network", net.name());
    metadata.putAll(extra);
    if (optimizer != null) {
      metadata.put("optimizer", optimizer.name());
      metadata.put(STEPS_KEY, Long.toString(optimizer.steps()));
      for (int s = 0; s < optimizer.stateNames().size(); s++) {
        for (ParameterTable.Parameter p : table.all()) {
          tensors.add(tensor(stateName(optimizer, s, p), p, values(net, s, optimizer)));
        }
      }
    }
    SafeTensors.write(file, tensors, metadata);
  }

  /**
   * A listener that saves {@code net} (and {@code optimizer}, when not null) to {@code file}
   * after every epoch, with the epoch in the metadata ({@code "epoch"}), for
   * {@code resumeAfter}. The trainer never hands it a network broken by a NaN, and a save would
   * refuse one, so the last good checkpoint survives a run that diverges.
   */
  public static TrainingListener eachEpoch(Network net, Optimizer optimizer, Path file) {
    return new TrainingListener() {
      @Override
      public boolean onEpochEnd(EpochMetrics metrics) {
        try {
          save(net, optimizer, file, Map.of("epoch", Integer.toString(metrics.epoch())));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return true;
      }
    };
  }

  /** Loads parameters only; see {@link #load(Network, Optimizer, Path)}. */
  public static Map<String, String> load(Network net, Path file) throws CheckpointException {
    return load(net, null, file);
  }

  /**
   * Loads parameters (and the optimizer's state when given) after checking every name, shape,
   * dtype and value, and the optimizer's metadata. Every mismatch is reported by name in one
   * exception, and nothing is changed unless everything fits.
   *
   * @return the file's metadata
   * @throws IllegalStateException when {@code optimizer} serves another network (nothing changed)
   */
  public static Map<String, String> load(Network net, Optimizer optimizer, Path file) throws CheckpointException {
    SafeTensors.Contents contents = SafeTensors.read(file);
    Map<String, String> metadata = contents.metadata();
    ParameterTable table = net.architecture().parameters();
    String dtype = net.architecture().precision() == Precision.DOUBLE ? "F64" : "F32";
    Map<String, ParameterTable.Parameter> expected = new LinkedHashMap<>();
    for (ParameterTable.Parameter p : table.all()) {
      expected.put(p.name(), p);
    }
    long steps = 0;
    if (optimizer != null) {
      String saved = metadata.get("optimizer");
      if (saved == null) {
        throw new CheckpointException(file, "holds no optimizer state (it was saved without an optimizer): load "
            + "the parameters with Checkpoints.load(net, file) and train on with a fresh " + optimizer.name()
            + " optimizer");
      }
      if (!optimizer.name().equals(saved)) {
        throw new CheckpointException(file, "holds the state of a '" + saved + "' optimizer, not of '"
            + optimizer.name() + "'");
      }
      steps = steps(file, metadata.get(STEPS_KEY));
      for (int s = 0; s < optimizer.stateNames().size(); s++) {
        for (ParameterTable.Parameter p : table.all()) {
          expected.put(stateName(optimizer, s, p), p);
        }
      }
    }
    List<String> problems = new ArrayList<>();
    Set<String> unexpected = new LinkedHashSet<>(contents.tensors().keySet());
    for (Map.Entry<String, ParameterTable.Parameter> e : expected.entrySet()) {
      SafeTensors.Tensor t = contents.tensors().get(e.getKey());
      unexpected.remove(e.getKey());
      if (t == null) {
        problems.add("missing " + e.getKey());
        continue;
      }
      long[] shape = Arrays.stream(e.getValue().shape()).asLongStream().toArray();
      if (!Arrays.equals(shape, t.shape())) {
        problems.add(e.getKey() + " has shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(shape));
      } else if (!t.dtype().equals(dtype)) {
        problems.add(e.getKey() + " has dtype " + t.dtype() + ", expected " + dtype);
      } else {
        long bad = t.firstNonFinite();
        if (bad >= 0) {
          problems.add(e.getKey() + " holds a NaN or an infinity at " + e.getValue().position((int) bad));
        }
      }
    }
    for (String name : unexpected) {
      if (optimizer == null && name.startsWith(OPTIMIZER_PREFIX)) {
        continue; // optimizer state is optional to a reader that only wants the weights
      }
      problems.add("unexpected " + name);
    }
    if (!problems.isEmpty()) {
      throw new CheckpointException(file, "does not fit " + net.name() + ": " + String.join("; ", problems));
    }
    if (optimizer != null) {
      stateOf(net, optimizer); // refuses an optimizer that serves another network, before anything changes
    }
    for (ParameterTable.Parameter p : table.all()) {
      copy(contents.tensors().get(p.name()), net, -1, optimizer, p.offset());
    }
    if (optimizer != null) {
      for (int s = 0; s < optimizer.stateNames().size(); s++) {
        for (ParameterTable.Parameter p : table.all()) {
          copy(contents.tensors().get(stateName(optimizer, s, p)), net, s, optimizer, p.offset());
        }
      }
      optimizer.restoreSteps(steps);
    }
    return metadata;
  }

  private static long steps(Path file, String text) throws CheckpointException {
    if (text == null) {
      throw new CheckpointException(file, "holds optimizer state but no " + STEPS_KEY + " in its metadata");
    }
    try {
      long steps = Long.parseLong(text);
      if (steps >= 0) {
        return steps;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CheckpointException(file, "metadata " + STEPS_KEY + " is '" + text + "', not a step count");
  }

  private static String stateName(Optimizer optimizer, int s, ParameterTable.Parameter p) {
    return OPTIMIZER_PREFIX + optimizer.name() + "." + optimizer.stateNames().get(s) + "." + p.name();
  }

  /** "parameter X holds NaN at [r, c]" for the first bad tensor of parameters (-1) or state s; null when finite. */
  private static String firstNonFinite(Network net, int state, Optimizer optimizer) {
    Object values = values(net, state, optimizer);
    for (ParameterTable.Parameter p : net.architecture().parameters().all()) {
      int end = p.offset() + p.size();
      int i = values instanceof float[] f ? Kernels.firstNonFinite(f, p.offset(), end)
          : Kernels.firstNonFinite((double[]) values, p.offset(), end);
      if (i >= 0) {
        double v = values instanceof float[] f ? f[i] : ((double[]) values)[i];
        String what = state < 0 ? "parameter " + p.name()
            : "optimizer state " + stateName(optimizer, state, p);
        return what + " holds " + v + " at " + p.position(i - p.offset());
      }
    }
    return null;
  }

  /** The optimizer's state arrays for {@code net}; binds it, or refuses when it serves another network. */
  private static Object stateOf(Network net, Optimizer optimizer) {
    return net instanceof FloatNetwork f ? optimizer.floatState(f) : optimizer.doubleState((DoubleNetwork) net);
  }

  /** The array behind parameters (state -1) or an optimizer state. */
  private static Object values(Network net, int state, Optimizer optimizer) {
    if (net instanceof FloatNetwork f) {
      return state < 0 ? f.parameters() : optimizer.floatState(f)[state];
    }
    DoubleNetwork d = (DoubleNetwork) net;
    return state < 0 ? d.parameters() : optimizer.doubleState(d)[state];
  }

  private static SafeTensors.Tensor tensor(String name, ParameterTable.Parameter p, Object values) {
    long[] shape = Arrays.stream(p.shape()).asLongStream().toArray();
    return values instanceof float[] f
        ? SafeTensors.Tensor.ofFloats(name, shape, f, p.offset(), p.size())
        : SafeTensors.Tensor.ofDoubles(name, shape, (double[]) values, p.offset(), p.size());
  }

  private static void copy(SafeTensors.Tensor t, Network net, int state, Optimizer optimizer, int offset) {
    Object into = values(net, state, optimizer);
    if (into instanceof float[] f) {
      t.copyTo(f, offset);
    } else {
      t.copyTo((double[]) into, offset);
    }
  }
}
