package dev.shortcut.runtime;

/**
 * How a parameter tensor is laid out in the network's parameter array, relative to PyTorch's
 * layout of the same tensor (its {@link ParameterTable.Parameter#shape() shape} is always
 * PyTorch's). Checkpoints convert through it, so files hold exactly what {@code torch.nn} expects.
 *
 * <ul>
 *   <li>{@link #AS_TORCH}: stored as PyTorch stores it (dense weights {@code [out][in]}, biases,
 *       batch-normalization vectors).
 *   <li>{@link #CONV_HWIO}: a convolution weight stored {@code [kh][kw][in][out]}, so the forward
 *       pass reads vectors over output channels; PyTorch's is {@code [out][in][kh][kw]}.
 *   <li>{@link #denseFromNhwc(int, int, int)}: a dense weight reading a flattened {@code c×h×w}
 *       map, stored {@code [out][h][w][c]} (the NHWC flatten order of the activations); PyTorch's
 *       {@code nn.Linear} after {@code flatten} expects {@code [out][c·h·w]} in CHW order.
 * </ul>
 */
public sealed interface Layout permits Layout.AsTorch, Layout.ConvHwio, Layout.DenseFromNhwc {
  /** Stored exactly as PyTorch stores it. */
  Layout AS_TORCH = new AsTorch();
  /** A convolution weight stored {@code [kh][kw][in][out]}. */
  Layout CONV_HWIO = new ConvHwio();

  /** A dense weight over a flattened {@code channels × height × width} map, stored {@code [out][h][w][c]}. */
  static Layout denseFromNhwc(int channels, int height, int width) {
    return new DenseFromNhwc(channels, height, width);
  }

  /**
   * Where element {@code stored} (counted from the tensor's start in the parameter array) sits in
   * PyTorch's row-major order of a tensor of PyTorch shape {@code shape}.
   */
  int torchIndex(int stored, int[] shape);

  /** The inverse of {@link #torchIndex}: where PyTorch's element {@code torch} is stored. */
  int storedIndex(int torch, int[] shape);

  /** Checks that this layout fits a tensor of PyTorch shape {@code shape}; a message, or null. */
  String mismatch(int[] shape);

  /** See {@link #AS_TORCH}. */
  record AsTorch() implements Layout {
    @Override
    public int torchIndex(int stored, int[] shape) {
      return stored;
    }

    @Override
    public int storedIndex(int torch, int[] shape) {
      return torch;
    }

    @Override
    public String mismatch(int[] shape) {
      return null;
    }

    @Override
    public String toString() {
      return "AS_TORCH";
    }
  }

  /** See {@link #CONV_HWIO}. */
  record ConvHwio() implements Layout {
    @Override
    public int torchIndex(int stored, int[] shape) {
      int out = shape[0];
      int in = shape[1];
      int kh = shape[2];
      int kw = shape[3];
      int o = stored % out;
      int i = stored / out % in;
      int x = stored / (out * in) % kw;
      int y = stored / (out * in * kw);
      return ((o * in + i) * kh + y) * kw + x;
    }

    @Override
    public int storedIndex(int torch, int[] shape) {
      int out = shape[0];
      int in = shape[1];
      int kh = shape[2];
      int kw = shape[3];
      int x = torch % kw;
      int y = torch / kw % kh;
      int i = torch / (kw * kh) % in;
      int o = torch / (kw * kh * in);
      return ((y * kw + x) * in + i) * out + o;
    }

    @Override
    public String mismatch(int[] shape) {
      return shape.length == 4 ? null : "a convolution weight has 4 dimensions, not " + shape.length;
    }

    @Override
    public String toString() {
      return "CONV_HWIO";
    }
  }

  /**
   * See {@link #denseFromNhwc(int, int, int)}.
   *
   * @param channels channels of the flattened map
   * @param height its height
   * @param width its width
   */
  record DenseFromNhwc(int channels, int height, int width) implements Layout {
    @Override
    public int torchIndex(int stored, int[] shape) {
      int features = channels * height * width;
      int o = stored / features;
      int f = stored % features; // (y · width + x) · channels + c
      int c = f % channels;
      int pixel = f / channels;
      return o * features + c * height * width + pixel;
    }

    @Override
    public int storedIndex(int torch, int[] shape) {
      int features = channels * height * width;
      int o = torch / features;
      int f = torch % features; // (c · height + y) · width + x
      int pixel = f % (height * width);
      int c = f / (height * width);
      return o * features + pixel * channels + c;
    }

    @Override
    public String mismatch(int[] shape) {
      if (shape.length != 2 || shape[1] != channels * height * width) {
        return "a dense weight over a flattened " + channels + "×" + height + "×" + width + " map has shape [out, "
            + channels * height * width + "]";
      }
      return null;
    }

    @Override
    public String toString() {
      return "DENSE_FROM_NHWC(" + channels + ", " + height + ", " + width + ")";
    }
  }
}
