package dev.shortcut.runtime.kernel;

import static dev.shortcut.runtime.kernel.SpatialTesting.assertClose;
import static dev.shortcut.runtime.kernel.SpatialTesting.assertNoAllocation;
import static dev.shortcut.runtime.kernel.SpatialTesting.randomDoubles;
import static dev.shortcut.runtime.kernel.SpatialTesting.randomFloats;
import static dev.shortcut.runtime.kernel.SpatialTesting.toDouble;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shortcut.annotations.Activation;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Whole-tensor activations without bias, and the vector-width switch. */
class ElementwiseTest {
  private final ScalarSpatialProvider scalar = new ScalarSpatialProvider();
  private final Kernels kernels = Kernels.singleThreaded();

  @Test
  void activationsMatchTheirDefinitionsAndDerivatives() {
    SplittableRandom r = new SplittableRandom(1);
    for (Activation g : Activation.values()) {
      for (int n : new int[] {1, 15, 16, 17, 100, 1000}) {
        float[] z = randomFloats(r, 2 + n);
        float[] s = randomFloats(r, 1 + n);
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
          expected[i] = Kernels.activate(g, (double) z[2 + i] + s[1 + i]);
        }
        float[] fast = z.clone();
        kernels.shortcutActivation(n, fast, 2, s, 1, g);
        assertClose(expected, 0, fast, 2, n, 2e-6, g + " with shortcut, n " + n);
        float[] ref = z.clone();
        scalar.activation(n, ref, 2, s, 1, g);
        assertClose(expected, 0, ref, 2, n, 2e-6, g + " reference, n " + n);
        fast = z.clone();
        kernels.activation(n, fast, 2, g);
        for (int i = 0; i < n; i++) {
          expected[i] = Kernels.activate(g, (double) z[2 + i]);
        }
        assertClose(expected, 0, fast, 2, n, 2e-6, g + ", n " + n);

        // Backward from the output: grad · g'(a), checked against a central difference of g.
        double[] zd = randomDoubles(r, n);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
          a[i] = Kernels.activate(g, zd[i]);
        }
        double[] grad = randomDoubles(r, n);
        double[] fd = new double[n];
        for (int i = 0; i < n; i++) {
          double h = 1e-6;
          fd[i] = grad[i] * (Kernels.activate(g, zd[i] + h) - Kernels.activate(g, zd[i] - h)) / (2 * h);
        }
        kernels.activationBackward(n, a, 0, grad, 0, g);
        assertClose(fd, 0, grad, 0, n, 1e-6, g + " backward, double");
        float[] af = new float[n];
        float[] gf = randomFloats(r, n);
        for (int i = 0; i < n; i++) {
          af[i] = Kernels.activate(g, (float) zd[i]);
        }
        float[] gRef = gf.clone();
        kernels.activationBackward(n, af, 0, gf, 0, g);
        scalar.activationBackward(n, af, 0, gRef, 0, g);
        assertClose(toDouble(gRef), 0, gf, 0, n, 1e-6, g + " backward, float");
      }
    }
  }

  @Test
  void activationsAllocateNothingOnceWarm() {
    float[] z = new float[4096];
    float[] s = new float[4096];
    for (Activation g : Activation.values()) {
      assertNoAllocation(() -> {
        kernels.shortcutActivation(z.length, z, 0, s, 0, g);
        kernels.activation(z.length, z, 0, g);
        kernels.activationBackward(z.length, z, 0, s, 0, g);
      }, g.toString());
    }
  }

  @Test
  void theConfiguredImplementationRuns() {
    // The suite runs with the Vector API; -Dshortcut.kernels=scalar and -Dshortcut.vectorBits=N
    // (through -Dvector.flags=...) rerun it on the reference or at a narrower width.
    String bits = System.getProperty("shortcut.vectorBits");
    String expected;
    if ("scalar".equals(System.getProperty("shortcut.kernels"))) {
      expected = "scalar";
    } else if (bits != null) {
      expected = "vector (" + bits + "-bit)";
    } else {
      expected = "vector (" + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit)";
    }
    assertEquals(expected, Kernels.spatialImplementation());
    assertEquals(expected, Kernels.implementation(), "the dense kernels run the same width");
  }

  @Test
  void vectorWidthSwitchAcceptsOnlyWidthsThisMachineHas() {
    assertEquals(128, VectorSpatialProvider.species("128").vectorBitSize());
    assertEquals(VectorSpatialProvider.species(null), jdk.incubator.vector.FloatVector.SPECIES_PREFERRED);
    assertThrows(IllegalArgumentException.class, () -> VectorSpatialProvider.species("1024"));
    assertThrows(IllegalArgumentException.class, () -> VectorSpatialProvider.species("wide"));
  }
}
