package dev.shortcut.runtime.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An ONNX model under construction, and its encoding: a graph of nodes over named values, its
 * initializers (the weights), one input and one output with a symbolic batch dimension, and the
 * model's header. The field numbers are those of {@code onnx/onnx.proto} (IR version 8), quoted
 * next to each constant; only the fields written here are listed.
 */
final class OnnxModel {
  /** IR version 8 goes with opset 17 (ONNX 1.12). */
  static final long IR_VERSION = 8;
  /** The default ("ai.onnx") operator set this export targets. */
  static final long OPSET = 17;

  /** {@code TensorProto.DataType}: FLOAT = 1, INT64 = 7, DOUBLE = 11. */
  enum DataType {
    FLOAT(1),
    INT64(7),
    DOUBLE(11);

    final int code;

    DataType(int code) {
      this.code = code;
    }
  }

  // ModelProto
  private static final int MODEL_IR_VERSION = 1; // int64 ir_version
  private static final int MODEL_PRODUCER_NAME = 2; // string producer_name
  private static final int MODEL_PRODUCER_VERSION = 3; // string producer_version
  private static final int MODEL_DOMAIN = 4; // string domain
  private static final int MODEL_VERSION = 5; // int64 model_version
  private static final int MODEL_DOC_STRING = 6; // string doc_string
  private static final int MODEL_GRAPH = 7; // GraphProto graph
  private static final int MODEL_OPSET_IMPORT = 8; // repeated OperatorSetIdProto opset_import
  private static final int MODEL_METADATA_PROPS = 14; // repeated StringStringEntryProto metadata_props
  // OperatorSetIdProto
  private static final int OPSET_DOMAIN = 1; // string domain ("" is ai.onnx)
  private static final int OPSET_VERSION = 2; // int64 version
  // StringStringEntryProto
  private static final int ENTRY_KEY = 1; // string key
  private static final int ENTRY_VALUE = 2; // string value
  // GraphProto
  private static final int GRAPH_NODE = 1; // repeated NodeProto node
  private static final int GRAPH_NAME = 2; // string name
  private static final int GRAPH_INITIALIZER = 5; // repeated TensorProto initializer
  private static final int GRAPH_DOC_STRING = 10; // string doc_string
  private static final int GRAPH_INPUT = 11; // repeated ValueInfoProto input
  private static final int GRAPH_OUTPUT = 12; // repeated ValueInfoProto output
  // NodeProto
  private static final int NODE_INPUT = 1; // repeated string input
  private static final int NODE_OUTPUT = 2; // repeated string output
  private static final int NODE_NAME = 3; // string name
  private static final int NODE_OP_TYPE = 4; // string op_type
  private static final int NODE_ATTRIBUTE = 5; // repeated AttributeProto attribute
  // AttributeProto, and its AttributeType enum (field 20)
  private static final int ATTRIBUTE_NAME = 1; // string name
  private static final int ATTRIBUTE_F = 2; // float f
  private static final int ATTRIBUTE_I = 3; // int64 i
  private static final int ATTRIBUTE_S = 4; // bytes s
  private static final int ATTRIBUTE_T = 5; // TensorProto t
  private static final int ATTRIBUTE_INTS = 8; // repeated int64 ints
  private static final int ATTRIBUTE_TYPE = 20; // AttributeType type
  private static final int TYPE_FLOAT = 1;
  private static final int TYPE_INT = 2;
  private static final int TYPE_STRING = 3;
  private static final int TYPE_TENSOR = 4;
  private static final int TYPE_INTS = 7;
  // TensorProto
  private static final int TENSOR_DIMS = 1; // repeated int64 dims
  private static final int TENSOR_DATA_TYPE = 2; // int32 data_type
  private static final int TENSOR_NAME = 8; // string name
  private static final int TENSOR_RAW_DATA = 9; // bytes raw_data: fixed-width little-endian elements
  // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
  private static final int VALUE_INFO_NAME = 1; // string name
  private static final int VALUE_INFO_TYPE = 2; // TypeProto type
  private static final int TYPE_TENSOR_TYPE = 1; // TypeProto.Tensor tensor_type
  private static final int TENSOR_TYPE_ELEM_TYPE = 1; // int32 elem_type
  private static final int TENSOR_TYPE_SHAPE = 2; // TensorShapeProto shape
  private static final int SHAPE_DIM = 1; // repeated Dimension dim
  private static final int DIM_VALUE = 1; // int64 dim_value
  private static final int DIM_PARAM = 2; // string dim_param (a symbolic dimension)

