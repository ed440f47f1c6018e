package dev.shortcut.runtime;

import org.ejml.data.DMatrixRMaj;

/**
 * Parameters and gradients by name, as EJML matrices for inspection: a copy in double precision,
 * shaped {@code [out, in]} (a bias is one row). Copies, so reading never disturbs training.
 */
public final class Weights {
  private Weights() {}

  /** The parameter {@code name} ({@code "body.3.fc1.weight"}) of {@code net}. */
  public static DMatrixRMaj parameter(Network net, String name) {
    return copy(net, name, false);
  }

  /** The gradient of parameter {@code name}, as the last backward pass left it. */
  public static DMatrixRMaj gradient(Network net, String name) {
    return copy(net, name, true);
  }

  private static DMatrixRMaj copy(Network net, String name, boolean gradient) {
    ParameterTable.Parameter p = net.architecture().parameters().get(name);
    int rows = p.shape()[0];
    int cols = p.shape().length > 1 ? p.shape()[1] : 1;
    DMatrixRMaj m = p.shape().length > 1 ? new DMatrixRMaj(rows, cols) : new DMatrixRMaj(1, rows);
    if (net instanceof FloatNetwork f) {
      float[] src = gradient ? f.gradients() : f.parameters();
      for (int i = 0; i < p.size(); i++) {
        m.data[i] = src[p.offset() + i];
      }
    } else {
      double[] src = gradient ? ((DoubleNetwork) net).gradients() : ((DoubleNetwork) net).parameters();
      System.arraycopy(src, p.offset(), m.data, 0, p.size());
    }
    return m;
  }
}
