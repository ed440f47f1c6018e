package dev.shortcut.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shortcut.runtime.testing.TinyResidualNetwork;
import java.util.NoSuchElementException;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class WeightsTest {
  @Test
  void parametersByNameAsEjmlMatrices() {
    TinyResidualNetwork net = new TinyResidualNetwork(5, 7, 3, 2, 1);
    DMatrixRMaj w = Weights.parameter(net, "stem.weight");
    assertEquals(7, w.numRows);
    assertEquals(5, w.numCols);
    int offset = net.architecture().parameters().get("stem.weight").offset();
    assertEquals(net.parameters()[offset + 2 * 5 + 3], w.get(2, 3), 0.0, "row-major [out][in]");
    net.gradients()[net.architecture().parameters().get("head.bias").offset() + 1] = 0.5f;
    DMatrixRMaj b = Weights.gradient(net, "head.bias");
    assertEquals(1, b.numRows);
    assertEquals(0.5, b.get(0, 1), 0.0);
    org.junit.jupiter.api.Assertions.assertThrows(NoSuchElementException.class, () -> Weights.parameter(net, "nope"));
  }
}
