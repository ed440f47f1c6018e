package dev.shortcut.processor;

import dev.shortcut.annotations.Activation;
import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.Architecture.BatchNormLayer;
import dev.shortcut.runtime.Architecture.Block;
import dev.shortcut.runtime.Architecture.ConvLayer;
import dev.shortcut.runtime.Architecture.DenseLayer;
import dev.shortcut.runtime.Architecture.GlobalAvgPoolLayer;
import dev.shortcut.runtime.Architecture.Layer;
import dev.shortcut.runtime.Architecture.PoolLayer;
import dev.shortcut.runtime.Architecture.Pooling;
import dev.shortcut.runtime.Shape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A convolutional network computed from its {@link Architecture} alone, with plain loops in double
 * precision over NCHW arrays (the generated kernels work on NHWC, so the two share no indexing), as
 * PyTorch defines each operation: convolutions with zero padding, batch normalization with the
 * batch's statistics (biased variance) in training mode and the running ones in evaluation mode,
 * max pooling padded with −∞ and average pooling counting the padding, floor mode, and the three
 * kinds of shortcut. It keeps running statistics of its own, starting at PyTorch's (mean 0,
 * variance 1), updated with the momentum and the unbiased variance as {@code BatchNorm2d} does.
 *
 * <p>Parameters are read from the network's parameter array at the offsets the architecture gives,
 * in the layouts it documents: convolution weights {@code [kh][kw][in][out]}, dense weights
 * {@code [out][in]}, over a flattened map {@code [out][h][w][c]} (NHWC flatten order).
 */
final class NaiveConvNetwork {
  /** PyTorch's default slope of {@code nn.LeakyReLU}. */
  private static final double LEAKY_SLOPE = 0.01;

  private final Architecture architecture;
  private final Map<String, double[]> runningMean = new HashMap<>();
  private final Map<String, double[]> runningVariance = new HashMap<>();
  private final Map<String, Long> batchesTracked = new HashMap<>();
  /** Where the last forward pass sat on each kink, when asked for ({@link #kinks}); else null. */
  private StringBuilder kinks;

  NaiveConvNetwork(Architecture architecture) {
    this.architecture = architecture;
    for (BatchNormLayer bn : architecture.batchNorms()) {
      runningMean.put(bn.name(), new double[bn.channels()]);
      double[] variance = new double[bn.channels()];
      java.util.Arrays.fill(variance, 1);
      runningVariance.put(bn.name(), variance);
      batchesTracked.put(bn.name(), 0L);
    }
  }

  /** A batch of maps, {@code [n][c][h][w]} row-major. */
  record Maps(int n, Shape shape, double[] v) {
    Maps(int n, Shape shape) {
      this(n, shape, new double[n * shape.size()]);
    }

    int at(int s, int c, int y, int x) {
      return ((s * shape.channels() + c) * shape.height() + y) * shape.width() + x;
    }

    double get(int s, int c, int y, int x) {
      return v[at(s, c, y, x)];
    }
  }

  double[] runningMean(String batchNorm) {
    return runningMean.get(batchNorm);
  }

  double[] runningVariance(String batchNorm) {
    return runningVariance.get(batchNorm);
  }

  long batchesTracked(String batchNorm) {
    return batchesTracked.get(batchNorm);
  }

  /**
   * Which side of every kink the training-mode forward pass of {@code input} sits on: the sign of
   * each input to a ReLU or leaky ReLU, the position of each max-pooling window's maximum. Where
   * two points of parameter or input space give the same pattern, the network is one smooth
   * function between them (barring two crossings), and a central difference over them is exact to
   * second order.
   */
  static String kinks(Architecture architecture, double[] parameters, double[] input, int batch) {
    NaiveConvNetwork n = new NaiveConvNetwork(architecture);
    n.kinks = new StringBuilder();
    n.forward(parameters, input, batch, true);
    return n.kinks.toString();
  }

