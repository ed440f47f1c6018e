package dev.shortcut.runtime.kernel;

import dev.shortcut.annotations.Activation;

/**
 * The kernels of convolutional networks in double precision, the verification precision used for
 * finite-difference gradient checks: {@link ScalarSpatialProvider}'s loops with doubles, on the
 * calling thread.
 */
final class DoubleSpatial {
  private DoubleSpatial() {}

  static void conv2d(ConvShape c, int batch, double[] x, int xOff, double[] w, int wOff, double[] y, int yOff) {
    int cin = c.inChannels();
    int cout = c.outChannels();
    for (int n = 0; n < batch; n++) {
      for (int oh = 0; oh < c.outHeight(); oh++) {
        for (int ow = 0; ow < c.outWidth(); ow++) {
          int yi = yOff + ((n * c.outHeight() + oh) * c.outWidth() + ow) * cout;
          for (int co = 0; co < cout; co++) {
            double sum = 0;
            for (int kh = 0; kh < c.kernelHeight(); kh++) {
              int ih = oh * c.stride() - c.padTop() + kh;
              if (ih < 0 || ih >= c.inHeight()) {
                continue;
              }
              for (int kw = 0; kw < c.kernelWidth(); kw++) {
                int iw = ow * c.stride() - c.padLeft() + kw;
                if (iw < 0 || iw >= c.inWidth()) {
                  continue;
                }
                int xi = xOff + ((n * c.inHeight() + ih) * c.inWidth() + iw) * cin;
                int wi = wOff + (kh * c.kernelWidth() + kw) * cin * cout + co;
                for (int ci = 0; ci < cin; ci++) {
                  sum += x[xi + ci] * w[wi + ci * cout];
                }
              }
            }
            y[yi + co] = sum;
          }
        }
      }
    }
  }

  static void conv2dBackwardInput(ConvShape c, int batch, double[] dy, int dyOff, double[] w, int wOff,
      double[] dx, int dxOff, boolean accumulate) {
    // The adjoint of the forward loops: every product the forward pass summed into y[oh][ow][co]
    // sends dy[oh][ow][co] back to the input element it came from.
    int cin = c.inChannels();
    int cout = c.outChannels();
    if (!accumulate) {
      java.util.Arrays.fill(dx, dxOff, dxOff + batch * c.inputSize(), 0);
    }
    for (int n = 0; n < batch; n++) {
      for (int oh = 0; oh < c.outHeight(); oh++) {
        for (int ow = 0; ow < c.outWidth(); ow++) {
          int dyi = dyOff + ((n * c.outHeight() + oh) * c.outWidth() + ow) * cout;
          for (int kh = 0; kh < c.kernelHeight(); kh++) {
            int ih = oh * c.stride() - c.padTop() + kh;
            if (ih < 0 || ih >= c.inHeight()) {
              continue;
            }
            for (int kw = 0; kw < c.kernelWidth(); kw++) {
              int iw = ow * c.stride() - c.padLeft() + kw;
              if (iw < 0 || iw >= c.inWidth()) {
                continue;
              }
              int dxi = dxOff + ((n * c.inHeight() + ih) * c.inWidth() + iw) * cin;
              int wi = wOff + (kh * c.kernelWidth() + kw) * cin * cout;
              for (int ci = 0; ci < cin; ci++) {
                double sum = 0;
                for (int co = 0; co < cout; co++) {
                  sum += dy[dyi + co] * w[wi + ci * cout + co];
                }
                dx[dxi + ci] += sum;
              }
            }
          }
        }
      }
    }
  }

