package dev.shortcut.runtime.checkpoint;

import java.util.Map;

/**
 * {@link dev.shortcut.runtime.testing.TinyConvNetwork} in evaluation mode as PyTorch computes it:
 * NCHW activations, weights in PyTorch's layouts read by name from a state dict ({@code
 * conv.weight[out][in][kh][kw]}, {@code fc.weight[out][c·h·w]} after a CHW flatten). Written
 * without the runtime's layouts, so a checkpoint that converts wrongly gives other logits.
 */
final class TorchReference {
  private final Map<String, double[]> state;

  TorchReference(Map<String, double[]> state) {
    this.state = state;
  }

  /** Logits of one CHW sample. */
  double[] forward(double[] chw) {
    double[][][] x = new double[2][6][6];
    for (int c = 0; c < 2; c++) {
      for (int y = 0; y < 6; y++) {
        for (int w = 0; w < 6; w++) {
          x[c][y][w] = chw[(c * 6 + y) * 6 + w];
        }
      }
    }
    double[][][] a1 = relu(bn("bn1", conv("conv1", x, 4, 3, 1, 1)));
    double[][][] down = bn("layer1.0.downsample.1", conv("layer1.0.downsample.0", a1, 6, 1, 2, 0));
    double[][][] h = relu(bn("layer1.0.bn1", conv("layer1.0.conv1", a1, 6, 3, 2, 1)));
    double[][][] a2 = relu(add(bn("layer1.0.bn2", conv("layer1.0.conv2", h, 6, 3, 1, 1)), down));
    // Option A: F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, 1, 1)), one zero channel on each side.
    double[][][] pad = new double[8][2][2];
    for (int c = 0; c < 6; c++) {
      for (int y = 0; y < 2; y++) {
        for (int w = 0; w < 2; w++) {
          pad[1 + c][y][w] = a2[c][2 * y][2 * w];
        }
      }
    }
    h = relu(bn("layer2.0.bn1", conv("layer2.0.conv1", a2, 8, 3, 2, 1)));
    double[][][] a3 = relu(add(bn("layer2.0.bn2", conv("layer2.0.conv2", h, 8, 3, 1, 1)), pad));
    double[] weight = state.get("fc.weight");
    double[] bias = state.get("fc.bias");
    double[] logits = new double[3];
    for (int o = 0; o < 3; o++) {
      double z = bias[o];
      for (int c = 0; c < 8; c++) {
        for (int y = 0; y < 2; y++) {
          for (int w = 0; w < 2; w++) {
            z += weight[o * 32 + (c * 2 + y) * 2 + w] * a3[c][y][w]; // torch.flatten(x, 1) of NCHW
          }
        }
      }
      logits[o] = z;
    }
    return logits;
  }

  private double[][][] conv(String name, double[][][] x, int out, int k, int stride, int pad) {
    double[] w = state.get(name + ".weight");
    int in = x.length;
    int height = (x[0].length + 2 * pad - k) / stride + 1;
    int width = (x[0][0].length + 2 * pad - k) / stride + 1;
    double[][][] y = new double[out][height][width];
    for (int o = 0; o < out; o++) {
      for (int oy = 0; oy < height; oy++) {
        for (int ox = 0; ox < width; ox++) {
          double s = 0;
          for (int i = 0; i < in; i++) {
            for (int ky = 0; ky < k; ky++) {
              for (int kx = 0; kx < k; kx++) {
                int iy = oy * stride - pad + ky;
                int ix = ox * stride - pad + kx;
                if (iy >= 0 && ix >= 0 && iy < x[0].length && ix < x[0][0].length) {
                  s += w[((o * in + i) * k + ky) * k + kx] * x[i][iy][ix];
                }
              }
            }
          }
          y[o][oy][ox] = s;
        }
      }
    }
    return y;
  }

  private double[][][] bn(String name, double[][][] x) {
    double[] gamma = state.get(name + ".weight");
    double[] beta = state.get(name + ".bias");
    double[] mean = state.get(name + ".running_mean");
    double[] var = state.get(name + ".running_var");
    double[][][] y = new double[x.length][x[0].length][x[0][0].length];
    for (int c = 0; c < x.length; c++) {
      for (int i = 0; i < x[0].length; i++) {
        for (int j = 0; j < x[0][0].length; j++) {
          y[c][i][j] = gamma[c] * (x[c][i][j] - mean[c]) / Math.sqrt(var[c] + 1e-5) + beta[c];
        }
      }
    }
    return y;
  }

  private static double[][][] add(double[][][] a, double[][][] b) {
    for (int c = 0; c < a.length; c++) {
      for (int i = 0; i < a[0].length; i++) {
        for (int j = 0; j < a[0][0].length; j++) {
          a[c][i][j] += b[c][i][j];
        }
      }
    }
    return a;
  }

  private static double[][][] relu(double[][][] a) {
    for (double[][] plane : a) {
      for (double[] row : plane) {
        for (int j = 0; j < row.length; j++) {
          row[j] = Math.max(row[j], 0);
        }
      }
    }
    return a;
  }
}
