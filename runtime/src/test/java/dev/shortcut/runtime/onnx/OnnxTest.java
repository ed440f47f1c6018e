package dev.shortcut.runtime.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Init;
import dev.shortcut.annotations.Loss;
import dev.shortcut.annotations.Precision;
import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.testing.TinyConvNetwork;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported model of a hand-written convolutional network, read back field by field with the
 * field numbers of {@code onnx.proto}, and the export's refusals. That ONNX Runtime computes what
 * the networks compute is checked in the examples module, which may depend on it.
 */
class OnnxTest {
  // ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto fields (onnx.proto)
  private static final int IR_VERSION = 1;
  private static final int PRODUCER_NAME = 2;
  private static final int MODEL_DOC_STRING = 6;
  private static final int GRAPH = 7;
  private static final int OPSET_IMPORT = 8;
  private static final int NODE = 1;
  private static final int INITIALIZER = 5;
  private static final int GRAPH_INPUT = 11;
  private static final int GRAPH_OUTPUT = 12;
  private static final int NODE_INPUT = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int OP_TYPE = 4;
  private static final int ATTRIBUTE = 5;
  private static final int DIMS = 1;
  private static final int DATA_TYPE = 2;
  private static final int NAME = 8;
  private static final int RAW_DATA = 9;

  @TempDir Path dir;

  private static ProtoReader graphOf(Network net) {
    return ProtoReader.of(Onnx.encode(net)).one(GRAPH).message();
  }

  @Test
  void theHeaderNamesIrVersion8AndOpset17() {
    ProtoReader model = ProtoReader.of(Onnx.encode(new TinyConvNetwork(1, 3)));
    assertEquals(8, model.one(IR_VERSION).varint());
    ProtoReader opset = model.one(OPSET_IMPORT).message();
    assertEquals("", opset.one(1).string());
    assertEquals(17, opset.one(2).varint());
    assertEquals("Shortcut", model.one(PRODUCER_NAME).string());
    assertTrue(model.one(MODEL_DOC_STRING).string().contains("NCHW"));
  }

