package dev.shortcut.runtime.checkpoint;

import dev.shortcut.runtime.Network;
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
 * Saves and loads a network's state, and optionally its optimizer's, as one safetensors file that
 * is exactly a PyTorch {@code state_dict} of the same architecture: parameter and buffer names are
 * PyTorch's ({@code body.3.fc1.weight}, {@code layer1.0.bn1.running_mean}), tensors are converted
 * to PyTorch's layouts ({@code [out, in]}, {@code [out, in, kh, kw]}; see {@link
 * dev.shortcut.runtime.Layout}), and each batch normalization's {@code num_batches_tracked} is an
 * {@code I64} scalar. So {@code model.load_state_dict(safetensors.torch.load_file(f))} works, and
 * a file that PyTorch or torchvision saved loads here. Optimizer state goes under {@code
 * optimizer.<name>.<state>.<parameter>} with its step count in the metadata, so training resumes
 * exactly.
 *
 * <p>A save never replaces a good checkpoint with a broken network: parameters, buffers or
 * optimizer state that hold a NaN or an infinity (or a negative variance or count) are refused,
 * naming the tensor, and the file on disk is left as it was. A load checks the whole file first
 * (every name, shape, dtype and value) and changes nothing unless all of it fits.
 */
public final class Checkpoints {
  static final String OPTIMIZER_PREFIX = "optimizer.";
  static final String STEPS_KEY = "optimizer.steps";

  private Checkpoints() {}

  /** Saves the parameters and buffers of {@code net} (atomically). */
  public static void save(Network net, Path file) throws IOException {
    save(net, null, file, Map.of());
  }

  /**
   * Saves parameters, buffers, the optimizer's state when given, and {@code extra} metadata,
   * atomically (see {@link SafeTensors#write}).
   *
   * @throws CheckpointException when a value is not finite (nothing is written), or the file
   *     cannot be written (the previous file is unchanged)
   * @throws IllegalStateException when {@code optimizer} serves another network
   */
  public static void save(Network net, Optimizer optimizer, Path file, Map<String, String> extra) throws IOException {
    List<StateDict.Entry> entries = new ArrayList<>(StateDict.network(net));
    if (optimizer != null) {
      entries.addAll(StateDict.optimizer(net, optimizer)); // refuses an optimizer that serves another network
    }
    for (StateDict.Entry e : entries) {
      String broken = e.checkNetwork();
      if (broken != null) {
        throw new CheckpointException(file, "refusing to save " + net.name() + ": " + broken
            + "; the file is left as it was");
      }
    }
    List<SafeTensors.Tensor> tensors = new ArrayList<>();
    for (StateDict.Entry e : entries) {
      tensors.add(e.toTensor());
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", "shortcut");
    metadata.put("network", net.name());
    metadata.putAll(extra);
    if (optimizer != null) {
      metadata.put("optimizer", optimizer.name());
      metadata.put(STEPS_KEY, Long.toString(optimizer.steps()));
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

  /** Loads parameters and buffers only; see {@link #load(Network, Optimizer, Path)}. */
  public static Map<String, String> load(Network net, Path file) throws CheckpointException {
    return load(net, null, file);
  }

  /**
   * Loads parameters, buffers and batch counts (and the optimizer's state when given) after
   * checking every name, shape, dtype and value, and the optimizer's metadata. Every mismatch is
   * reported by name in one exception, and nothing is changed unless everything fits. A file
   * written by PyTorch ({@code safetensors.torch.save_file(model.state_dict(), f)}) for the same
   * architecture loads: it needs no metadata.
   *
   * @return the file's metadata
   * @throws IllegalStateException when {@code optimizer} serves another network (nothing changed)
   */
  public static Map<String, String> load(Network net, Optimizer optimizer, Path file) throws CheckpointException {
    SafeTensors.Contents contents = SafeTensors.read(file);
    Map<String, String> metadata = contents.metadata();
    List<StateDict.Entry> entries = new ArrayList<>(StateDict.network(net));
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
      entries.addAll(StateDict.optimizerChecks(net, optimizer));
    }
    List<String> problems = new ArrayList<>();
    Set<String> unexpected = new LinkedHashSet<>(contents.tensors().keySet());
    for (StateDict.Entry e : entries) {
      SafeTensors.Tensor t = contents.tensors().get(e.name());
      unexpected.remove(e.name());
      if (t == null) {
        problems.add("missing " + e.name());
      } else if (!Arrays.equals(e.shape(), t.shape())) {
        problems.add(e.name() + " has shape " + Arrays.toString(t.shape()) + ", expected "
            + Arrays.toString(e.shape()));
      } else if (!t.dtype().equals(e.dtype())) {
        problems.add(e.name() + " has dtype " + t.dtype() + ", expected " + e.dtype());
      } else {
        String bad = e.checkTensor(t);
        if (bad != null) {
          problems.add(bad);
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
    List<StateDict.Entry> targets = new ArrayList<>(StateDict.network(net));
    if (optimizer != null) {
      // Binds the optimizer, or refuses one that serves another network, before anything changes.
      targets.addAll(StateDict.optimizer(net, optimizer));
    }
    for (StateDict.Entry e : targets) {
      e.copyFrom(contents.tensors().get(e.name()));
    }
    if (optimizer != null) {
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
}