  static void conv2dBackwardWeights(ConvShape c, int batch, double[] x, int xOff, double[] dy, int dyOff,
      double[] dw, int dwOff) {
    int cin = c.inChannels();
    int cout = c.outChannels();
    int rows = c.kernelHeight() * c.kernelWidth() * cin;
    for (int row = 0; row < rows; row++) {
      int kh = row / (c.kernelWidth() * cin);
      int kw = row / cin % c.kernelWidth();
      int ci = row % cin;
      for (int co = 0; co < cout; co++) {
        double sum = 0;
        for (int n = 0; n < batch; n++) {
          for (int oh = 0; oh < c.outHeight(); oh++) {
            int ih = oh * c.stride() - c.padTop() + kh;
            if (ih < 0 || ih >= c.inHeight()) {
              continue;
            }
            for (int ow = 0; ow < c.outWidth(); ow++) {
              int iw = ow * c.stride() - c.padLeft() + kw;
              if (iw < 0 || iw >= c.inWidth()) {
                continue;
              }
              sum += x[xOff + ((n * c.inHeight() + ih) * c.inWidth() + iw) * cin + ci]
                  * dy[dyOff + ((n * c.outHeight() + oh) * c.outWidth() + ow) * cout + co];
            }
          }
        }
        dw[dwOff + row * cout + co] += sum;
      }
    }
  }

  static void batchNormMoments(int rows, int channels, double[] x, int xOff, double[] saved, int savedOff) {
    for (int c = 0; c < channels; c++) {
      double sum = 0;
      for (int r = 0; r < rows; r++) {
        sum += x[xOff + r * channels + c];
      }
      double mean = sum / rows;
      double squares = 0;
      for (int r = 0; r < rows; r++) {
        double d = x[xOff + r * channels + c] - mean;
        squares += d * d;
      }
      saved[savedOff + c] = mean;
      saved[savedOff + channels + c] = squares / rows;
    }
  }

