package dev.shortcut.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.testing.SyntheticData;
import dev.shortcut.runtime.testing.TinyResidualNetwork;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Arguments that would make a run do nothing, or nonsense, are refused with a clear message. */
class TrainerArgumentsTest {
  private final Dataset train = SyntheticData.blobs(512, 8, 4, 0.6, 1);

  private static Trainer.Builder adam() {
    return Trainer.builder(Adam.withLearningRate(0.01)).batchSize(32).seed(5).progress(false);
  }

  private static void assertRefused(Class<? extends Throwable> type, Executable call, String expected) {
    String m = assertThrows(type, call).getMessage();
    assertTrue(m.contains(expected), m);
  }

  @Test
  void aRunWithNothingLeftToTrainIsRefused() {
    // Each of these returned normally having trained nothing.
    assertRefused(IllegalArgumentException.class, () -> adam().epochs(3).resumeAfter(3).build(),
        "resumeAfter(3) with epochs(3) leaves nothing to train");
    assertRefused(IllegalArgumentException.class, () -> adam().resumeAfter(5).epochs(3).build(),
        "resumeAfter(5) with epochs(3)");
    assertRefused(IllegalArgumentException.class, () -> adam().maxSteps(-1), "maxSteps must be ≥ 0");
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    assertRefused(IllegalArgumentException.class,
        () -> adam().epochs(3).resumeAfter(2).maxSteps(20).build().fit(net, train, null),
        "resumeAfter(2) starts at step 33, but maxSteps(20) ends the run before it");
  }

  @Test
  void emptySetsAreRefused() {
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    Dataset empty = train.head(0);
    float[] before = net.parameters().clone();
    assertRefused(IllegalArgumentException.class, () -> adam().build().fit(net, empty, null),
        "the training set 'blobs' has no samples");
    assertRefused(IllegalArgumentException.class, () -> adam().build().fit(net, train, empty),
        "the validation set 'blobs' has no samples");
    assertRefused(IllegalArgumentException.class, () -> Trainer.evaluate(net, empty),
        "the evaluation set 'blobs' has no samples");
    assertArrayEquals(before, net.parameters());
  }

  @Test
  void settingsThatMeanNothingAreRefused() {
    for (double norm : new double[] {Double.NaN, -1, Double.POSITIVE_INFINITY}) {
      assertRefused(IllegalArgumentException.class, () -> adam().clipGradientNorm(norm), "clipping norm");
    }
    assertRefused(IllegalArgumentException.class, () -> adam().earlyStopping(0, 0.01), "patience must be ≥ 1");
    for (double delta : List.of(Double.NaN, -0.1)) {
      assertRefused(IllegalArgumentException.class, () -> adam().earlyStopping(2, delta), "minDelta");
    }
  }

  @Test
  void aScheduleThatGivesNoRateStopsAtItsStep() {
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    assertRefused(IllegalStateException.class,
        () -> adam().schedule((base, step, total) -> step < 4 ? base : Double.NaN).build().fit(net, train, null),
        "the schedule gives learning rate NaN at step 5 of 16");
  }
}
