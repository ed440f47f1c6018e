package dev.shortcut.runtime.testing;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.Init;
import dev.shortcut.annotations.Loss;
import dev.shortcut.annotations.Precision;
import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.DoubleNetwork;
import dev.shortcut.runtime.Shape;
import dev.shortcut.runtime.ShortcutKind;
import dev.shortcut.runtime.init.Initialization;
import java.util.Arrays;

/**
 * A hand-written convolutional residual network in double precision, forward pass only, written
 * with plain loops over the layouts the generator uses (NHWC activations, HWIO convolution weights,
 * a dense head over the NHWC-flattened map): for checkpoint layouts, buffers, batch counts, the
 * training/evaluation mode and initialization. The runtime tests cannot use the processor, and
 * the convolution kernels are another branch's, so it needs neither.
 *
 * <pre>
 * input 2×6×6 → conv1 3×3 (4) → bn1, relu
 *   layer1.0: conv1 3×3/2 (6) → bn1, relu → conv2 3×3 (6) → bn2 ⊕ downsample (1×1/2 conv, bn) → relu
 *   layer2.0: conv1 3×3/2 (8) → bn1, relu → conv2 3×3 (8) → bn2 ⊕ zero-pad shortcut (stride 2) → relu
 * → fc over the 8×2×2 map flattened (NHWC) → 3 logits
 * </pre>
 */
public final class TinyConvNetwork implements DoubleNetwork {
  public static final Shape INPUT = Shape.of(2, 6, 6);
  private static final double MOMENTUM = 0.1;
  private static final double EPSILON = 1e-5;

  private final int maxBatch;
  private final Architecture architecture;
  private final double[] parameters;
  private final double[] gradients;
  private final double[] buffers;
  private final long[] batchCounts;
  private final double[] input;
  private final double[] output;
  private final double[] outputGradient;
  private final double[] inputGradient;
  private boolean training = true;
  private int forwardCalls;

  private int nextParameter;
  private int nextBuffer;
  private int nextCounter;

  private final Architecture.ConvLayer conv1;
  private final Architecture.BatchNormLayer bn1;
  private final Architecture.ConvLayer l1conv1;
  private final Architecture.BatchNormLayer l1bn1;
  private final Architecture.ConvLayer l1conv2;
  private final Architecture.BatchNormLayer l1bn2;
  private final Architecture.ConvLayer l1down;
  private final Architecture.BatchNormLayer l1downBn;
  private final Architecture.ConvLayer l2conv1;
  private final Architecture.BatchNormLayer l2bn1;
  private final Architecture.ConvLayer l2conv2;
  private final Architecture.BatchNormLayer l2bn2;
  private final Architecture.DenseLayer fc;