  /** A node attribute: exactly one of an int, a float, a string, a list of ints or a tensor. */
  sealed interface Attribute permits IntAttribute, FloatAttribute, StringAttribute, IntsAttribute, TensorAttribute {
    String name();
  }

  record IntAttribute(String name, long value) implements Attribute {}

  record FloatAttribute(String name, float value) implements Attribute {}

  record StringAttribute(String name, String value) implements Attribute {}

  record IntsAttribute(String name, long... values) implements Attribute {}

  record TensorAttribute(String name, Tensor value) implements Attribute {}

  /** One operator applied to named values, producing named values. */
  record Node(String name, String opType, List<String> inputs, List<String> outputs, List<Attribute> attributes) {
    Node {
      inputs = List.copyOf(inputs);
      outputs = List.copyOf(outputs);
      attributes = List.copyOf(attributes);
    }
  }

  /** A tensor: its elements little-endian, row-major, as {@code raw_data}. */
  record Tensor(String name, DataType type, long[] dims, byte[] raw) {
    Tensor {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
    }

    /** A {@code DOUBLE} scalar (shape {@code []}). */
    static Tensor ofDouble(String name, double value) {
      byte[] raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(value).array();
      return new Tensor(name, DataType.DOUBLE, new long[0], raw);
    }

    /** An {@code INT64} tensor of shape {@code [values.length]}. */
    static Tensor ofLongs(String name, long... values) {
      ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
      b.asLongBuffer().put(values);
      return new Tensor(name, DataType.INT64, new long[] {values.length}, b.array());
    }
  }

  /**
   * A graph input or output: element type and shape, where a dimension of -1 is the symbolic
   * {@code dimParam}.
   */
  record ValueInfo(String name, DataType type, long[] dims, String dimParam) {}

  private final String graphName;
  private final List<Node> nodes = new ArrayList<>();
  private final List<Tensor> initializers = new ArrayList<>();
  private final Set<String> produced = new HashSet<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private ValueInfo input;
  private ValueInfo output;
  private String docString = "";
  private String producerVersion = "";

  OnnxModel(String graphName) {
    this.graphName = Objects.requireNonNull(graphName, "graphName");
  }

  /** Adds a node; each value is produced once (by an initializer, the input or one node). */
  void node(Node node) {
    for (String out : node.outputs()) {
      declare(out);
    }
    nodes.add(node);
  }

  void initializer(Tensor tensor) {
    declare(tensor.name());
    initializers.add(tensor);
  }

  void input(ValueInfo info) {
    declare(info.name());
    this.input = info;
  }

  void output(ValueInfo info) {
    this.output = info;
  }

  void docString(String text) {
    this.docString = text;
  }

  void producerVersion(String version) {
    this.producerVersion = version;
  }

  void metadata(String key, String value) {
    metadata.put(key, value);
  }

  List<Node> nodes() {
    return nodes;
  }

  List<Tensor> initializers() {
    return initializers;
  }

