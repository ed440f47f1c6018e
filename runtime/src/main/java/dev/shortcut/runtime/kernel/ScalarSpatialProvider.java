package dev.shortcut.runtime.kernel;

import dev.shortcut.annotations.Activation;

/**
 * The reference for the kernels of convolutional networks: the definitions written as plain loops,
 * one element at a time, sums of statistics in double. The Vector API kernels are tested against
 * it, and it is the fallback without the Vector API. {@link DoubleSpatial} is the same code in
 * double precision.
 */
final class ScalarSpatialProvider implements SpatialFloatProvider {
  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public int vectorLength() {
    return 1;
  }

  /** The first index of share {@code part} when {@code total} items are split in {@code parts}. */
  static int share(int total, int part, int parts) {
    return (int) ((long) total * part / parts);
  }

  @Override
  public void conv2d(ConvShape c, int batch, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff,
      int part, int parts) {
    int cin = c.inChannels();
    int cout = c.outChannels();
    for (int n = share(batch, part, parts); n < share(batch, part + 1, parts); n++) {
      for (int oh = 0; oh < c.outHeight(); oh++) {
        for (int ow = 0; ow < c.outWidth(); ow++) {
          int yi = yOff + ((n * c.outHeight() + oh) * c.outWidth() + ow) * cout;
          for (int co = 0; co < cout; co++) {
            float sum = 0;
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

  @Override
  public void prepareBackwardInput(ConvShape c, float[] w, int wOff, float[] scratch, int scratchOff) {
    // The reference reads the weights as they are.
  }

  @Override
  public void conv2dBackwardInput(ConvShape c, int batch, float[] dy, int dyOff, float[] w, int wOff,
      float[] scratch, int scratchOff, float[] dx, int dxOff, boolean accumulate, int part, int parts) {
    // The adjoint of the forward loops: every product the forward pass summed into y[oh][ow][co]
    // sends dy[oh][ow][co] back to the input element it came from.
    int cin = c.inChannels();
    int cout = c.outChannels();
    int n0 = share(batch, part, parts);
    int n1 = share(batch, part + 1, parts);
    if (!accumulate) {
      java.util.Arrays.fill(dx, dxOff + n0 * c.inputSize(), dxOff + n1 * c.inputSize(), 0);
    }
    for (int n = n0; n < n1; n++) {
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
                float sum = 0;
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

  @Override
  public void conv2dBackwardWeights(ConvShape c, int batch, float[] x, int xOff, float[] dy, int dyOff,
      float[] dw, int dwOff, int part, int parts) {
    int cin = c.inChannels();
    int cout = c.outChannels();
    int rows = c.kernelHeight() * c.kernelWidth() * cin;
    for (int row = share(rows, part, parts); row < share(rows, part + 1, parts); row++) {
      int kh = row / (c.kernelWidth() * cin);
      int kw = row / cin % c.kernelWidth();
      int ci = row % cin;
      for (int co = 0; co < cout; co++) {
        float sum = 0;
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

  @Override
  public void batchNormMoments(int rows, int channels, float[] x, int xOff, float[] saved, int savedOff,
      int part, int parts) {
    moments(rows, channels, share(channels, part, parts), share(channels, part + 1, parts), x, xOff, saved,
        savedOff);
  }

  /** {@link #batchNormMoments} for channels {@code [c0, c1)}: two passes, sums in double. */
  static void moments(int rows, int channels, int c0, int c1, float[] x, int xOff, float[] saved, int savedOff) {
    for (int c = c0; c < c1; c++) {
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
      saved[savedOff + c] = (float) mean;
      saved[savedOff + channels + c] = (float) (squares / rows);
    }
  }

  @Override
  public void batchNormForward(int rows, int channels, float[] x, int xOff, float[] saved, int savedOff,
      float[] params, int gammaOff, int betaOff, float[] shortcut, int shortcutOff, ZeroPadShortcut pad,
      float[] out, int outOff, Activation g, int part, int parts) {
    normalize(share(rows, part, parts), share(rows, part + 1, parts), channels, 0, channels, x, xOff, saved,
        savedOff, params, gammaOff, betaOff, shortcut, shortcutOff, pad, out, outOff, g);
  }

  /** {@link #batchNormForward} for rows {@code [r0, r1)} and channels {@code [c0, c1)}. */
  static void normalize(int r0, int r1, int channels, int c0, int c1, float[] x, int xOff, float[] saved,
      int savedOff, float[] params, int gammaOff, int betaOff, float[] shortcut, int shortcutOff,
      ZeroPadShortcut pad, float[] out, int outOff, Activation g) {
    for (int r = r0; r < r1; r++) {
      for (int c = c0; c < c1; c++) {
        int i = r * channels + c;
        float scale = params[gammaOff + c] * saved[savedOff + channels + c];
        float v = (x[xOff + i] - saved[savedOff + c]) * scale + params[betaOff + c];
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
  static float zeroPadShortcut(ZeroPadShortcut pad, float[] in, int inOff, int r, int c) {
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

  @Override
  public void batchNormBackwardSums(int rows, int channels, float[] x, int xOff, float[] saved, int savedOff,
      float[] out, int outOff, float[] grad, int gradOff, Activation g, int part, int parts) {
    backwardSums(rows, channels, share(channels, part, parts), share(channels, part + 1, parts), x, xOff, saved,
        savedOff, out, outOff, grad, gradOff, g);
  }

  /** {@link #batchNormBackwardSums} for channels {@code [c0, c1)}, sums in double. */
  static void backwardSums(int rows, int channels, int c0, int c1, float[] x, int xOff, float[] saved,
      int savedOff, float[] out, int outOff, float[] grad, int gradOff, Activation g) {
    for (int c = c0; c < c1; c++) {
      float mean = saved[savedOff + c];
      double sum = 0;
      double sumCentered = 0;
      for (int r = 0; r < rows; r++) {
        int i = r * channels + c;
        float dz = Kernels.gradient(g, out[outOff + i], grad[gradOff + i]);
        grad[gradOff + i] = dz;
        sum += dz;
        sumCentered += dz * (x[xOff + i] - mean);
      }
      saved[savedOff + 2 * channels + c] = (float) sum;
      saved[savedOff + 3 * channels + c] = (float) sumCentered;
    }
  }

  @Override
  public void batchNormBackwardInput(int rows, int channels, float[] x, int xOff, float[] saved, int savedOff,
      float[] params, int gammaOff, float[] dz, int dzOff, float[] dx, int dxOff, boolean accumulate, int part,
      int parts) {
    backwardInput(share(rows, part, parts), share(rows, part + 1, parts), channels, 0, channels, x, xOff, saved,
        savedOff, params, gammaOff, dz, dzOff, dx, dxOff, accumulate);
  }

  /** {@link #batchNormBackwardInput} for rows {@code [r0, r1)} and channels {@code [c0, c1)}. */
  static void backwardInput(int r0, int r1, int channels, int c0, int c1, float[] x, int xOff, float[] saved,
      int savedOff, float[] params, int gammaOff, float[] dz, int dzOff, float[] dx, int dxOff,
      boolean accumulate) {
    for (int r = r0; r < r1; r++) {
      for (int c = c0; c < c1; c++) {
        int i = r * channels + c;
        float k = params[gammaOff + c] * saved[savedOff + channels + c];
        float centered = x[xOff + i] - saved[savedOff + c];
        float d = k * (dz[dzOff + i] - saved[savedOff + 2 * channels + c]
            - centered * saved[savedOff + 3 * channels + c]);
        dx[dxOff + i] = accumulate ? dx[dxOff + i] + d : d;
      }
    }
  }

  @Override
  public void zeroPadShortcutBackward(ZeroPadShortcut pad, int batch, float[] dz, int dzOff, float[] dIn,
      int dInOff, boolean accumulate, int part, int parts) {
    int s = pad.stride();
    int cin = pad.inChannels();
    for (int n = share(batch, part, parts); n < share(batch, part + 1, parts); n++) {
      for (int ih = 0; ih < pad.inHeight(); ih++) {
        for (int iw = 0; iw < pad.inWidth(); iw++) {
          int di = dInOff + ((n * pad.inHeight() + ih) * pad.inWidth() + iw) * cin;
          boolean read = ih % s == 0 && iw % s == 0;
          int zi = dzOff + ((n * pad.outHeight() + ih / s) * pad.outWidth() + iw / s) * pad.outChannels()
              + pad.firstChannel();
          for (int c = 0; c < cin; c++) {
            float d = read ? dz[zi + c] : 0;
            dIn[di + c] = accumulate ? dIn[di + c] + d : d;
          }
        }
      }
    }
  }

  @Override
  public void maxPool(PoolShape p, int batch, float[] x, int xOff, float[] y, int yOff, int part, int parts) {
    int ch = p.channels();
    for (int n = share(batch, part, parts); n < share(batch, part + 1, parts); n++) {
      for (int oh = 0; oh < p.outHeight(); oh++) {
        for (int ow = 0; ow < p.outWidth(); ow++) {
          int yi = yOff + ((n * p.outHeight() + oh) * p.outWidth() + ow) * ch;
          for (int c = 0; c < ch; c++) {
            float max = Float.NEGATIVE_INFINITY;
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

  @Override
  public void maxPoolBackward(PoolShape p, int batch, float[] x, int xOff, float[] y, int yOff, float[] dy,
      int dyOff, float[] dx, int dxOff, boolean accumulate, int part, int parts) {
    maxPoolBackward(p, share(batch, part, parts), share(batch, part + 1, parts), x, xOff, y, yOff, dy, dyOff, dx,
        dxOff, accumulate);
  }

  /** {@link #maxPoolBackward} for samples {@code [n0, n1)}. */
  static void maxPoolBackward(PoolShape p, int n0, int n1, float[] x, int xOff, float[] y, int yOff, float[] dy,
      int dyOff, float[] dx, int dxOff, boolean accumulate) {
    int ch = p.channels();
    if (!accumulate) {
      java.util.Arrays.fill(dx, dxOff + n0 * p.inputSize(), dxOff + n1 * p.inputSize(), 0);
    }
    for (int n = n0; n < n1; n++) {
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
  static int argMax(PoolShape p, float[] x, int xOff, int n, int oh, int ow, int c, float max) {
    for (int kh = 0; kh < p.kernelHeight(); kh++) {
      int ih = oh * p.stride() - p.padTop() + kh;
      for (int kw = 0; kw < p.kernelWidth(); kw++) {
        int iw = ow * p.stride() - p.padLeft() + kw;
        if (ih >= 0 && ih < p.inHeight() && iw >= 0 && iw < p.inWidth()) {
          int i = ((n * p.inHeight() + ih) * p.inWidth() + iw) * p.channels() + c;
          float v = x[xOff + i];
          if (v == max || (v != v && max != max)) {
            return i;
          }
        }
      }
    }
    throw new IllegalArgumentException("max pooling backward: output " + max + " at sample " + n + ", row " + oh
        + ", column " + ow + ", channel " + c + " is not in its window; pass the forward pass's input and output");
  }

  @Override
  public void averagePool(PoolShape p, int batch, float[] x, int xOff, float[] y, int yOff, int part,
      int parts) {
    int ch = p.channels();
    int area = p.kernelHeight() * p.kernelWidth();
    for (int n = share(batch, part, parts); n < share(batch, part + 1, parts); n++) {
      for (int oh = 0; oh < p.outHeight(); oh++) {
        for (int ow = 0; ow < p.outWidth(); ow++) {
          int yi = yOff + ((n * p.outHeight() + oh) * p.outWidth() + ow) * ch;
          for (int c = 0; c < ch; c++) {
            float sum = 0;
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

  @Override
  public void averagePoolBackward(PoolShape p, int batch, float[] dy, int dyOff, float[] dx, int dxOff,
      boolean accumulate, int part, int parts) {
    int ch = p.channels();
    int area = p.kernelHeight() * p.kernelWidth();
    int n0 = share(batch, part, parts);
    int n1 = share(batch, part + 1, parts);
    if (!accumulate) {
      java.util.Arrays.fill(dx, dxOff + n0 * p.inputSize(), dxOff + n1 * p.inputSize(), 0);
    }
    for (int n = n0; n < n1; n++) {
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

  @Override
  public void globalAveragePool(int batch, int pixels, int channels, float[] x, int xOff, float[] y, int yOff) {
    for (int n = 0; n < batch; n++) {
      for (int c = 0; c < channels; c++) {
        float sum = 0;
        for (int p = 0; p < pixels; p++) {
          sum += x[xOff + (n * pixels + p) * channels + c];
        }
        y[yOff + n * channels + c] = sum / pixels;
      }
    }
  }

  @Override
  public void globalAveragePoolBackward(int batch, int pixels, int channels, float[] dy, int dyOff, float[] dx,
      int dxOff, boolean accumulate) {
    for (int n = 0; n < batch; n++) {
      for (int p = 0; p < pixels; p++) {
        for (int c = 0; c < channels; c++) {
          int i = dxOff + (n * pixels + p) * channels + c;
          float d = dy[dyOff + n * channels + c] / pixels;
          dx[i] = accumulate ? dx[i] + d : d;
        }
      }
    }
  }

  @Override
  public void activation(int count, float[] z, int zOff, float[] s, int sOff, Activation g) {
    activation(0, count, z, zOff, s, sOff, g);
  }

  /** {@link #activation} for elements {@code [from, to)}. */
  static void activation(int from, int to, float[] z, int zOff, float[] s, int sOff, Activation g) {
    for (int i = from; i < to; i++) {
      z[zOff + i] = Kernels.activate(g, s == null ? z[zOff + i] : z[zOff + i] + s[sOff + i]);
    }
  }

  @Override
  public void activationBackward(int count, float[] a, int aOff, float[] grad, int gradOff, Activation g) {
    activationBackward(0, count, a, aOff, grad, gradOff, g);
  }

  /** {@link #activationBackward} for elements {@code [from, to)}. */
  static void activationBackward(int from, int to, float[] a, int aOff, float[] grad, int gradOff, Activation g) {
    for (int i = from; i < to; i++) {
      grad[gradOff + i] = Kernels.gradient(g, a[aOff + i], grad[gradOff + i]);
    }
  }
}