  public TinyConvNetwork(int maxBatch, long seed) {
    this.maxBatch = maxBatch;
    conv1 = conv("conv1", INPUT, 4, 3, 1, 1, null);
    bn1 = bn("bn1", conv1.output(), Activation.RELU, Init.AUTO, null);
    l1down = conv("layer1.0.downsample.0", bn1.output(), 6, 1, 2, 0, "layer1.0");
    l1downBn = bn("layer1.0.downsample.1", l1down.output(), Activation.NONE, Init.AUTO, "layer1.0");
    l1conv1 = conv("layer1.0.conv1", bn1.output(), 6, 3, 2, 1, "layer1.0");
    l1bn1 = bn("layer1.0.bn1", l1conv1.output(), Activation.RELU, Init.AUTO, "layer1.0");
    l1conv2 = conv("layer1.0.conv2", l1bn1.output(), 6, 3, 1, 1, "layer1.0");
    l1bn2 = bn("layer1.0.bn2", l1conv2.output(), Activation.RELU, Init.ZERO, "layer1.0");
    l2conv1 = conv("layer2.0.conv1", l1bn2.output(), 8, 3, 2, 1, "layer2.0");
    l2bn1 = bn("layer2.0.bn1", l2conv1.output(), Activation.RELU, Init.AUTO, "layer2.0");
    l2conv2 = conv("layer2.0.conv2", l2bn1.output(), 8, 3, 1, 1, "layer2.0");
    l2bn2 = bn("layer2.0.bn2", l2conv2.output(), Activation.RELU, Init.ZERO, "layer2.0");
    Shape map = l2bn2.output();
    fc = new Architecture.DenseLayer("fc", map, 3, Activation.NONE, Init.XAVIER_NORMAL, take(3 * map.size()), take(3),
        null);
    architecture = Architecture.builder("TinyConvNetwork", INPUT, 3, Loss.SOFTMAX_CROSS_ENTROPY, Precision.DOUBLE,
            true)
        .add(conv1).add(bn1)
        .add(l1conv1).add(l1bn1).add(l1conv2).add(l1bn2)
        .add(l2conv1).add(l2bn1).add(l2conv2).add(l2bn2)
        .add(fc)
        .block("layer1.0", bn1.output(), l1bn2.output(), ShortcutKind.PROJECTION, 2, 2, 5, l1down, l1downBn)
        .block("layer2.0", l1bn2.output(), l2bn2.output(), ShortcutKind.ZERO_PAD, 2, 6, 9)
        .build();
    parameters = new double[nextParameter];
    gradients = new double[nextParameter];
    buffers = new double[nextBuffer];
    batchCounts = new long[nextCounter];
    input = new double[maxBatch * INPUT.size()];
    output = new double[maxBatch * 3];
    outputGradient = new double[output.length];
    inputGradient = new double[input.length];
    Initialization.apply(this, seed);
  }

  private int take(int n) {
    int at = nextParameter;
    nextParameter += n;
    return at;
  }

  private Architecture.ConvLayer conv(String name, Shape in, int filters, int kernel, int stride, int padding,
      String block) {
    return Architecture.ConvLayer.of(name, in, filters, kernel, stride, padding, Activation.NONE, Init.AUTO,
        take(kernel * kernel * in.channels() * filters), -1, block);
  }

  private Architecture.BatchNormLayer bn(String name, Shape shape, Activation g, Init init, String block) {
    int c = shape.channels();
    int mean = nextBuffer;
    nextBuffer += 2 * c;
    return new Architecture.BatchNormLayer(name, shape, MOMENTUM, EPSILON, g, init, take(c), take(c), mean, mean + c,
        nextCounter++, block);
  }

  @Override
  public void forward(int batch) {
    forwardCalls++;
    double[] a1 = batchNorm(bn1, conv(conv1, input, batch), batch, null);
    double[] down = batchNorm(l1downBn, conv(l1down, a1, batch), batch, null);
    double[] h = batchNorm(l1bn1, conv(l1conv1, a1, batch), batch, null);
    double[] a2 = batchNorm(l1bn2, conv(l1conv2, h, batch), batch, down);
    Shape in = l1bn2.output();
    Shape out = l2bn2.output();
    double[] padded = new double[batch * out.size()]; // the zero-pad shortcut, materialized here
    int before = (out.channels() - in.channels()) / 2; // zero channels before the input, as PyTorch pads
    for (int n = 0; n < batch; n++) {
      for (int y = 0; y < out.height(); y++) {
        for (int x = 0; x < out.width(); x++) {
          for (int c = 0; c < in.channels(); c++) {
            padded[n * out.size() + (y * out.width() + x) * out.channels() + before + c] =
                a2[n * in.size() + (2 * y * in.width() + 2 * x) * in.channels() + c];
          }
        }
      }
    }
    h = batchNorm(l2bn1, conv(l2conv1, a2, batch), batch, null);
    double[] a3 = batchNorm(l2bn2, conv(l2conv2, h, batch), batch, padded);
    int features = out.size();
    for (int n = 0; n < batch; n++) {
      for (int o = 0; o < 3; o++) {
        double z = parameters[fc.biasOffset() + o];
        for (int f = 0; f < features; f++) {
          z += parameters[fc.weightOffset() + o * features + f] * a3[n * features + f];
        }
        output[n * 3 + o] = z;
      }
    }
  }