  /**
   * Renames the value {@code from} to {@code to}, the graph's output: the node that produces it
   * writes {@code to} instead, or, when other nodes read {@code from}, an {@code Identity} copies it.
   */
  void rename(String from, String to) {
    boolean read = nodes.stream().anyMatch(n -> n.inputs().contains(from));
    int producer = -1;
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i).outputs().contains(from)) {
        producer = i;
      }
    }
    if (read || producer < 0) {
      node(new Node(to, "Identity", List.of(from), List.of(to), List.of()));
      return;
    }
    Node n = nodes.get(producer);
    List<String> outputs = n.outputs().stream().map(o -> o.equals(from) ? to : o).toList();
    nodes.set(producer, new Node(n.name(), n.opType(), n.inputs(), outputs, n.attributes()));
    produced.remove(from);
    declare(to);
  }

  /**
   * Checks that the nodes are in topological order (each reads only the input, initializers and
   * earlier nodes' outputs), that the output is produced, and that every initializer is read.
   */
  void check() {
    Set<String> available = new HashSet<>();
    available.add(input.name());
    Set<String> unread = new LinkedHashSet<>();
    for (Tensor t : initializers) {
      available.add(t.name());
      unread.add(t.name());
    }
    for (Node n : nodes) {
      for (String in : n.inputs()) {
        if (!available.contains(in)) {
          throw new IllegalStateException("graph " + graphName + ": node " + n.name() + " reads " + in
              + " before anything produces it");
        }
        unread.remove(in);
      }
      available.addAll(n.outputs());
    }
    if (!available.contains(output.name())) {
      throw new IllegalStateException("graph " + graphName + ": nothing produces the output " + output.name());
    }
    if (!unread.isEmpty()) {
      throw new IllegalStateException("graph " + graphName + ": initializers " + unread + " are never read");
    }
  }

  private void declare(String value) {
    if (!produced.add(value)) {
      throw new IllegalStateException("value " + value + " is produced twice in graph " + graphName);
    }
  }

  /** The whole {@code ModelProto}. */
  ProtoWriter encode() {
    if (input == null || output == null) {
      throw new IllegalStateException("graph " + graphName + " needs an input and an output");
    }
    ProtoWriter graph = new ProtoWriter();
    for (Node n : nodes) {
      graph.message(GRAPH_NODE, encodeNode(n));
    }
    graph.string(GRAPH_NAME, graphName);
    for (Tensor t : initializers) {
      graph.message(GRAPH_INITIALIZER, encodeTensor(t));
    }
    graph.string(GRAPH_DOC_STRING, docString);
    graph.message(GRAPH_INPUT, encodeValueInfo(input));
    graph.message(GRAPH_OUTPUT, encodeValueInfo(output));

    ProtoWriter model = new ProtoWriter();
    model.varint(MODEL_IR_VERSION, IR_VERSION);
    model.string(MODEL_PRODUCER_NAME, "Shortcut");
    model.string(MODEL_PRODUCER_VERSION, producerVersion);
    model.string(MODEL_DOMAIN, "dev.shortcut");
    model.varint(MODEL_VERSION, 1);
    model.string(MODEL_DOC_STRING, docString);
    model.message(MODEL_GRAPH, graph);
    model.message(MODEL_OPSET_IMPORT, new ProtoWriter().string(OPSET_DOMAIN, "").varint(OPSET_VERSION, OPSET));
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      model.message(MODEL_METADATA_PROPS,
          new ProtoWriter().string(ENTRY_KEY, e.getKey()).string(ENTRY_VALUE, e.getValue()));
    }
    return model;
  }

  private static ProtoWriter encodeNode(Node n) {
    ProtoWriter w = new ProtoWriter();
    for (String in : n.inputs()) {
      w.string(NODE_INPUT, in);
    }
    for (String out : n.outputs()) {
      w.string(NODE_OUTPUT, out);
    }
    w.string(NODE_NAME, n.name());
    w.string(NODE_OP_TYPE, n.opType());
    for (Attribute a : n.attributes()) {
      w.message(NODE_ATTRIBUTE, encodeAttribute(a));
    }
    return w;
  }

  private static ProtoWriter encodeAttribute(Attribute a) {
    ProtoWriter w = new ProtoWriter().string(ATTRIBUTE_NAME, a.name());
    if (a instanceof IntAttribute i) {
      w.varint(ATTRIBUTE_I, i.value()).varint(ATTRIBUTE_TYPE, TYPE_INT);
    } else if (a instanceof FloatAttribute f) {
      w.float32(ATTRIBUTE_F, f.value()).varint(ATTRIBUTE_TYPE, TYPE_FLOAT);
    } else if (a instanceof StringAttribute s) {
      w.string(ATTRIBUTE_S, s.value()).varint(ATTRIBUTE_TYPE, TYPE_STRING);
    } else if (a instanceof IntsAttribute list) {
      w.packedVarints(ATTRIBUTE_INTS, list.values()).varint(ATTRIBUTE_TYPE, TYPE_INTS);
    } else {
      w.message(ATTRIBUTE_T, encodeTensor(((TensorAttribute) a).value())).varint(ATTRIBUTE_TYPE, TYPE_TENSOR);
    }
    return w;
  }

  private static ProtoWriter encodeTensor(Tensor t) {
    ProtoWriter w = new ProtoWriter();
    if (t.dims().length > 0) {
      w.packedVarints(TENSOR_DIMS, t.dims());
    }
    return w.varint(TENSOR_DATA_TYPE, t.type().code).string(TENSOR_NAME, t.name()).bytes(TENSOR_RAW_DATA, t.raw());
  }

  private static ProtoWriter encodeValueInfo(ValueInfo v) {
    ProtoWriter shape = new ProtoWriter();
    for (long d : v.dims()) {
      shape.message(SHAPE_DIM, d < 0 ? new ProtoWriter().string(DIM_PARAM, v.dimParam())
          : new ProtoWriter().varint(DIM_VALUE, d));
    }
    ProtoWriter tensorType = new ProtoWriter().varint(TENSOR_TYPE_ELEM_TYPE, v.type().code)
        .message(TENSOR_TYPE_SHAPE, shape);
    return new ProtoWriter().string(VALUE_INFO_NAME, v.name())
        .message(VALUE_INFO_TYPE, new ProtoWriter().message(TYPE_TENSOR_TYPE, tensorType));
  }
}
