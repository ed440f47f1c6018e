package dev.shortcut.runtime;

import org.ejml.data.DMatrixRMaj;

/**
 * Parameters and gradients by name, as EJML matrices for inspection: a copy in double precision,
 * in PyTorch's layout ({@code [out, in]} for a dense weight; a convolution weight {@code [out, in,
 * kh, kw]} as {@code [out, in·kh·kw]}; a vector as one row). Copies, so reading never disturbs
 * training.
 */
public final class Weights {
  private Weights() {}

  /** The parameter {@code name} ({@code "body.3.fc1.weight"}) of {@code net}. */
  public static DMatrixRMaj parameter(Network net, String name) {
    return copy(net, name, NetworkArrays.of(net).parameters());
  }

  /** The gradient of parameter {@code name}, as the last backward pass left it. */
  public static DMatrixRMaj gradient(Network net, String name) {
    return copy(net, name, NetworkArrays.of(net).gradients());
  }

  private static DMatrixRMaj copy(Network net, String name, Values values) {
    ParameterTable.Parameter p = net.architecture().parameters().get(name);
    int rows = p.shape()[0];
    DMatrixRMaj m = p.shape().length > 1 ? new DMatrixRMaj(rows, p.size() / rows) : new DMatrixRMaj(1, rows);
    for (int i = 0; i < p.size(); i++) {
      m.data[p.layout().torchIndex(i, p.shape())] = values.get(p.offset() + i);
    }
    return m;
  }
}