  static void batchNormForward(int rows, int channels, double[] x, int xOff, double[] saved, int savedOff,
      double[] params, int gammaOff, int betaOff, double[] shortcut, int shortcutOff, ZeroPadShortcut pad,
      double[] out, int outOff, Activation g) {
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < channels; c++) {
        int i = r * channels + c;
        double scale = params[gammaOff + c] * saved[savedOff + channels + c];
        double v = (x[xOff + i] - saved[savedOff + c]) * scale + params[betaOff + c];
        if (pad != null) {
          v += zeroPadShortcut(pad, shortcut, shortcutOff, r, c);
        } else if (shortcut != null) {
          v += shortcut[shortcutOff + i];
        }
        out[outOff + i] = Kernels.activate(g, v);
      }
    }
  }

  /** The option-A view at output row {@code r}, channel {@code c}. */
  static double zeroPadShortcut(ZeroPadShortcut pad, double[] in, int inOff, int r, int c) {
    int channel = c - pad.firstChannel();
    if (channel < 0 || channel >= pad.inChannels()) {
      return 0;
    }
    int pixels = pad.outHeight() * pad.outWidth();
    int n = r / pixels;
    int h = r % pixels / pad.outWidth();
    int w = r % pad.outWidth();
    return in[inOff + ((n * pad.inHeight() + h * pad.stride()) * pad.inWidth() + w * pad.stride())
        * pad.inChannels() + channel];
  }

  static void batchNormBackwardSums(int rows, int channels, double[] x, int xOff, double[] saved, int savedOff,
      double[] out, int outOff, double[] grad, int gradOff, Activation g) {
    for (int c = 0; c < channels; c++) {
      double mean = saved[savedOff + c];
      double sum = 0;
      double sumCentered = 0;
      for (int r = 0; r < rows; r++) {
        int i = r * channels + c;
        double dz = Kernels.gradient(g, out[outOff + i], grad[gradOff + i]);
        grad[gradOff + i] = dz;
        sum += dz;
        sumCentered += dz * (x[xOff + i] - mean);
      }
      saved[savedOff + 2 * channels + c] = sum;
      saved[savedOff + 3 * channels + c] = sumCentered;
    }
  }

  static void batchNormBackwardInput(int rows, int channels, double[] x, int xOff, double[] saved, int savedOff,
      double[] params, int gammaOff, double[] dz, int dzOff, double[] dx, int dxOff, boolean accumulate) {
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < channels; c++) {
        int i = r * channels + c;
        double k = params[gammaOff + c] * saved[savedOff + channels + c];
        double centered = x[xOff + i] - saved[savedOff + c];
        double d = k * (dz[dzOff + i] - saved[savedOff + 2 * channels + c]
            - centered * saved[savedOff + 3 * channels + c]);
        dx[dxOff + i] = accumulate ? dx[dxOff + i] + d : d;
      }
    }
  }

  static void zeroPadShortcutBackward(ZeroPadShortcut pad, int batch, double[] dz, int dzOff, double[] dIn,
      int dInOff, boolean accumulate) {
    int s = pad.stride();
    int cin = pad.inChannels();
    for (int n = 0; n < batch; n++) {
      for (int ih = 0; ih < pad.inHeight(); ih++) {
        for (int iw = 0; iw < pad.inWidth(); iw++) {
          int di = dInOff + ((n * pad.inHeight() + ih) * pad.inWidth() + iw) * cin;
          boolean read = ih % s == 0 && iw % s == 0;
          int zi = dzOff + ((n * pad.outHeight() + ih / s) * pad.outWidth() + iw / s) * pad.outChannels()
              + pad.firstChannel();
          for (int c = 0; c < cin; c++) {
            double d = read ? dz[zi + c] : 0;
            dIn[di + c] = accumulate ? dIn[di + c] + d : d;
          }
        }
      }
    }
  }

  static void maxPool(PoolShape p, int batch, double[] x, int xOff, double[] y, int yOff) {
    int ch = p.channels();
    for (int n = 0; n < batch; n++) {
      for (int oh = 0; oh < p.outHeight(); oh++) {
        for (int ow = 0; ow < p.outWidth(); ow++) {
          int yi = yOff + ((n * p.outHeight() + oh) * p.outWidth() + ow) * ch;
          for (int c = 0; c < ch; c++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int kh = 0; kh < p.kernelHeight(); kh++) {
              int ih = oh * p.stride() - p.padTop() + kh;
              for (int kw = 0; kw < p.kernelWidth(); kw++) {
                int iw = ow * p.stride() - p.padLeft() + kw;
                if (ih >= 0 && ih < p.inHeight() && iw >= 0 && iw < p.inWidth()) {
                  max = Math.max(max, x[xOff + ((n * p.inHeight() + ih) * p.inWidth() + iw) * ch + c]);
                }
              }
            }
            y[yi + c] = max;
          }
        }
      }
    }
  }

  static void maxPoolBackward(PoolShape p, int batch, double[] x, int xOff, double[] y, int yOff, double[] dy,
      int dyOff, double[] dx, int dxOff, boolean accumulate) {
    int ch = p.channels();
    if (!accumulate) {
      java.util.Arrays.fill(dx, dxOff, dxOff + batch * p.inputSize(), 0);
    }
    for (int n = 0; n < batch; n++) {
      for (int oh = 0; oh < p.outHeight(); oh++) {
        for (int ow = 0; ow < p.outWidth(); ow++) {
          int yi = ((n * p.outHeight() + oh) * p.outWidth() + ow) * ch;
          for (int c = 0; c < ch; c++) {
            int at = argMax(p, x, xOff, n, oh, ow, c, y[yOff + yi + c]);
            dx[dxOff + at] += dy[dyOff + yi + c];
          }
        }
      }
    }
  }

  /** Index (from {@code xOff}) of the first element of the window equal to its maximum. */
  static int argMax(PoolShape p, double[] x, int xOff, int n, int oh, int ow, int c, double max) {
    for (int kh = 0; kh < p.kernelHeight(); kh++) {
      int ih = oh * p.stride() - p.padTop() + kh;
      for (int kw = 0; kw < p.kernelWidth(); kw++) {
        int iw = ow * p.stride() - p.padLeft() + kw;
        if (ih >= 0 && ih < p.inHeight() && iw >= 0 && iw < p.inWidth()) {
          int i = ((n * p.inHeight() + ih) * p.inWidth() + iw) * p.channels() + c;
          double v = x[xOff + i];
          if (v == max || (v != v && max != max)) {
            return i;
          }
        }
      }
    }
    throw new IllegalArgumentException("max pooling backward: output " + max + " at sample " + n + ", row " + oh
        + ", column " + ow + ", channel " + c + " is not in its window; pass the forward pass's input and output");
  }

  static void averagePool(PoolShape p, int batch, double[] x, int xOff, double[] y, int yOff) {
    int ch = p.channels();
    int area = p.kernelHeight() * p.kernelWidth();
    for (int n = 0; n < batch; n++) {
      for (int oh = 0; oh < p.outHeight(); oh++) {
        for (int ow = 0; ow < p.outWidth(); ow++) {
          int yi = yOff + ((n * p.outHeight() + oh) * p.outWidth() + ow) * ch;
          for (int c = 0; c < ch; c++) {
            double sum = 0;
            for (int kh = 0; kh < p.kernelHeight(); kh++) {
              int ih = oh * p.stride() - p.padTop() + kh;
              for (int kw = 0; kw < p.kernelWidth(); kw++) {
                int iw = ow * p.stride() - p.padLeft() + kw;
                if (ih >= 0 && ih < p.inHeight() && iw >= 0 && iw < p.inWidth()) {
                  sum += x[xOff + ((n * p.inHeight() + ih) * p.inWidth() + iw) * ch + c];
                }
              }
            }
            y[yi + c] = sum / area;
          }
        }
      }
    }
  }

  static void averagePoolBackward(PoolShape p, int batch, double[] dy, int dyOff, double[] dx, int dxOff,
      boolean accumulate) {
    int ch = p.channels();
    int area = p.kernelHeight() * p.kernelWidth();
    if (!accumulate) {
      java.util.Arrays.fill(dx, dxOff, dxOff + batch * p.inputSize(), 0);
    }
    for (int n = 0; n < batch; n++) {
      for (int oh = 0; oh < p.outHeight(); oh++) {
        for (int ow = 0; ow < p.outWidth(); ow++) {
          int yi = dyOff + ((n * p.outHeight() + oh) * p.outWidth() + ow) * ch;
          for (int kh = 0; kh < p.kernelHeight(); kh++) {
            int ih = oh * p.stride() - p.padTop() + kh;
            for (int kw = 0; kw < p.kernelWidth(); kw++) {
              int iw = ow * p.stride() - p.padLeft() + kw;
              if (ih >= 0 && ih < p.inHeight() && iw >= 0 && iw < p.inWidth()) {
                int xi = dxOff + ((n * p.inHeight() + ih) * p.inWidth() + iw) * ch;
                for (int c = 0; c < ch; c++) {
                  dx[xi + c] += dy[yi + c] / area;
                }
              }
            }
          }
        }
      }
    }
  }

  static void globalAveragePool(int batch, int pixels, int channels, double[] x, int xOff, double[] y, int yOff) {
    for (int n = 0; n < batch; n++) {
      for (int c = 0; c < channels; c++) {
        double sum = 0;
        for (int p = 0; p < pixels; p++) {
          sum += x[xOff + (n * pixels + p) * channels + c];
        }
        y[yOff + n * channels + c] = sum / pixels;
      }
    }
  }

  static void globalAveragePoolBackward(int batch, int pixels, int channels, double[] dy, int dyOff, double[] dx,
      int dxOff, boolean accumulate) {
    for (int n = 0; n < batch; n++) {
      for (int p = 0; p < pixels; p++) {
        for (int c = 0; c < channels; c++) {
          int i = dxOff + (n * pixels + p) * channels + c;
          double d = dy[dyOff + n * channels + c] / pixels;
          dx[i] = accumulate ? dx[i] + d : d;
        }
      }
    }
  }

  static void activation(int count, double[] z, int zOff, double[] s, int sOff, Activation g) {
    for (int i = 0; i < count; i++) {
      z[zOff + i] = Kernels.activate(g, s == null ? z[zOff + i] : z[zOff + i] + s[sOff + i]);
    }
  }

  static void activationBackward(int count, double[] a, int aOff, double[] grad, int gradOff, Activation g) {
    for (int i = 0; i < count; i++) {
      grad[gradOff + i] = Kernels.gradient(g, a[aOff + i], grad[gradOff + i]);
    }
  }
}
