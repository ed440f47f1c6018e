package dev.shortcut.runtime.checkpoint;

import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.optim.Optimizer;
import dev.shortcut.runtime.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Saves and loads a network's state as a safetensors file that is exactly a PyTorch {@code
 * state_dict} of the same architecture: parameter and buffer names are PyTorch's ({@code
 * body.3.fc1.weight}, {@code layer1.0.bn1.running_mean}), tensors are converted to PyTorch's
 * layouts ({@code [out, in]}, {@code [out, in, kh, kw]}; see {@link dev.shortcut.runtime.Layout}),
 * and each batch normalization's {@code num_batches_tracked} is an {@code I64} scalar. So {@code
 * model.load_state_dict(safetensors.torch.load_file(f))} works, and a file that PyTorch or
 * torchvision saved loads here.
 *
 * <p>The optimizer's state, when saved, goes to a file of its own beside the checkpoint ({@link
 * #optimizerFile}: {@code net.safetensors} → {@code net.optimizer.safetensors}), as PyTorch keeps
 * {@code optimizer.state_dict()} apart from the model's: the checkpoint then holds exactly the
 * model's keys, which PyTorch's strict loader demands. The optimizer file records the SHA-256 of
 * the checkpoint it belongs to, so a pair torn apart by a crash between the two writes, or a
 * checkpoint overwritten later, is refused on load instead of resuming from mismatched state.
 * Checkpoints written before the split, with the optimizer's tensors under {@code
 * optimizer.<name>.<state>.<parameter>} in the same file, still load.
 *
 * <p>A save never replaces a good checkpoint with a broken network: parameters, buffers or
 * optimizer state that hold a NaN or an infinity (or a negative variance or count) are refused,
 * naming the tensor, and the files on disk are left as they were. A load checks everything first
 * (every name, shape, dtype and value, in both files) and changes nothing unless all of it fits.
 */
public final class Checkpoints {
  static final String OPTIMIZER_PREFIX = "optimizer.";
  static final String STEPS_KEY = "optimizer.steps";
  /** Metadata of a checkpoint: the name of its optimizer file. */
  static final String OPTIMIZER_FILE_KEY = "optimizer.file";
  /** Metadata of an optimizer file: the checkpoint it belongs to, and that file's SHA-256. */
  static final String CHECKPOINT_KEY = "checkpoint";
  static final String CHECKPOINT_DIGEST_KEY = "checkpoint.sha256";
  private static final String SUFFIX = ".safetensors";

  private Checkpoints() {}

  /**
   * The file beside {@code checkpoint} that holds its optimizer's state: {@code
   * <name>.optimizer.safetensors} for {@code <name>.safetensors} (any other name gets {@code
   * .optimizer.safetensors} appended).
   */
  public static Path optimizerFile(Path checkpoint) {
    String name = checkpoint.getFileName().toString();
    String stem = name.endsWith(SUFFIX) && name.length() > SUFFIX.length()
        ? name.substring(0, name.length() - SUFFIX.length()) : name;
    return checkpoint.resolveSibling(stem + ".optimizer" + SUFFIX);
  }

  /** Saves the parameters and buffers of {@code net} (atomically). */
  public static void save(Network net, Path file) throws IOException {
    save(net, null, file, Map.of());
  }

