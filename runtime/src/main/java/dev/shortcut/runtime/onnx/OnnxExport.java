package dev.shortcut.runtime.onnx;

import dev.shortcut.runtime.Network;
import dev.shortcut.runtime.checkpoint.Checkpoints;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The command-line export: builds the generated network class, loads a checkpoint into it and
 * writes its ONNX model.
 *
 * <pre>
 * java -cp &lt;class path&gt; dev.shortcut.runtime.onnx.OnnxExport \
 *     &lt;network class&gt; &lt;checkpoint.safetensors&gt; &lt;model.onnx&gt;
 * </pre>
 *
 * <p>The class path holds the runtime and the generated class, which is named in full ({@code
 * dev.shortcut.examples.paper.ResidualCifar20}). The exit status is 0 on success, 1 when the
 * checkpoint or the model cannot be read or written, 2 for a usage error.
 */
public final class OnnxExport {
  private OnnxExport() {}

  /** Runs the export; exits with a non-zero status and a message on standard error when it fails. */
  public static void main(String[] args) {
    int status = run(System.out, System.err, args);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** The export, reporting to {@code out} and {@code err}; returns the exit status. */
  static int run(PrintStream out, PrintStream err, String... args) {
    if (args.length != 3) {
      err.println("usage: java -cp <class path> " + OnnxExport.class.getName()
          + " <network class> <checkpoint.safetensors> <model.onnx>");
      err.println("  e.g. dev.shortcut.examples.paper.ResidualCifar20 cifar20.safetensors cifar20.onnx");
      return 2;
    }
    Network net;
    try {
      net = instantiate(args[0]);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    Path checkpoint = Path.of(args[1]);
    Path model = Path.of(args[2]);
    try {
      Checkpoints.load(net, checkpoint);
      long start = System.nanoTime();
      Onnx.export(net, model);
      out.printf("wrote %s: %s, %d parameter tensors, %,d bytes, in %.1f s%n", model, net.name(),
          net.architecture().parameters().count(), Files.size(model), (System.nanoTime() - start) / 1e9);
      return 0;
    } catch (IOException | IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  /** A new instance of the generated class {@code className}, with buffers for one row. */
  static Network instantiate(String className) {
    Class<?> type;
    try {
      type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("no class " + className + " on the class path: name the generated network "
          + "class in full (package included), and put it and its dependencies on the class path");
    }
    if (!Network.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException(className + " is not a network: name a class the Shortcut processor "
          + "generated, such as ResidualCifar20, not its declaration");
    }
    try {
      return (Network) type.getConstructor(int.class).newInstance(1);
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(className + " has no public (int maxBatch) constructor: name a class the "
          + "Shortcut processor generated");
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException("building " + className + " failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot build " + className + ": " + e, e);
    }
  }
}
