package dev.shortcut.runtime.kernel;

import dev.shortcut.annotations.Activation;

/**
 * One kernel of {@link SpatialFloatProvider}, split over the threads of a {@link Kernels}. Its
 * fields are set per call (one call at a time: the owner synchronizes on the job), so nothing is
 * allocated; array slots {@code a} … {@code e} hold each operation's arrays in the order of its
 * provider method.
 */
final class SpatialJob implements Workers.Job {
  enum Op {
    CONV, CONV_INPUT, CONV_WEIGHTS, MOMENTS, NORMALIZE, NORM_SUMS, NORM_INPUT, PAD_BACKWARD, MAX_POOL,
    MAX_POOL_BACKWARD, AVERAGE_POOL, AVERAGE_POOL_BACKWARD
  }

  private Op op;
  private ConvShape conv;
  private PoolShape pool;
  private ZeroPadShortcut pad;
  private Activation g;
  private boolean accumulate;
  /** Batch size, or rows of a batch normalization. */
  private int size;
  private int channels;
  private float[] a;
  private int aOff;
  private float[] b;
  private int bOff;
  private float[] c;
  private int cOff;
  private float[] d;
  private int dOff;
  private float[] e;
  private int eOff;
  /** Second offset into {@code c} (β after γ). */
  private int cOff2;

  SpatialJob conv(Op op, ConvShape conv, int batch, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      float[] scratch, int scratchOff, boolean accumulate) {
    this.op = op;
    this.conv = conv;
    this.size = batch;
    this.a = a;
    this.aOff = aOff;
    this.b = b;
    this.bOff = bOff;
    this.c = c;
    this.cOff = cOff;
    this.d = scratch;
    this.dOff = scratchOff;
    this.accumulate = accumulate;
    return this;
  }

  SpatialJob moments(int rows, int channels, float[] x, int xOff, float[] saved, int savedOff) {
    this.op = Op.MOMENTS;
    this.size = rows;
    this.channels = channels;
    this.a = x;
    this.aOff = xOff;
    this.b = saved;
    this.bOff = savedOff;
    return this;
  }

  SpatialJob normalize(int rows, int channels, float[] x, int xOff, float[] saved, int savedOff, float[] params,
      int gammaOff, int betaOff, float[] shortcut, int shortcutOff, ZeroPadShortcut pad, float[] out, int outOff,
      Activation g) {
    this.op = Op.NORMALIZE;
    this.size = rows;
    this.channels = channels;
    this.a = x;
    this.aOff = xOff;
    this.b = saved;
    this.bOff = savedOff;
    this.c = params;
    this.cOff = gammaOff;
    this.cOff2 = betaOff;
    this.d = shortcut;
    this.dOff = shortcutOff;
    this.pad = pad;
    this.e = out;
    this.eOff = outOff;
    this.g = g;
    return this;
  }

  SpatialJob normSums(int rows, int channels, float[] x, int xOff, float[] saved, int savedOff, float[] out,
      int outOff, float[] grad, int gradOff, Activation g) {
    this.op = Op.NORM_SUMS;
    this.size = rows;
    this.channels = channels;
    this.a = x;
    this.aOff = xOff;
    this.b = saved;
    this.bOff = savedOff;
    this.d = out;
    this.dOff = outOff;
    this.e = grad;
    this.eOff = gradOff;
    this.g = g;
    return this;
  }

  SpatialJob normInput(int rows, int channels, float[] x, int xOff, float[] saved, int savedOff, float[] params,
      int gammaOff, float[] dz, int dzOff, float[] dx, int dxOff, boolean accumulate) {
    this.op = Op.NORM_INPUT;
    this.size = rows;
    this.channels = channels;
    this.a = x;
    this.aOff = xOff;
    this.b = saved;
    this.bOff = savedOff;
    this.c = params;
    this.cOff = gammaOff;
    this.d = dz;
    this.dOff = dzOff;
    this.e = dx;
    this.eOff = dxOff;
    this.accumulate = accumulate;
    return this;
  }

  SpatialJob padBackward(ZeroPadShortcut pad, int batch, float[] dz, int dzOff, float[] dIn, int dInOff,
      boolean accumulate) {
    this.op = Op.PAD_BACKWARD;
    this.pad = pad;
    this.size = batch;
    this.a = dz;
    this.aOff = dzOff;
    this.b = dIn;
    this.bOff = dInOff;
    this.accumulate = accumulate;
    return this;
  }

  /** Pooling: forward {@code (x, y)}; max backward {@code (x, y, dy, dx)}; average backward {@code (dy, dx)}. */
  SpatialJob pool(Op op, PoolShape pool, int batch, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      float[] d, int dOff, boolean accumulate) {
    this.op = op;
    this.pool = pool;
    this.size = batch;
    this.a = a;
    this.aOff = aOff;
    this.b = b;
    this.bOff = bOff;
    this.c = c;
    this.cOff = cOff;
    this.d = d;
    this.dOff = dOff;
    this.accumulate = accumulate;
    return this;
  }

  /** Drops the references, so a finished job keeps no network's arrays alive. */
  void clear() {
    conv = null;
    pool = null;
    pad = null;
    a = null;
    b = null;
    c = null;
    d = null;
    e = null;
  }

  @Override
  public void run(int part, int parts) {
    SpatialFloatProvider p = Kernels.SPATIAL;
    switch (op) {
      case CONV:
        p.conv2d(conv, size, a, aOff, b, bOff, c, cOff, part, parts);
        break;
      case CONV_INPUT:
        p.conv2dBackwardInput(conv, size, a, aOff, b, bOff, d, dOff, c, cOff, accumulate, part, parts);
        break;
      case CONV_WEIGHTS:
        p.conv2dBackwardWeights(conv, size, a, aOff, b, bOff, c, cOff, part, parts);
        break;
      case MOMENTS:
        p.batchNormMoments(size, channels, a, aOff, b, bOff, part, parts);
        break;
      case NORMALIZE:
        p.batchNormForward(size, channels, a, aOff, b, bOff, c, cOff, cOff2, d, dOff, pad, e, eOff, g, part, parts);
        break;
      case NORM_SUMS:
        p.batchNormBackwardSums(size, channels, a, aOff, b, bOff, d, dOff, e, eOff, g, part, parts);
        break;
      case NORM_INPUT:
        p.batchNormBackwardInput(size, channels, a, aOff, b, bOff, c, cOff, d, dOff, e, eOff, accumulate, part,
            parts);
        break;
      case PAD_BACKWARD:
        p.zeroPadShortcutBackward(pad, size, a, aOff, b, bOff, accumulate, part, parts);
        break;
      case MAX_POOL:
        p.maxPool(pool, size, a, aOff, b, bOff, part, parts);
        break;
      case AVERAGE_POOL:
        p.averagePool(pool, size, a, aOff, b, bOff, part, parts);
        break;
      case MAX_POOL_BACKWARD:
        p.maxPoolBackward(pool, size, a, aOff, b, bOff, c, cOff, d, dOff, accumulate, part, parts);
        break;
      case AVERAGE_POOL_BACKWARD:
        p.averagePoolBackward(pool, size, a, aOff, b, bOff, accumulate, part, parts);
        break;
      default:
        throw new AssertionError(op);
    }
  }
}
