package dev.shortcut.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.optim.Sgd;
import dev.shortcut.runtime.testing.TinyConvNetwork;
import dev.shortcut.runtime.testing.TinyResidualNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 5: {@code model.load_state_dict(safetensors.torch.load_file(f))} is strict, so a
 * checkpoint must hold exactly the model's keys, shapes and dtypes; the optimizer's state lives in
 * a file of its own beside it, tied to the checkpoint it belongs to.
 */
class OptimizerFileTest {
  @TempDir Path dir;

  /** What PyTorch's {@code state_dict()} of the same module holds: names and shapes, written out by hand. */
  private static Map<String, List<Long>> torchStateDictOfTinyResidual() {
    Map<String, List<Long>> m = new TreeMap<>();
    m.put("stem.weight", List.of(7L, 5L));
    m.put("stem.bias", List.of(7L));
    m.put("body.0.fc1.weight", List.of(7L, 7L));
    m.put("body.0.fc1.bias", List.of(7L));
    m.put("body.0.fc2.weight", List.of(7L, 7L));
    m.put("body.0.fc2.bias", List.of(7L));
    m.put("head.weight", List.of(3L, 7L));
    m.put("head.bias", List.of(3L));
    return m;
  }

  private static Map<String, List<Long>> shapes(SafeTensors.Contents c) {
    Map<String, List<Long>> m = new TreeMap<>();
    c.tensors().forEach((name, t) -> m.put(name, Arrays.stream(t.shape()).boxed().toList()));
    return m;
  }

  private static Adam stepped(TinyResidualNetwork net, int steps) {
    Adam adam = Adam.withLearningRate(0.01);
    for (int s = 0; s < steps; s++) {
      Arrays.fill(net.gradients(), 0.1f * (s + 1));
      adam.step(net, 0.01);
    }
    return adam;
  }

  @Test
  void aCheckpointSavedWithItsOptimizerHoldsExactlyTheModelsKeys() throws IOException {
    TinyResidualNetwork net = new TinyResidualNetwork(5, 7, 3, 2, 11);
    Adam adam = stepped(net, 2);
    Path file = dir.resolve("net.safetensors");
    Checkpoints.save(net, adam, file, Map.of("epoch", "1"));

    SafeTensors.Contents model = SafeTensors.read(file);
    assertEquals(torchStateDictOfTinyResidual(), shapes(model), "strict load_state_dict: no missing, no unexpected key");
    model.tensors().values().forEach(t -> assertEquals("F32", t.dtype(), t.name()));

    Path optimizerFile = dir.resolve("net.optimizer.safetensors");
    assertEquals(optimizerFile, Checkpoints.optimizerFile(file));
    SafeTensors.Contents state = SafeTensors.read(optimizerFile);
    Map<String, List<Long>> expected = new TreeMap<>();
    torchStateDictOfTinyResidual().forEach((name, shape) -> {
      expected.put("optimizer.adam.m." + name, shape);
      expected.put("optimizer.adam.v." + name, shape);
    });
    assertEquals(expected, shapes(state));
    assertEquals("2", state.metadata().get("optimizer.steps"));
    assertEquals("net.safetensors", state.metadata().get("checkpoint"));

    // And the pair resumes: the optimizer's moments and step count come back exactly.
    TinyResidualNetwork other = new TinyResidualNetwork(5, 7, 3, 2, 99);
    Adam fresh = Adam.withLearningRate(0.01);
    Checkpoints.load(other, fresh, file);
    assertArrayEquals(net.parameters(), other.parameters());
    assertEquals(2, fresh.steps());
    assertArrayEquals(adam.floatState(net)[0], fresh.floatState(other)[0]);
    assertArrayEquals(adam.floatState(net)[1], fresh.floatState(other)[1]);
  }

  @Test
  void aConvolutionalCheckpointHoldsTorchvisionsKeysAndNothingElse() throws IOException {
    TinyConvNetwork net = new TinyConvNetwork(2, 3);
    Path file = dir.resolve("conv.safetensors");
    Checkpoints.save(net, Sgd.withLearningRate(0.1).momentum(0.9), file, Map.of());
    List<String> expected = new ArrayList<>(List.of("conv1.weight", "fc.weight", "fc.bias"));
    for (String bn : List.of("bn1", "layer1.0.bn1", "layer1.0.bn2", "layer1.0.downsample.1", "layer2.0.bn1",
        "layer2.0.bn2")) {
      for (String part : List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked")) {
        expected.add(bn + "." + part);
      }
    }
    expected.addAll(List.of("layer1.0.conv1.weight", "layer1.0.conv2.weight", "layer1.0.downsample.0.weight",
        "layer2.0.conv1.weight", "layer2.0.conv2.weight"));
    assertEquals(new TreeMap<>(shapes(SafeTensors.read(file))).keySet(),
        new java.util.TreeSet<>(expected));
  }