  /**
   * The output rows, {@code [batch][outputs]}, of {@code input} rows stored as the network stores
   * them (each sample an HWC image, or a flat vector), in training or evaluation mode.
   */
  double[] forward(double[] parameters, double[] input, int batch, boolean training) {
    Shape in = architecture.input();
    Maps x = new Maps(batch, in);
    for (int s = 0; s < batch; s++) {
      for (int y = 0; y < in.height(); y++) {
        for (int xx = 0; xx < in.width(); xx++) {
          for (int c = 0; c < in.channels(); c++) {
            x.v[x.at(s, c, y, xx)] = input[s * in.size() + (y * in.width() + xx) * in.channels() + c];
          }
        }
      }
    }
    List<Layer> layers = architecture.layers();
    List<Block> blocks = architecture.blocks();
    Maps[] blockInput = new Maps[blocks.size()];
    for (int li = 0; li < layers.size(); li++) {
      for (int bi = 0; bi < blocks.size(); bi++) {
        if (blocks.get(bi).firstLayer() == li) {
          blockInput[bi] = x;
        }
      }
      Layer layer = layers.get(li);
      Maps z = linear(layer, x, parameters, training);
      // A block's shortcut joins its last layer before the activation; inner blocks end first.
      for (int bi = blocks.size() - 1; bi >= 0; bi--) {
        Block b = blocks.get(bi);
        if (b.lastLayer() == li) {
          Maps shortcut = shortcut(b, blockInput[bi], parameters, training);
          if (shortcut != null) {
            for (int i = 0; i < z.v.length; i++) {
              z.v[i] += shortcut.v[i];
            }
          }
        }
      }
      activate(layer.activation(), z);
      x = z;
    }
    return x.v; // flat: [n][outputs][1][1]
  }

  private void activate(Activation g, Maps z) {
    for (int i = 0; i < z.v.length; i++) {
      if (kinks != null && (g == Activation.RELU || g == Activation.LEAKY_RELU)) {
        kinks.append(z.v[i] > 0 ? '+' : '-');
      }
      z.v[i] = activation(g, z.v[i]);
    }
  }

  /** A layer's output before its activation. */
  private Maps linear(Layer layer, Maps x, double[] p, boolean training) {
    if (layer instanceof DenseLayer d) {
      return dense(d, x, p);
    } else if (layer instanceof ConvLayer c) {
      return conv(c, x, p);
    } else if (layer instanceof BatchNormLayer bn) {
      return batchNorm(bn, x, p, training);
    } else if (layer instanceof PoolLayer pool) {
      return pool(pool, x);
    } else {
      return globalAveragePool((GlobalAvgPoolLayer) layer, x);
    }
  }

  private static Maps dense(DenseLayer d, Maps x, double[] p) {
    Shape in = d.input();
    Maps z = new Maps(x.n, d.output());
    for (int s = 0; s < x.n; s++) {
      for (int o = 0; o < d.units(); o++) {
        double sum = d.hasBias() ? p[d.biasOffset() + o] : 0;
        for (int c = 0; c < in.channels(); c++) {
          for (int y = 0; y < in.height(); y++) {
            for (int xx = 0; xx < in.width(); xx++) {
              int column = (y * in.width() + xx) * in.channels() + c; // NHWC flatten order
              sum += p[d.weightOffset() + o * in.size() + column] * x.get(s, c, y, xx);
            }
          }
        }
        z.v[z.at(s, o, 0, 0)] = sum;
      }
    }
    return z;
  }