  /**
   * Saves parameters, buffers and {@code extra} metadata to {@code file}, and the optimizer's
   * state, when given, to {@link #optimizerFile} beside it; each file is written atomically (see
   * {@link SafeTensors#write}), the optimizer's first.
   *
   * @throws CheckpointException when a value is not finite (nothing is written), or a file cannot
   *     be written (the previous one is unchanged)
   * @throws IllegalStateException when {@code optimizer} serves another network
   */
  public static void save(Network net, Optimizer optimizer, Path file, Map<String, String> extra) throws IOException {
    List<StateDict.Entry> model = StateDict.network(net);
    // Binds the optimizer, or refuses one that serves another network, before anything is written.
    List<StateDict.Entry> state = optimizer == null ? List.of() : StateDict.optimizer(net, optimizer);
    List<StateDict.Entry> all = new ArrayList<>(model);
    all.addAll(state);
    for (StateDict.Entry e : all) {
      String broken = e.checkNetwork();
      if (broken != null) {
        throw new CheckpointException(file, "refusing to save " + net.name() + ": " + broken
            + "; the file is left as it was");
      }
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", "shortcut");
    metadata.put("network", net.name());
    metadata.putAll(extra);
    Path optimizerFile = optimizerFile(file);
    if (optimizer != null) {
      metadata.put("optimizer", optimizer.name());
      metadata.put(STEPS_KEY, Long.toString(optimizer.steps()));
      metadata.put(OPTIMIZER_FILE_KEY, optimizerFile.getFileName().toString());
    }
    byte[] checkpoint = SafeTensors.encode(tensors(model), metadata);
    if (optimizer != null) {
      Map<String, String> own = new LinkedHashMap<>();
      own.put("format", "shortcut-optimizer");
      own.put("network", net.name());
      own.put("optimizer", optimizer.name());
      own.put(STEPS_KEY, Long.toString(optimizer.steps()));
      own.put(CHECKPOINT_KEY, file.getFileName().toString());
      own.put(CHECKPOINT_DIGEST_KEY, sha256(checkpoint));
      SafeTensors.writeBytes(optimizerFile, SafeTensors.encode(tensors(state), own));
    }
    SafeTensors.writeBytes(file, checkpoint);
  }

  private static List<SafeTensors.Tensor> tensors(List<StateDict.Entry> entries) {
    List<SafeTensors.Tensor> tensors = new ArrayList<>();
    for (StateDict.Entry e : entries) {
      tensors.add(e.toTensor());
    }
    return tensors;
  }

  /**
   * A listener that saves {@code net} (and {@code optimizer}, when not null) to {@code file}
   * after every epoch, with the run's position in the metadata, as {@code
   * CheckpointSaver.every(1, file)} does for the run's own network and optimizer.
   */
  public static TrainingListener eachEpoch(Network net, Optimizer optimizer, Path file) {
    return CheckpointSaver.of(net, optimizer, file);
  }

  /** Loads parameters and buffers only; see {@link #load(Network, Optimizer, Path)}. */
  public static Map<String, String> load(Network net, Path file) throws CheckpointException {
    return load(net, null, file);
  }

  /**
   * Loads parameters, buffers and batch counts, and the optimizer's state when given (from
   * {@link #optimizerFile}), after checking every name, shape, dtype and value, and that the
   * optimizer file belongs to this checkpoint. Every mismatch is reported by name in one exception,
   * and nothing is changed unless everything fits. A file written by PyTorch ({@code
   * safetensors.torch.save_file(model.state_dict(), f)}) for the same architecture loads: it needs
   * no metadata.
   *
   * @return the checkpoint's metadata
   * @throws IllegalStateException when {@code optimizer} serves another network (nothing changed)
   */
  public static Map<String, String> load(Network net, Optimizer optimizer, Path file) throws CheckpointException {
    byte[] bytes = SafeTensors.readBytes(file);
    SafeTensors.Contents contents = SafeTensors.decode(file, bytes);
    Map<String, String> metadata = contents.metadata();
    boolean legacy = contents.tensors().keySet().stream().anyMatch(n -> n.startsWith(OPTIMIZER_PREFIX));
    List<String> problems = new ArrayList<>();
    Set<String> unexpected = new LinkedHashSet<>(contents.tensors().keySet());
    check(StateDict.network(net), contents, unexpected, problems);
    SafeTensors.Contents state = null;
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
      if (legacy) {
        state = contents; // written before the optimizer moved to a file of its own
        steps = steps(file, metadata.get(STEPS_KEY));
        check(StateDict.optimizerChecks(net, optimizer), contents, unexpected, problems);
      } else {
        Path sidecar = optimizerFile(file);
        state = optimizerState(file, bytes, sidecar, optimizer);
        steps = steps(sidecar, state.metadata().get(STEPS_KEY));
        List<String> own = new ArrayList<>();
        Set<String> extra = new LinkedHashSet<>(state.tensors().keySet());
        check(StateDict.optimizerChecks(net, optimizer), state, extra, own);
        extra.forEach(name -> own.add("unexpected " + name));
        if (!own.isEmpty()) {
          throw new CheckpointException(sidecar, "does not fit " + net.name() + ": " + String.join("; ", own));
        }
      }
    }
    for (String name : unexpected) {
      if (optimizer == null && name.startsWith(OPTIMIZER_PREFIX)) {
        continue; // optimizer state of an older checkpoint is optional to a reader that only wants the weights
      }
      problems.add("unexpected " + name);
    }
    if (!problems.isEmpty()) {
      throw new CheckpointException(file, "does not fit " + net.name() + ": " + String.join("; ", problems));
    }
    // Binds the optimizer, or refuses one that serves another network, before anything changes.
    List<StateDict.Entry> optimizerTargets = optimizer == null ? List.of() : StateDict.optimizer(net, optimizer);
    for (StateDict.Entry e : StateDict.network(net)) {
      e.copyFrom(contents.tensors().get(e.name()));
    }
    for (StateDict.Entry e : optimizerTargets) {
      e.copyFrom(state.tensors().get(e.name()));
    }
    if (optimizer != null) {
      optimizer.restoreSteps(steps);
    }
    return metadata;
  }

  /** Checks {@code expected} against {@code contents}, removing each found name from {@code unexpected}. */
  private static void check(List<StateDict.Entry> expected, SafeTensors.Contents contents, Set<String> unexpected,
      List<String> problems) {
    for (StateDict.Entry e : expected) {
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
  }

  /** Reads the optimizer file of {@code checkpoint} and checks that it belongs to those bytes. */
  private static SafeTensors.Contents optimizerState(Path checkpoint, byte[] checkpointBytes, Path sidecar,
      Optimizer optimizer) throws CheckpointException {
    if (!Files.exists(sidecar)) {
      throw new CheckpointException(sidecar, "is missing: " + checkpoint.getFileName() + " was saved with the state "
          + "of a '" + optimizer.name() + "' optimizer, which lives in this file beside it. Copy both files "
          + "together, or load the weights alone with Checkpoints.load(net, file)");
    }
    SafeTensors.Contents state = SafeTensors.read(sidecar);
    Map<String, String> own = state.metadata();
    String digest = own.get(CHECKPOINT_DIGEST_KEY);
    if (digest == null) {
      throw new CheckpointException(sidecar, "is not a Shortcut optimizer file: its metadata names no checkpoint ("
          + CHECKPOINT_DIGEST_KEY + ")");
    }
    if (!digest.equals(sha256(checkpointBytes))) {
      throw new CheckpointException(sidecar, "holds the optimizer state of another save of " + own.get(CHECKPOINT_KEY)
          + ", not of " + checkpoint.getFileName() + " as it is now (was a save interrupted between the two files, "
          + "or one of them replaced?). Resuming from mismatched state would not continue the run: load the weights "
          + "alone with Checkpoints.load(net, file), or resume from an earlier pair");
    }
    if (!optimizer.name().equals(own.get("optimizer"))) {
      throw new CheckpointException(sidecar, "holds the state of a '" + own.get("optimizer") + "' optimizer, not of '"
          + optimizer.name() + "'");
    }
    return state;
  }

  /** Hex SHA-256 of {@code bytes}: what ties an optimizer file to its checkpoint. */
  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
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