  @Test
  void initializersAreTheCheckpointTensorsInPyTorchLayouts() {
    TinyConvNetwork net = new TinyConvNetwork(1, 3);
    List<ProtoReader> tensors = graphOf(net).all(INITIALIZER).stream().map(ProtoReader.Field::message).toList();
    List<String> expected = new ArrayList<>();
    net.architecture().parameters().all().forEach(p -> expected.add(p.name()));
    net.architecture().buffers().all().forEach(b -> expected.add(b.name()));
    assertEquals(expected, tensors.stream().map(t -> t.one(NAME).string()).toList());
    for (ProtoReader t : tensors) {
      assertEquals(11, t.one(DATA_TYPE).varint(), "DOUBLE"); // a double network's tensors are float64
    }
    ProtoReader conv = tensor(tensors, "layer1.0.conv1.weight");
    assertEquals(List.of(6L, 4L, 3L, 3L), conv.one(DIMS).packed());
    // The network stores it [kh][kw][in][out]; the file holds PyTorch's [out][in][kh][kw].
    ParameterTable.Parameter p = net.architecture().parameters().get("layer1.0.conv1.weight");
    int out = 6;
    int in = 4;
    int k = 3;
    ByteBuffer raw = ByteBuffer.wrap(conv.one(RAW_DATA).bytes()).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(8 * out * in * k * k, raw.capacity());
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        for (int y = 0; y < k; y++) {
          for (int x = 0; x < k; x++) {
            double stored = net.parameters()[p.offset() + ((y * k + x) * in + i) * out + o];
            assertEquals(stored, raw.getDouble(8 * (((o * in + i) * k + y) * k + x)));
          }
        }
      }
    }
    // The head reads the 8×2×2 map: stored [out][h][w][c] (channel-last), PyTorch's [out][c·h·w].
    ProtoReader fc = tensor(tensors, "fc.weight");
    assertEquals(List.of(3L, 32L), fc.one(DIMS).packed());
    ParameterTable.Parameter w = net.architecture().parameters().get("fc.weight");
    ByteBuffer fcRaw = ByteBuffer.wrap(fc.one(RAW_DATA).bytes()).order(ByteOrder.LITTLE_ENDIAN);
    for (int o = 0; o < 3; o++) {
      for (int c = 0; c < 8; c++) {
        for (int pixel = 0; pixel < 4; pixel++) {
          assertEquals(net.parameters()[w.offset() + o * 32 + pixel * 8 + c],
              fcRaw.getDouble(8 * (o * 32 + c * 4 + pixel)));
        }
      }
    }
  }

  private static ProtoReader tensor(List<ProtoReader> tensors, String name) {
    return tensors.stream().filter(t -> t.one(NAME).string().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void theInputIsNchwAndBothEndsHaveASymbolicBatch() {
    ProtoReader graph = graphOf(new TinyConvNetwork(1, 3));
    ProtoReader input = graph.one(GRAPH_INPUT).message();
    assertEquals(Onnx.INPUT, input.one(1).string());
    assertEquals("double [batch, 2, 6, 6]", describe(input));
    ProtoReader output = graph.one(GRAPH_OUTPUT).message();
    assertEquals(Onnx.OUTPUT, output.one(1).string());
    assertEquals("double [batch, 3]", describe(output));
  }

  /** {@code ValueInfoProto} → {@code TypeProto.tensor_type} → elem_type and shape's dims. */
  private static String describe(ProtoReader valueInfo) {
    ProtoReader tensorType = valueInfo.one(2).message().one(1).message();
    List<String> dims = new ArrayList<>();
    for (ProtoReader.Field d : tensorType.one(2).message().all(1)) {
      ProtoReader dim = d.message();
      dims.add(dim.all(2).isEmpty() ? Long.toString(dim.one(1).varint()) : dim.one(2).string());
    }
    String type = switch ((int) tensorType.one(1).varint()) {
      case 1 -> "float";
      case 11 -> "double";
      default -> "type " + tensorType.one(1).varint();
    };
    return type + " " + dims.toString();
  }

  @Test
  void nodesFollowTheArchitectureInTopologicalOrder() {
    ProtoReader graph = graphOf(new TinyConvNetwork(1, 3));
    List<ProtoReader> nodes = graph.all(NODE).stream().map(ProtoReader.Field::message).toList();
    assertEquals(List.of(
        "Conv", "BatchNormalization", "Relu", // conv1, bn1
        "Conv", "BatchNormalization", "Relu", "Conv", "BatchNormalization", // layer1.0's main path
        "Conv", "BatchNormalization", "Add", "Relu", // its projection joins before bn2's ReLU
        "Conv", "BatchNormalization", "Relu", "Conv", "BatchNormalization", // layer2.0's main path
        "Constant", "Constant", "Constant", "Constant", "Slice", "Constant", "Pad", "Add", "Relu", // option A
        "Flatten", "Gemm"), // fc over the map
        nodes.stream().map(n -> n.one(OP_TYPE).string()).toList());
    Set<String> available = new HashSet<>(List.of(Onnx.INPUT));
    graph.all(INITIALIZER).forEach(t -> available.add(t.message().one(NAME).string()));
    for (ProtoReader n : nodes) {
      for (String in : n.strings(NODE_INPUT)) {
        assertTrue(available.contains(in), n.one(OP_TYPE).string() + " reads " + in + " before it exists");
      }
      available.addAll(n.strings(NODE_OUTPUT));
    }
    ProtoReader gemm = nodes.get(nodes.size() - 1);
    assertEquals(List.of(Onnx.OUTPUT), gemm.strings(NODE_OUTPUT));
    assertEquals(List.of("fc/Flatten", "fc.weight", "fc.bias"), gemm.strings(NODE_INPUT));
    assertEquals(1, attribute(gemm, "transB").one(3).varint());
  }

  @Test
  void theZeroPaddingShortcutSubsamplesThenPadsTheChannels() {
    List<ProtoReader> nodes = graphOf(new TinyConvNetwork(1, 3)).all(NODE).stream()
        .map(ProtoReader.Field::message).toList();
    assertEquals(List.of(2L, 2L), constant(nodes, "layer2.0.shortcut/steps"));
    assertEquals(List.of(2L, 3L), constant(nodes, "layer2.0.shortcut/axes"));
    // 6 channels into 8: NCHW pads, the begins of the four axes then their ends
    assertEquals(List.of(0L, 1L, 0L, 0L, 0L, 1L, 0L, 0L), constant(nodes, "layer2.0.shortcut/pads"));
  }

  /** The INT64 values of the {@code Constant} node that outputs {@code name}. */
  private static List<Long> constant(List<ProtoReader> nodes, String name) {
    ProtoReader node = nodes.stream().filter(n -> n.strings(NODE_OUTPUT).equals(List.of(name))).findFirst()
        .orElseThrow();
    ProtoReader tensor = attribute(node, "value").one(5).message();
    assertEquals(7, tensor.one(DATA_TYPE).varint(), "INT64");
    ByteBuffer raw = ByteBuffer.wrap(tensor.one(RAW_DATA).bytes()).order(ByteOrder.LITTLE_ENDIAN);
    List<Long> values = new ArrayList<>();
    while (raw.hasRemaining()) {
      values.add(raw.getLong());
    }
    return values;
  }

  private static ProtoReader attribute(ProtoReader node, String name) {
    return node.all(ATTRIBUTE).stream().map(ProtoReader.Field::message)
        .filter(a -> a.one(1).string().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void exportWritesTheEncodedModelAndNoTemporaryFile() throws IOException {
    TinyConvNetwork net = new TinyConvNetwork(1, 3);
    Path file = dir.resolve("models/tiny.onnx");
    Onnx.export(net, file);
    assertArrayEquals(Onnx.encode(net), Files.readAllBytes(file));
    try (var listing = Files.list(file.getParent())) {
      assertEquals(List.of(file), listing.toList());
    }
  }

  @Test
  void aNaNIsRefusedNamingTheTensorAndTheFileIsLeftAsItWas() throws IOException {
    TinyConvNetwork net = new TinyConvNetwork(1, 3);
    Path file = dir.resolve("tiny.onnx");
    Files.writeString(file, "the previous model");
    ParameterTable.Parameter p = net.architecture().parameters().get("layer1.0.conv2.weight");
    net.parameters()[p.offset() + 5] = Double.NaN; // stored [0][0][0][5]: PyTorch's [5, 0, 0, 0]
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Onnx.export(net, file));
    assertTrue(e.getMessage().contains("TinyConvNetwork"), e.getMessage());
    assertTrue(e.getMessage().contains("layer1.0.conv2.weight holds NaN at [5, 0, 0, 0]"), e.getMessage());
    assertEquals("the previous model", Files.readString(file));
  }

  @Test
  void aNegativeRunningVarianceIsRefused() {
    TinyConvNetwork net = new TinyConvNetwork(1, 3);
    int at = net.architecture().buffers().get("layer2.0.bn1.running_var").offset() + 3;
    net.buffers()[at] = -0.5;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Onnx.encode(net));
    assertTrue(e.getMessage().contains("layer2.0.bn1.running_var holds -0.5 at [3]"), e.getMessage());
  }

  @Test
  void aModelOverTwoGibibytesIsRefusedBeforeAnyCopy() {
    // 23,200² float weights are 2,152,960,000 bytes: more than a protobuf message may hold.
    Architecture huge = Architecture.builder("Huge", 23_200, 23_200, Loss.MEAN_SQUARED_ERROR, Precision.FLOAT, false)
        .dense("fc", 23_200, 23_200, Activation.NONE, Init.XAVIER_NORMAL, 0, 23_200 * 23_200, null)
        .build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Onnx.export(new ArchitectureOnly(huge), dir.resolve("huge.onnx")));
    assertTrue(e.getMessage().startsWith("Huge: "), e.getMessage());
    assertTrue(e.getMessage().contains("fc.weight [23200, 23200]"), e.getMessage());
    assertTrue(e.getMessage().contains("2 GiB"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("huge.onnx")));
  }

  @Test
  void aNetworkOfNeitherPrecisionIsRefused() {
    Network neither = new Network() {
      private final Architecture arch = new TinyConvNetwork(1, 3).architecture();

      @Override
      public Architecture architecture() {
        return arch;
      }

      @Override
      public int maxBatch() {
        return 1;
      }

      @Override
      public void forward(int batch) {}

      @Override
      public void backward(int batch, boolean inputGradient) {}

      @Override
      public void zeroGradients() {}
    };
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Onnx.encode(neither));
    assertTrue(e.getMessage().contains("neither a FloatNetwork nor a DoubleNetwork"), e.getMessage());
  }

  @Test
  void theCommandLineExplainsItsUsageAndWhatItCannotBuild() {
    assertEquals(2, run().status());
    assertTrue(run().err().contains("usage: java -cp <class path> dev.shortcut.runtime.onnx.OnnxExport "
        + "<network class> <checkpoint.safetensors> <model.onnx>"), run().err());
    Outcome missing = run("com.example.NoSuchNetwork", "a.safetensors", "a.onnx");
    assertEquals(2, missing.status());
    assertTrue(missing.err().contains("no class com.example.NoSuchNetwork on the class path"), missing.err());
    Outcome notANetwork = run("java.lang.String", "a.safetensors", "a.onnx");
    assertEquals(2, notANetwork.status());
    assertTrue(notANetwork.err().contains("java.lang.String is not a network"), notANetwork.err());
    Outcome noConstructor = run(TinyConvNetwork.class.getName(), "a.safetensors", "a.onnx");
    assertEquals(2, noConstructor.status());
    assertTrue(noConstructor.err().contains("has no public (int maxBatch) constructor"), noConstructor.err());
  }

  private record Outcome(int status, String out, String err) {}

  private static Outcome run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = OnnxExport.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A float network that has an architecture and no arrays: touching them fails the test. */
  private record ArchitectureOnly(Architecture architecture) implements FloatNetwork {
    @Override
    public int maxBatch() {
      return 1;
    }

    @Override
    public void forward(int batch) {
      throw new AssertionError("no arrays");
    }

    @Override
    public void backward(int batch, boolean inputGradient) {
      throw new AssertionError("no arrays");
    }

    @Override
    public void zeroGradients() {
      throw new AssertionError("no arrays");
    }

    @Override
    public float[] parameters() {
      throw new AssertionError("the export copied the parameters of a model it must refuse");
    }

    @Override
    public float[] gradients() {
      throw new AssertionError("no arrays");
    }

    @Override
    public float[] input() {
      throw new AssertionError("no arrays");
    }

    @Override
    public float[] output() {
      throw new AssertionError("no arrays");
    }

    @Override
    public float[] outputGradient() {
      throw new AssertionError("no arrays");
    }

    @Override
    public float[] inputGradient() {
      throw new AssertionError("no arrays");
    }
  }
}