  /** NHWC convolution with HWIO weights, zero padding. */
  private double[] conv(Architecture.ConvLayer l, double[] x, int batch) {
    Shape in = l.input();
    Shape out = l.output();
    double[] y = new double[batch * out.size()];
    int k = l.kernel();
    for (int n = 0; n < batch; n++) {
      for (int oy = 0; oy < out.height(); oy++) {
        for (int ox = 0; ox < out.width(); ox++) {
          for (int o = 0; o < out.channels(); o++) {
            double s = 0;
            for (int ky = 0; ky < k; ky++) {
              for (int kx = 0; kx < k; kx++) {
                int iy = oy * l.stride() - l.padding() + ky;
                int ix = ox * l.stride() - l.padding() + kx;
                if (iy < 0 || ix < 0 || iy >= in.height() || ix >= in.width()) {
                  continue;
                }
                for (int i = 0; i < in.channels(); i++) {
                  s += x[n * in.size() + (iy * in.width() + ix) * in.channels() + i]
                      * parameters[l.weightOffset() + ((ky * k + kx) * in.channels() + i) * out.channels() + o];
                }
              }
            }
            y[n * out.size() + (oy * out.width() + ox) * out.channels() + o] = s;
          }
        }
      }
    }
    return y;
  }

  /** Batch normalization (PyTorch's semantics in either mode), then {@code + shortcut}, then the activation. */
  private double[] batchNorm(Architecture.BatchNormLayer l, double[] x, int batch, double[] shortcut) {
    int c = l.channels();
    int rows = batch * l.shape().size() / c;
    double[] mean = new double[c];
    double[] variance = new double[c];
    if (training) {
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < c; j++) {
          mean[j] += x[r * c + j] / rows;
        }
      }
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < c; j++) {
          variance[j] += (x[r * c + j] - mean[j]) * (x[r * c + j] - mean[j]) / rows;
        }
      }
      for (int j = 0; j < c; j++) {
        buffers[l.meanOffset() + j] = (1 - l.momentum()) * buffers[l.meanOffset() + j] + l.momentum() * mean[j];
        buffers[l.varianceOffset() + j] = (1 - l.momentum()) * buffers[l.varianceOffset() + j]
            + l.momentum() * variance[j] * rows / (rows - 1);
      }
      batchCounts[l.counter()]++;
    } else {
      System.arraycopy(buffers, l.meanOffset(), mean, 0, c);
      System.arraycopy(buffers, l.varianceOffset(), variance, 0, c);
    }
    double[] y = new double[x.length];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < c; j++) {
        double v = parameters[l.weightOffset() + j] * (x[r * c + j] - mean[j]) / Math.sqrt(variance[j] + l.epsilon())
            + parameters[l.biasOffset() + j] + (shortcut == null ? 0 : shortcut[r * c + j]);
        y[r * c + j] = l.activation() == Activation.RELU ? Math.max(v, 0) : v;
      }
    }
    return y;
  }

  @Override
  public void backward(int batch, boolean inputGradient) {
    throw new UnsupportedOperationException("TinyConvNetwork has a forward pass only");
  }

  @Override
  public void zeroGradients() {
    Arrays.fill(gradients, 0);
  }

  @Override
  public void setTraining(boolean training) {
    this.training = training;
  }

  @Override
  public boolean isTraining() {
    return training;
  }

  /** How many forward passes ran. */
  public int forwardCalls() {
    return forwardCalls;
  }

  @Override
  public Architecture architecture() {
    return architecture;
  }

  @Override
  public int maxBatch() {
    return maxBatch;
  }

  @Override
  public double[] parameters() {
    return parameters;
  }

  @Override
  public double[] gradients() {
    return gradients;
  }

  @Override
  public double[] buffers() {
    return buffers;
  }

  @Override
  public long[] batchCounts() {
    return batchCounts;
  }

  @Override
  public double[] input() {
    return input;
  }

  @Override
  public double[] output() {
    return output;
  }

  @Override
  public double[] outputGradient() {
    return outputGradient;
  }

  @Override
  public double[] inputGradient() {
    return inputGradient;
  }
}
