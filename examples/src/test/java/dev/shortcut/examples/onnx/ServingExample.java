package dev.shortcut.examples.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.onnx.Onnx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The code that {@code docs/onnx.md} quotes: export a network, then serve the file with ONNX
 * Runtime's Java API. {@link ServingExampleTest} runs it.
 */
final class ServingExample {
  private ServingExample() {}

  /** Writes the model of {@code net} into {@code dir}. */
  static Path export(Network net, Path dir) throws IOException {
    // tag::export[]
    Path model = dir.resolve("cifar20.onnx");
    Onnx.export(net, model);
    // end::export[]
    return model;
  }

  /** The class of each image, {@code images[n][channel][y][x]}, by the model at {@code model}. */
  static int[] classify(Path model, float[][][][] images) throws OrtException {
    // tag::serve[]
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(model.toString());
        OnnxTensor input = OnnxTensor.createTensor(env, images); // [batch][3][32][32], NCHW
        OrtSession.Result result = session.run(Map.of("input", input))) {
      float[][] logits = (float[][]) result.get("output").orElseThrow().getValue(); // [batch][10]
      int[] classes = new int[logits.length];
      for (int n = 0; n < logits.length; n++) {
        for (int c = 1; c < logits[n].length; c++) {
          if (logits[n][c] > logits[n][classes[n]]) {
            classes[n] = c;
          }
        }
      }
      return classes;
    }
    // end::serve[]
  }

  // tag::nchw[]
  /** Shortcut's input rows (NHWC, channels last) as the model's input (NCHW). */
  static float[][][][] toNchw(float[] rows, int batch, int channels, int height, int width) {
    float[][][][] images = new float[batch][channels][height][width];
    for (int n = 0; n < batch; n++) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          for (int c = 0; c < channels; c++) {
            images[n][c][y][x] = rows[((n * height + y) * width + x) * channels + c];
          }
        }
      }
    }
    return images;
  }
  // end::nchw[]
}
