package dev.shortcut.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.testing.TinyConvNetwork;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints of a convolutional network are PyTorch state dicts: weights in PyTorch's layouts,
 * running statistics, I64 batch counts; a state dict PyTorch would write loads; and nothing
 * changes unless the whole file fits.
 */
class ConvCheckpointTest {
  @TempDir Path dir;

  /** A network whose parameters, running statistics and counts are all non-trivial. */
  private static TinyConvNetwork trained(long seed) {
    TinyConvNetwork net = new TinyConvNetwork(4, seed);
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < net.parameters().length; i++) {
      net.parameters()[i] += 0.3 * r.nextGaussian(); // the zero-initialized γ included
    }
    for (int step = 0; step < 3; step++) {
      for (int i = 0; i < net.input().length; i++) {
        net.input()[i] = r.nextGaussian();
      }
      net.forward(4); // training mode: batch statistics, running averages, counts
    }
    return net;
  }

  @Test
  void aSavedFileIsTheStateDictPyTorchExpects() throws IOException {
    TinyConvNetwork net = trained(1);
    Path file = dir.resolve("conv.safetensors");
    Checkpoints.save(net, file);
    SafeTensors.Contents c = SafeTensors.read(file);

    SafeTensors.Tensor conv = c.tensors().get("conv1.weight");
    assertEquals("F64", conv.dtype());
    assertArrayEquals(new long[] {4, 2, 3, 3}, conv.shape(), "[out, in, kh, kw]");
    int conv1 = net.architecture().parameters().get("conv1.weight").offset();
    for (int o = 0; o < 4; o++) {
      for (int i = 0; i < 2; i++) {
        for (int y = 0; y < 3; y++) {
          for (int x = 0; x < 3; x++) {
            assertEquals(net.parameters()[conv1 + ((y * 3 + x) * 2 + i) * 4 + o], conv.value(((o * 2 + i) * 3 + y) * 3 + x),
                0.0, "conv1.weight[" + o + ", " + i + ", " + y + ", " + x + "] from the HWIO store");
          }
        }
      }
    }
    SafeTensors.Tensor fc = c.tensors().get("fc.weight");
    assertArrayEquals(new long[] {3, 32}, fc.shape());
    int fcOffset = net.architecture().parameters().get("fc.weight").offset();
    for (int o = 0; o < 3; o++) {
      for (int ch = 0; ch < 8; ch++) {
        for (int p = 0; p < 4; p++) {
          assertEquals(net.parameters()[fcOffset + o * 32 + p * 8 + ch], fc.value(o * 32 + ch * 4 + p), 0.0,
              "fc.weight[" + o + ", " + (ch * 4 + p) + "] in CHW order");
        }
      }
    }
    SafeTensors.Tensor mean = c.tensors().get("layer1.0.downsample.1.running_mean");
    assertArrayEquals(new long[] {6}, mean.shape());
    int meanOffset = net.architecture().buffers().get("layer1.0.downsample.1.running_mean").offset();
    assertEquals(net.buffers()[meanOffset + 5], mean.value(5), 0.0);
    SafeTensors.Tensor count = c.tensors().get("layer2.0.bn2.num_batches_tracked");
    assertEquals("I64", count.dtype());
    assertArrayEquals(new long[0], count.shape(), "a scalar, as torch.save writes it");
    assertEquals(3L, count.longValue(0));
    assertEquals(net.architecture().parameters().count() + 2 * 6 + 6, c.tensors().size());

    // The file computes, the way PyTorch reads it, what the network computes.
    assertSameLogits(net, c);
  }

  private static void assertSameLogits(TinyConvNetwork net, SafeTensors.Contents c) {
    Map<String, double[]> state = new HashMap<>();
    c.tensors().forEach((name, t) -> {
      if (t.isFloatingPoint()) {
        double[] v = new double[(int) t.elements()];
        for (int i = 0; i < v.length; i++) {
          v[i] = t.value(i);
        }
        state.put(name, v);
      }
    });
    TorchReference reference = new TorchReference(state);
    SplittableRandom r = new SplittableRandom(9);
    for (int i = 0; i < 2 * 72; i++) {
      net.input()[i] = r.nextGaussian();
    }
    net.setTraining(false);
    net.forward(2);
    net.setTraining(true);
    for (int n = 0; n < 2; n++) {
      double[] chw = new double[72];
      for (int ch = 0; ch < 2; ch++) {
        for (int p = 0; p < 36; p++) {
          chw[ch * 36 + p] = net.input()[n * 72 + p * 2 + ch]; // NHWC → NCHW
        }
      }
      double[] logits = reference.forward(chw);
      for (int o = 0; o < 3; o++) {
        assertEquals(logits[o], net.output()[n * 3 + o], 1e-12, "sample " + n + " logit " + o);
      }
    }
  }

  @Test
  void roundTripRestoresParametersBuffersAndCounts() throws IOException {
    TinyConvNetwork a = trained(2);
    Path file = dir.resolve("a.safetensors");
    Checkpoints.save(a, file);
    TinyConvNetwork b = new TinyConvNetwork(4, 77);
    Checkpoints.load(b, file);
    assertArrayEquals(a.parameters(), b.parameters());
    assertArrayEquals(a.buffers(), b.buffers());
    assertArrayEquals(a.batchCounts(), b.batchCounts());
  }

  /** Tensors as {@code torch.save}/{@code safetensors.torch.save_file} would lay them out, with no metadata. */
  private static List<SafeTensors.Tensor> pytorchStateDict(TinyConvNetwork shape, SplittableRandom r) {
    List<SafeTensors.Tensor> tensors = new ArrayList<>();
    for (ParameterTable.Parameter p : shape.architecture().parameters().all()) {
      double[] v = new double[p.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.nextGaussian() * 0.5;
      }
      tensors.add(SafeTensors.Tensor.ofDoubles(p.name(), longs(p.shape()), v, 0, v.length));
    }
    for (var b : shape.architecture().buffers().all()) {
      double[] v = new double[b.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = b.name().endsWith("running_var") ? 0.5 + r.nextDouble() : r.nextGaussian();
      }
      tensors.add(SafeTensors.Tensor.ofDoubles(b.name(), new long[] {b.size()}, v, 0, v.length));
    }
    for (var counter : shape.architecture().buffers().counters()) {
      tensors.add(SafeTensors.Tensor.ofLongs(counter.name(), new long[0], new long[] {1000 + counter.index()}, 0, 1));
    }
    Collections.shuffle(tensors, new java.util.Random(r.nextLong())); // any order
    return tensors;
  }

  private static long[] longs(int[] shape) {
    return java.util.Arrays.stream(shape).asLongStream().toArray();
  }

  @Test
  void aStateDictWrittenByPyTorchLoads() throws IOException {
    TinyConvNetwork net = new TinyConvNetwork(4, 3);
    List<SafeTensors.Tensor> tensors = pytorchStateDict(net, new SplittableRandom(5));
    Path file = dir.resolve("torch.safetensors");
    Files.write(file, SafeTensors.encode(tensors, Map.of()));
    Map<String, String> metadata = Checkpoints.load(net, file);
    assertTrue(metadata.isEmpty());
    SafeTensors.Contents c = SafeTensors.read(file);
    int conv = net.architecture().parameters().get("layer2.0.conv1.weight").offset();
    SafeTensors.Tensor w = c.tensors().get("layer2.0.conv1.weight"); // [8, 6, 3, 3]
    assertEquals(w.value(((5 * 6 + 4) * 3 + 2) * 3 + 1), net.parameters()[conv + ((2 * 3 + 1) * 6 + 4) * 8 + 5], 0.0,
        "[5, 4, 2, 1] lands at HWIO [2][1][4][5]");
    assertEquals(1000 + 4, net.batchCounts()[4]);
    assertSameLogits(net, c);
  }

  @Test
  void aFileThatDoesNotFitChangesNothingAndNamesEveryProblem() throws IOException {
    TinyConvNetwork net = trained(4);
    double[] parameters = net.parameters().clone();
    double[] buffers = net.buffers().clone();
    long[] counts = net.batchCounts().clone();
    List<SafeTensors.Tensor> tensors = new ArrayList<>(pytorchStateDict(net, new SplittableRandom(6)));
    tensors.replaceAll(t -> switch (t.name()) {
      case "bn1.running_var" -> SafeTensors.Tensor.ofDoubles(t.name(), t.shape(), new double[] {1, -0.5, 1, 1}, 0, 4);
      case "layer1.0.bn1.num_batches_tracked" -> SafeTensors.Tensor.ofLongs(t.name(), new long[0], new long[] {-1}, 0,
          1);
      case "layer1.0.bn2.num_batches_tracked" -> SafeTensors.Tensor.ofLongs(t.name(), new long[] {1}, new long[] {1},
          0, 1);
      case "layer2.0.bn1.num_batches_tracked" -> SafeTensors.Tensor.ofDoubles(t.name(), new long[0], new double[] {1},
          0, 1);
      case "conv1.weight" -> SafeTensors.Tensor.ofDoubles(t.name(), new long[] {3, 3, 2, 4}, new double[72], 0, 72);
      default -> t;
    });
    tensors.removeIf(t -> t.name().equals("layer2.0.bn2.running_mean"));
    Path file = dir.resolve("bad.safetensors");
    Files.write(file, SafeTensors.encode(tensors, Map.of()));
    String m = assertThrows(CheckpointException.class, () -> Checkpoints.load(net, file)).getMessage();
    for (String expected : new String[] {"bn1.running_var holds -0.5 at [1], but a variance is ≥ 0",
        "layer1.0.bn1.num_batches_tracked holds -1, but a count is ≥ 0",
        "layer1.0.bn2.num_batches_tracked has shape [1], expected []",
        "layer2.0.bn1.num_batches_tracked has dtype F64, expected I64",
        "conv1.weight has shape [3, 3, 2, 4], expected [4, 2, 3, 3]", "missing layer2.0.bn2.running_mean"}) {
      assertTrue(m.contains(expected), expected + " in " + m);
    }
    assertArrayEquals(parameters, net.parameters(), "nothing loaded");
    assertArrayEquals(buffers, net.buffers());
    assertArrayEquals(counts, net.batchCounts());
  }

  @Test
  void aBrokenRunningStatisticIsNeverSaved() throws IOException {
    TinyConvNetwork net = trained(5);
    Path file = dir.resolve("good.safetensors");
    Checkpoints.save(net, file);
    byte[] good = Files.readAllBytes(file);
    int var = net.architecture().buffers().get("layer1.0.bn1.running_var").offset();
    net.buffers()[var + 2] = Double.NaN;
    String m = assertThrows(CheckpointException.class, () -> Checkpoints.save(net, file)).getMessage();
    assertTrue(m.contains("buffer layer1.0.bn1.running_var holds NaN at [2]"), m);
    net.buffers()[var + 2] = 1;
    net.batchCounts()[3] = -2;
    m = assertThrows(CheckpointException.class, () -> Checkpoints.save(net, file)).getMessage();
    assertTrue(m.contains("counter layer1.0.bn2.num_batches_tracked holds -2"), m);
    assertArrayEquals(good, Files.readAllBytes(file), "the good checkpoint is left as it was");
  }

  @Test
  void integerTensorsAreLittleEndianSixtyFourBit() {
    byte[] bytes = SafeTensors.encode(List.of(SafeTensors.Tensor.ofLongs("n", new long[0], new long[] {258}, 0, 1)),
        Map.of());
    String json = "{\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}";
    int padded = (json.length() + 7) / 8 * 8;
    assertEquals(padded, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
    assertEquals(json, new String(bytes, 8, json.length(), java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(2, bytes[8 + padded]);
    assertEquals(1, bytes[8 + padded + 1]);
    assertEquals(8 + padded + 8, bytes.length);
  }
}