  @Test
  void anOptimizerFileFromAnotherSaveIsRefusedAndChangesNothing() throws IOException {
    TinyResidualNetwork net = new TinyResidualNetwork(5, 7, 3, 2, 11);
    Adam adam = stepped(net, 1);
    Path file = dir.resolve("net.safetensors");
    Checkpoints.save(net, adam, file, Map.of());
    byte[] olderState = Files.readAllBytes(Checkpoints.optimizerFile(file));
    Arrays.fill(net.gradients(), 0.3f);
    adam.step(net, 0.01);
    Checkpoints.save(net, adam, file, Map.of());
    // A crash between the two writes of a later save, or a copy of one file only, leaves this pair.
    Files.write(Checkpoints.optimizerFile(file), olderState);

    TinyResidualNetwork target = new TinyResidualNetwork(5, 7, 3, 2, 99);
    float[] before = target.parameters().clone();
    Adam fresh = Adam.withLearningRate(0.01);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(target, fresh, file));
    assertTrue(e.getMessage().startsWith(Checkpoints.optimizerFile(file).toString()), e.getMessage());
    assertTrue(e.getMessage().contains("another save of net.safetensors"), e.getMessage());
    assertArrayEquals(before, target.parameters(), "nothing loaded");
    assertEquals(0, fresh.steps());
    assertNull(fresh.network(), "the optimizer is not bound");
    Checkpoints.load(target, file); // the weights alone still load
    assertArrayEquals(net.parameters(), target.parameters());
  }

  @Test
  void aMissingOptimizerFileIsNamedWithWhatToDo() throws IOException {
    TinyResidualNetwork net = new TinyResidualNetwork(5, 7, 3, 2, 11);
    Path file = dir.resolve("net.safetensors");
    Checkpoints.save(net, stepped(net, 1), file, Map.of());
    Files.delete(Checkpoints.optimizerFile(file));
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> Checkpoints.load(new TinyResidualNetwork(5, 7, 3, 2, 1), Adam.withLearningRate(0.01), file));
    assertTrue(e.getMessage().contains("net.optimizer.safetensors: is missing"), e.getMessage());
    assertTrue(e.getMessage().contains("Copy both files together"), e.getMessage());
  }

  @Test
  void aDamagedOptimizerFileIsReportedByTensorAndChangesNothing() throws IOException {
    TinyResidualNetwork net = new TinyResidualNetwork(5, 7, 3, 2, 11);
    Path file = dir.resolve("net.safetensors");
    Checkpoints.save(net, stepped(net, 1), file, Map.of());
    Path optimizerFile = Checkpoints.optimizerFile(file);
    SafeTensors.Contents c = SafeTensors.read(optimizerFile);
    List<SafeTensors.Tensor> tensors = new ArrayList<>();
    for (SafeTensors.Tensor t : c.tensors().values()) {
      if (t.name().equals("optimizer.adam.v.head.bias")) {
        t = SafeTensors.Tensor.ofFloats(t.name(), t.shape(), new float[] {0, Float.NaN, 0}, 0, 3);
      }
      if (!t.name().equals("optimizer.adam.m.stem.bias")) {
        tensors.add(t);
      }
    }
    SafeTensors.write(optimizerFile, tensors, c.metadata());
    TinyResidualNetwork target = new TinyResidualNetwork(5, 7, 3, 2, 99);
    float[] before = target.parameters().clone();
    String m = assertThrows(CheckpointException.class,
        () -> Checkpoints.load(target, Adam.withLearningRate(0.01), file)).getMessage();
    assertTrue(m.startsWith(optimizerFile.toString()), m);
    assertTrue(m.contains("missing optimizer.adam.m.stem.bias"), m);
    assertTrue(m.contains("optimizer.adam.v.head.bias holds a NaN or an infinity at [1]"), m);
    assertArrayEquals(before, target.parameters());
  }

  @Test
  void aCheckpointWrittenBeforeTheSplitStillResumes() throws IOException {
    // Older checkpoints kept the optimizer's tensors in the same file, with the steps in its metadata.
    TinyResidualNetwork net = new TinyResidualNetwork(5, 7, 3, 2, 11);
    Adam adam = stepped(net, 3);
    Path modern = dir.resolve("modern.safetensors");
    Checkpoints.save(net, adam, modern, Map.of());
    SafeTensors.Contents model = SafeTensors.read(modern);
    SafeTensors.Contents state = SafeTensors.read(Checkpoints.optimizerFile(modern));
    List<SafeTensors.Tensor> together = new ArrayList<>(model.tensors().values());
    together.addAll(state.tensors().values());
    Map<String, String> metadata = new LinkedHashMap<>(Map.of("format", "shortcut", "optimizer", "adam",
        "optimizer.steps", "3"));
    Path legacy = dir.resolve("legacy.safetensors");
    SafeTensors.write(legacy, together, metadata);

    TinyResidualNetwork resumed = new TinyResidualNetwork(5, 7, 3, 2, 99);
    Adam fresh = Adam.withLearningRate(0.01);
    Checkpoints.load(resumed, fresh, legacy);
    assertEquals(3, fresh.steps());
    assertArrayEquals(adam.floatState(net)[1], fresh.floatState(resumed)[1]);
    TinyResidualNetwork weightsOnly = new TinyResidualNetwork(5, 7, 3, 2, 98);
    Checkpoints.load(weightsOnly, legacy);
    assertArrayEquals(net.parameters(), weightsOnly.parameters());
  }
}
