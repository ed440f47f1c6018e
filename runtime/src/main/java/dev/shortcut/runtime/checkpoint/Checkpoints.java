package dev.shortcut.runtime.checkpoint;

import dev.shortcut.annotations.Precision;
import dev.shortcut.runtime.DoubleNetwork;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.optim.Optimizer;
import java.io.IOException;
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
 */
public final class Checkpoints {
  static final String OPTIMIZER_PREFIX = "optimizer.";

  private Checkpoints() {}

  /** Saves the parameters of {@code net} (atomically). */
  public static void save(Network net, Path file) throws IOException {
    save(net, null, file, Map.of());
  }

  /** Saves parameters, the optimizer's state when given, and {@code extra} metadata. */
  public static void save(Network net, Optimizer optimizer, Path file, Map<String, String> extra) throws IOException {
    ParameterTable table = net.architecture().parameters();
    List<SafeTensors.Tensor> tensors = new ArrayList<>();
    for (ParameterTable.Parameter p : table.all()) {
      tensors.add(tensor(net, p.name(), p, values(net, -1, optimizer)));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", "shortcut");
    metadata.put("network", net.name());
    metadata.putAll(extra);
    if (optimizer != null) {
      metadata.put("optimizer", optimizer.name());
      metadata.put("optimizer.steps", Long.toString(optimizer.steps()));
      for (int s = 0; s < optimizer.stateNames().size(); s++) {
        for (ParameterTable.Parameter p : table.all()) {
          tensors.add(tensor(net, stateName(optimizer, s, p), p, values(net, s, optimizer)));
        }
      }
    }
    SafeTensors.write(file, tensors, metadata);
  }

  /** Loads parameters only; see {@link #load(Network, Optimizer, Path)}. */
  public static Map<String, String> load(Network net, Path file) throws CheckpointException {
    return load(net, null, file);
  }

  /**
   * Loads parameters (and the optimizer's state when given) after checking every name, shape and
   * dtype. Every mismatch is reported by name in one exception, and nothing is changed unless
   * everything fits.
   *
   * @return the file's metadata
   */
  public static Map<String, String> load(Network net, Optimizer optimizer, Path file) throws CheckpointException {
    SafeTensors.Contents contents = SafeTensors.read(file);
    ParameterTable table = net.architecture().parameters();
    String dtype = net.architecture().precision() == Precision.DOUBLE ? "F64" : "F32";
    Map<String, ParameterTable.Parameter> expected = new LinkedHashMap<>();
    for (ParameterTable.Parameter p : table.all()) {
      expected.put(p.name(), p);
    }
    if (optimizer != null) {
      if (!optimizer.name().equals(contents.metadata().get("optimizer"))) {
        throw new CheckpointException(file, "holds optimizer state of '" + contents.metadata().get("optimizer")
            + "', not of '" + optimizer.name() + "'");
      }
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
      }
      if (!t.dtype().equals(dtype)) {
        problems.add(e.getKey() + " has dtype " + t.dtype() + ", expected " + dtype);
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
    for (ParameterTable.Parameter p : table.all()) {
      copy(contents.tensors().get(p.name()), net, -1, optimizer, p.offset());
    }
    if (optimizer != null) {
      for (int s = 0; s < optimizer.stateNames().size(); s++) {
        for (ParameterTable.Parameter p : table.all()) {
          copy(contents.tensors().get(stateName(optimizer, s, p)), net, s, optimizer, p.offset());
        }
      }
      optimizer.restoreSteps(Long.parseLong(contents.metadata().getOrDefault("optimizer.steps", "0")));
    }
    return contents.metadata();
  }

  private static String stateName(Optimizer optimizer, int s, ParameterTable.Parameter p) {
    return OPTIMIZER_PREFIX + optimizer.name() + "." + optimizer.stateNames().get(s) + "." + p.name();
  }

  /** The array behind parameters (state -1) or an optimizer state. */
  private static Object values(Network net, int state, Optimizer optimizer) {
    if (net instanceof FloatNetwork f) {
      return state < 0 ? f.parameters() : optimizer.floatState(f.parameters().length)[state];
    }
    DoubleNetwork d = (DoubleNetwork) net;
    return state < 0 ? d.parameters() : optimizer.doubleState(d.parameters().length)[state];
  }

  private static SafeTensors.Tensor tensor(Network net, String name, ParameterTable.Parameter p, Object values) {
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
