package dev.shortcut.runtime.onnx;

import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.checkpoint.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Exports a network as an ONNX model for serving (ONNX Runtime, Triton, DJL, onnxruntime-web):
 * {@code Onnx.export(net, Path.of("net.onnx"))}. The model computes what the network computes in
 * evaluation mode, with its current weights, on a batch of any size.
 *
 * <ul>
 *   <li>Opset 17, IR version 8; float32, or float64 for a network of {@link
 *       dev.shortcut.annotations.Precision#DOUBLE} precision.
 *   <li>One input, {@value #INPUT}: {@code [batch, channels, height, width]} (NCHW, as PyTorch
 *       takes images; Shortcut's own rows are NHWC) for an image network, {@code [batch, inputs]}
 *       otherwise. One output, {@value #OUTPUT}: {@code [batch, outputs]}, the logits. The batch
 *       dimension is the symbolic {@value #BATCH}.
 *   <li>Dense layers are {@code Gemm} ({@code transB = 1}, PyTorch's {@code [out, in]}),
 *       convolutions {@code Conv}, batch normalization {@code BatchNormalization} with its
 *       running statistics, pooling {@code MaxPool}, {@code AveragePool} and {@code
 *       GlobalAveragePool}, a shortcut an {@code Add} before its block's activation, a projection
 *       its {@code Gemm} or {@code Conv} (and {@code BatchNormalization}), the zero-padding
 *       shortcut a {@code Slice} with steps and a {@code Pad} of the channels.
 *   <li>Initializers are named and shaped as the network's checkpoint tensors ({@code
 *       layer1.0.conv1.weight [64, 64, 3, 3]}), PyTorch's {@code state_dict}.
 * </ul>
 *
 * <p>The command-line form is {@link OnnxExport}.
 */
public final class Onnx {
  /** Name of the model's input. */
  public static final String INPUT = "input";
  /** Name of the model's output. */
  public static final String OUTPUT = "output";
  /** Name of the symbolic batch dimension of the input and the output. */
  public static final String BATCH = "batch";

  private Onnx() {}

  /**
   * Writes the ONNX model of {@code net} to {@code file}, atomically, as checkpoints are written:
   * the bytes go to a temporary file beside it that is then renamed, so a failed export leaves
   * the previous file as it was.
   *
   * @throws IllegalArgumentException naming the network and the layer or tensor, before anything
   *     is written, when the network holds a NaN or an infinity, a layer or activation has no ONNX
   *     form, or the model would exceed the 2 GiB an ONNX file can hold
   * @throws IOException when the file cannot be written
   */
  public static void export(Network net, Path file) throws IOException {
    SafeTensors.writeBytes(file, encode(net));
  }

  /** The encoded model of {@code net}. */
  static byte[] encode(Network net) {
    ProtoWriter model = NetworkGraph.of(net).encode();
    if (model.size() > NetworkGraph.MAX_MODEL_BYTES) {
      throw new IllegalArgumentException(net.name() + ": its ONNX model takes " + model.size() + " bytes, more "
          + "than the 2 GiB one ONNX file can hold");
    }
    return model.toByteArray();
  }
}