  private static Maps conv(ConvLayer c, Maps x, double[] p) {
    Shape in = c.input();
    Shape out = c.output();
    int k = c.kernel();
    Maps z = new Maps(x.n, out);
    for (int s = 0; s < x.n; s++) {
      for (int o = 0; o < out.channels(); o++) {
        for (int oy = 0; oy < out.height(); oy++) {
          for (int ox = 0; ox < out.width(); ox++) {
            double sum = c.hasBias() ? p[c.biasOffset() + o] : 0;
            for (int i = 0; i < in.channels(); i++) {
              for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                  int y = oy * c.stride() - c.padding() + ky;
                  int xx = ox * c.stride() - c.padding() + kx;
                  if (y >= 0 && y < in.height() && xx >= 0 && xx < in.width()) {
                    double w = p[c.weightOffset() + ((ky * k + kx) * in.channels() + i) * out.channels() + o];
                    sum += w * x.get(s, i, y, xx);
                  }
                }
              }
            }
            z.v[z.at(s, o, oy, ox)] = sum;
          }
        }
      }
    }
    return z;
  }

  private Maps batchNorm(BatchNormLayer bn, Maps x, double[] p, boolean training) {
    Shape shape = bn.shape();
    int count = x.n * shape.height() * shape.width();
    Maps z = new Maps(x.n, shape);
    double[] runMean = runningMean.get(bn.name());
    double[] runVar = runningVariance.get(bn.name());
    for (int c = 0; c < shape.channels(); c++) {
      double mean;
      double variance;
      if (training) {
        double sum = 0;
        for (int s = 0; s < x.n; s++) {
          for (int y = 0; y < shape.height(); y++) {
            for (int xx = 0; xx < shape.width(); xx++) {
              sum += x.get(s, c, y, xx);
            }
          }
        }
        mean = sum / count;
        double squares = 0;
        for (int s = 0; s < x.n; s++) {
          for (int y = 0; y < shape.height(); y++) {
            for (int xx = 0; xx < shape.width(); xx++) {
              double d = x.get(s, c, y, xx) - mean;
              squares += d * d;
            }
          }
        }
        variance = squares / count;
        runMean[c] = (1 - bn.momentum()) * runMean[c] + bn.momentum() * mean;
        runVar[c] = (1 - bn.momentum()) * runVar[c] + bn.momentum() * squares / (count - 1);
      } else {
        mean = runMean[c];
        variance = runVar[c];
      }
      double scale = p[bn.weightOffset() + c] / Math.sqrt(variance + bn.epsilon());
      double shift = p[bn.biasOffset() + c];
      for (int s = 0; s < x.n; s++) {
        for (int y = 0; y < shape.height(); y++) {
          for (int xx = 0; xx < shape.width(); xx++) {
            z.v[z.at(s, c, y, xx)] = (x.get(s, c, y, xx) - mean) * scale + shift;
          }
        }
      }
    }
    if (training) {
      batchesTracked.merge(bn.name(), 1L, Long::sum);
    }
    return z;
  }

  private Maps pool(PoolLayer pool, Maps x) {
    Shape in = pool.input();
    Shape out = pool.output();
    int k = pool.kernel();
    Maps z = new Maps(x.n, out);
    for (int s = 0; s < x.n; s++) {
      for (int c = 0; c < out.channels(); c++) {
        for (int oy = 0; oy < out.height(); oy++) {
          for (int ox = 0; ox < out.width(); ox++) {
            double max = Double.NEGATIVE_INFINITY;
            int argmax = -1;
            double sum = 0;
            for (int ky = 0; ky < k; ky++) {
              for (int kx = 0; kx < k; kx++) {
                int y = oy * pool.stride() - pool.padding() + ky;
                int xx = ox * pool.stride() - pool.padding() + kx;
                if (y >= 0 && y < in.height() && xx >= 0 && xx < in.width()) {
                  if (x.get(s, c, y, xx) > max) {
                    max = x.get(s, c, y, xx);
                    argmax = ky * k + kx;
                  }
                  sum += x.get(s, c, y, xx);
                }
              }
            }
            if (kinks != null && pool.kind() == Pooling.MAX) {
              kinks.append((char) ('A' + argmax));
            }
            // Floor mode keeps every window inside the padded input: the divisor is always k².
            z.v[z.at(s, c, oy, ox)] = pool.kind() == Pooling.MAX ? max : sum / (k * k);
          }
        }
      }
    }
    return z;
  }

  private static Maps globalAveragePool(GlobalAvgPoolLayer g, Maps x) {
    Shape in = g.input();
    Maps z = new Maps(x.n, g.output());
    for (int s = 0; s < x.n; s++) {
      for (int c = 0; c < in.channels(); c++) {
        double sum = 0;
        for (int y = 0; y < in.height(); y++) {
          for (int xx = 0; xx < in.width(); xx++) {
            sum += x.get(s, c, y, xx);
          }
        }
        z.v[z.at(s, c, 0, 0)] = sum / (in.height() * in.width());
      }
    }
    return z;
  }

  /** What a block's shortcut adds at its last layer, or null for none. */
  private Maps shortcut(Block b, Maps in, double[] p, boolean training) {
    switch (b.shortcut()) {
      case NONE:
        return null;
      case IDENTITY:
        return in;
      case PROJECTION: {
        Maps x = in;
        for (Layer l : b.projection()) {
          Maps z = linear(l, x, p, training);
          activate(l.activation(), z);
          x = z;
        }
        return x;
      }
      case ZERO_PAD: {
        Shape out = b.output();
        Maps z = new Maps(in.n, out);
        // As PyTorch's CIFAR ResNets pad: half the zero channels before the input, the rest after.
        int first = (out.channels() - in.shape.channels()) / 2;
        for (int s = 0; s < in.n; s++) {
          for (int c = 0; c < in.shape.channels(); c++) {
            for (int y = 0; y < out.height(); y++) {
              for (int x = 0; x < out.width(); x++) {
                z.v[z.at(s, first + c, y, x)] = in.get(s, c, y * b.stride(), x * b.stride());
              }
            }
          }
        }
        return z;
      }
      default:
        throw new AssertionError(b.shortcut());
    }
  }

  static double activation(Activation g, double z) {
    switch (g) {
      case NONE:
        return z;
      case RELU:
        return Math.max(0, z);
      case LEAKY_RELU:
        return z > 0 ? z : LEAKY_SLOPE * z;
      case TANH:
        return Math.tanh(z);
      case SIGMOID:
        return 1 / (1 + Math.exp(-z));
      default:
        throw new AssertionError(g);
    }
  }
}
