package dev.shortcut.examples.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.shortcut.examples.exercise.ResidualSigns50;
import dev.shortcut.examples.lecture.ResidualLecture20;
import dev.shortcut.examples.lecture.ResidualVeryDeep;
import dev.shortcut.examples.paper.PlainCifar20;
import dev.shortcut.examples.paper.ResidualCifar20;
import dev.shortcut.examples.torchvision.ResidualResNet18;
import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.ImageShape;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.onnx.Onnx;
import dev.shortcut.runtime.onnx.OnnxExport;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports each kind of example network to ONNX and runs the file in ONNX Runtime on random
 * inputs: its output must be the network's own, in evaluation mode, within 1e-5 relative (float
 * networks) or 1e-12 (double networks), in the norm {@link OnnxRuntimeCheck} defines. Networks
 * with batch normalization are checked after their running statistics have left 0 and 1, and
 * with every parameter non-zero, so that no block's main path hides behind a zero-initialized
 * scale.
 */
class OnnxExportTest {
  private static final double FLOAT_TOLERANCE = 1e-5;
  private static final double DOUBLE_TOLERANCE = 1e-12;

  @TempDir Path dir;

  @Test
  void denseLectureNetwork() throws Exception {
    checkRandomized(new ResidualLecture20(8, 1), 8, FLOAT_TOLERANCE);
  }

  @Test
  void theThousandLayerNetwork() throws Exception {
    checkRandomized(new ResidualVeryDeep(4, 2), 4, FLOAT_TOLERANCE);
  }

  @Test
  void cifarResNetAndItsPlainTwinAfterTraining() throws Exception {
    for (Network net : new Network[] {new ResidualCifar20(8, 3), new PlainCifar20(8, 3)}) {
      OnnxRuntimeCheck.makeNonTrivial(net, 8, 4);
      trainBriefly(net);
      check(net, 4, FLOAT_TOLERANCE);
    }
  }

  @Test
  void exerciseResNet50WithProjections() throws Exception {
    checkRandomized(new ResidualSigns50(2, 5, Kernels.withThreads(2)), 2, FLOAT_TOLERANCE);
  }

  @Test
  void torchvisionResNet18At224() throws Exception {
    checkRandomized(new ResidualResNet18(2, 6, Kernels.withThreads(2)), 1, FLOAT_TOLERANCE);
  }

  @Test
  void oddShapesPoolingPaddingAndDenseOverAMap() throws Exception {
    checkRandomized(new ResidualOnnxMixed(5, 7), 5, FLOAT_TOLERANCE);
  }

  @Test
  void aMapOutputKeepsShortcutsChannelLastOrder() throws Exception {
    checkRandomized(new ResidualOnnxMapHead(4, 10), 4, FLOAT_TOLERANCE);
  }

  @Test
  void doubleNetworksExportAsFloat64() throws Exception {
    checkRandomized(new ResidualOnnxDouble(3, 8), 3, DOUBLE_TOLERANCE);
    checkRandomized(new PlainOnnxDouble(3, 9), 3, DOUBLE_TOLERANCE);
  }

  @Test
  void theModelDeclaresItsInputOutputAndLayout() throws Exception {
    Path model = dir.resolve("cifar.onnx");
    Onnx.export(new ResidualCifar20(1), model);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions())) {
      NodeInfo input = session.getInputInfo().get(Onnx.INPUT);
      TensorInfo in = (TensorInfo) input.getInfo();
      assertEquals("[-1, 3, 32, 32]", Arrays.toString(in.getShape()));
      assertEquals(Onnx.BATCH, in.getDimensionNames()[0]);
      TensorInfo out = (TensorInfo) session.getOutputInfo().get(Onnx.OUTPUT).getInfo();
      assertEquals("[-1, 10]", Arrays.toString(out.getShape()));
      assertEquals(Onnx.BATCH, out.getDimensionNames()[0]);
      OnnxModelMetadata metadata = session.getMetadata();
      assertEquals("Shortcut", metadata.getProducerName());
      assertEquals("ResidualCifar20", metadata.getGraphName());
      assertTrue(metadata.getDescription().contains("NCHW"), metadata.getDescription());
      assertEquals("NCHW", metadata.getCustomMetadata().get("shortcut.input_layout"));
      assertEquals("20", metadata.getCustomMetadata().get("shortcut.layers"));
    }
  }

  @Test
  void commandLineLoadsTheCheckpointIntoANewInstanceAndExports() throws Exception {
    Network trained = new ResidualOnnxMixed(3, 11);
    OnnxRuntimeCheck.makeNonTrivial(trained, 3, 12);
    Path checkpoint = dir.resolve("mixed.safetensors");
    Checkpoints.save(trained, checkpoint);
    Path model = dir.resolve("mixed.onnx");
    OnnxExport.main(new String[] {ResidualOnnxMixed.class.getName(), checkpoint.toString(), model.toString()});
    // The command line built its own instance from seed 0: only the checkpoint makes it the trained one.
    OnnxRuntimeCheck.Comparison c = OnnxRuntimeCheck.compare(trained, model, 3, 13);
    assertTrue(c.relativeDifference() <= FLOAT_TOLERANCE, "relative difference " + c.relativeDifference() + "; most at "
        + c.worstElement());
    OnnxRuntimeCheck.Comparison fresh = OnnxRuntimeCheck.compare(new ResidualOnnxMixed(3, 0), model, 3, 13);
    assertTrue(fresh.relativeDifference() > 1e-2, "a fresh network computes what the trained model does");
  }

  /** Makes {@code net}'s parameters non-trivial, then checks it. */
  private void checkRandomized(Network net, int batch, double tolerance) throws IOException, OrtException {
    OnnxRuntimeCheck.makeNonTrivial(net, net.maxBatch(), 21);
    check(net, batch, tolerance);
  }

  /** Exports {@code net}, runs both on {@code batch} random rows and asserts they agree. */
  private void check(Network net, int batch, double tolerance) throws IOException, OrtException {
    Path model = dir.resolve(net.name() + ".onnx");
    long start = System.nanoTime();
    Onnx.export(net, model);
    double seconds = (System.nanoTime() - start) / 1e9;
    OnnxRuntimeCheck.Comparison c = OnnxRuntimeCheck.compare(net, model, batch, 31);
    System.out.printf("ONNX %-22s %,13d bytes, exported in %5.2f s, batch %d, max relative difference %.2e%n",
        net.name(), Files.size(model), seconds, batch, c.relativeDifference());
    assertTrue(c.relativeDifference() <= tolerance, net.name() + ": ONNX Runtime's output differs from "
        + "Shortcut's by " + c.relativeDifference() + " (relative), more than " + tolerance + "; most at "
        + c.worstElement());
  }

  /** A few steps of Adam on random images, so weights and running statistics are a trained network's. */
  private static void trainBriefly(Network net) {
    ImageShape image = net.architecture().imageShape().orElseThrow();
    int n = 16;
    SplittableRandom random = new SplittableRandom(41);
    float[] x = new float[n * image.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    int[] y = random.ints(n, 0, net.architecture().outputs()).toArray();
    Dataset data = Dataset.classification("random", x, image.size(), y, net.architecture().outputs())
        .withImageShape(image);
    Trainer.builder(Adam.withLearningRate(1e-2)).epochs(1).batchSize(8).seed(5).progress(false).build()
        .fit(net, data, null);
  }
}
