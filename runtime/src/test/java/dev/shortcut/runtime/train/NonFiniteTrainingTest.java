package dev.shortcut.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.annotations.Loss;
import dev.shortcut.runtime.Architecture;
import dev.shortcut.runtime.ParameterTable;
import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.optim.Schedule;
import dev.shortcut.runtime.testing.SyntheticData;
import dev.shortcut.runtime.testing.TinyDoubleNetwork;
import dev.shortcut.runtime.testing.TinyResidualNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NaN and infinities in training: no non-finite update is ever applied, the cause is named (data,
 * parameters, the first layer whose activations overflow, a gradient, an update) with advice that
 * fits it, and a good checkpoint survives a run that diverges.
 */
class NonFiniteTrainingTest {
  @TempDir Path dir;

  private final Dataset train = SyntheticData.blobs(512, 8, 4, 0.6, 1);
  private final Dataset test = SyntheticData.blobs(256, 8, 4, 0.6, 2);

  private static Trainer.Builder adam() {
    return Trainer.builder(Adam.withLearningRate(0.01)).batchSize(32).seed(5).progress(false);
  }

  /** Records the parameters after every applied update. */
  private static final class Snapshots implements TrainingListener {
    final FloatNetwork net;
    final List<float[]> after = new ArrayList<>();

    Snapshots(FloatNetwork net) {
      this.net = net;
    }

    @Override
    public void onStep(int epoch, long step, double loss) {
      after.add(net.parameters().clone());
    }
  }

  @Test
  void anUpdateThatBreaksTheNetworkAtTheEndOfTheRunIsNotAppliedNorSaved() throws IOException {
    // The case: the update that breaks the network is the run's last. fit returned
    // normally with a NaN validation loss and the epoch's checkpoint overwrote the good one.
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    Path file = dir.resolve("net.safetensors");
    Snapshots snapshots = new Snapshots(net);
    Schedule spikeAtTheEnd = (base, step, total) -> step == total - 1 ? 1e39 : base; // 1e39 is ∞ as a float
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> adam().epochs(2).schedule(spikeAtTheEnd)
        .listener(snapshots).listener(Checkpoints.eachEpoch(net, null, file)).build().fit(net, train, test));
    assertEquals(NonFiniteException.Source.UPDATE, e.source());
    assertEquals(2, e.epoch());
    assertEquals(32, e.step());
    assertTrue(e.layer() != null && e.getMessage().contains("learning rate 1.0E39"), e.getMessage());
    assertTrue(e.getMessage().contains("lower the learning rate"), e.getMessage());
    assertEquals(31, snapshots.after.size());
    assertArrayEquals(snapshots.after.get(30), net.parameters(), "the network keeps the last applied update");
    assertEquals("1", Checkpoints.load(new TinyResidualNetwork(8, 16, 4, 32, 9), file).get("epoch"),
        "the checkpoint of epoch 1 is still there");
  }

  @Test
  void skipNeverAppliesABadUpdateAndTrainsOn() {
    // One sample with features of 1e30: its batch's gradients are finite but their squares overflow
    // Adam's second moment. SKIP used to apply that update (an infinite moment freezes those
    // weights for good) and count nothing; now exactly that batch is skipped, once per epoch.
    float[] features = train.features().clone();
    Arrays.fill(features, 40 * 8, 41 * 8, 1e30f);
    Dataset outlier = Dataset.classification("outlier", features, 8, train.labels(), 4);
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    TrainingHistory h = adam().epochs(3).onNonFinite(NonFinitePolicy.SKIP).build().fit(net, outlier, null);
    assertEquals(3, h.skippedSteps());
    for (EpochMetrics m : h.epochs()) {
      assertEquals(1, m.skippedSteps());
    }
    for (float[] state : h.optimizer().floatState(net)) {
      assertEquals(-1, Kernels.firstNonFinite(state, 0, state.length), "no infinite moment");
    }
    assertTrue(Trainer.evaluate(net, train).accuracy() > 0.9, "the other batches trained");
  }

  @Test
  void skipFailsAnEpochWhereNoUpdateCouldBeApplied() {
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    float[] before = net.parameters().clone();
    Schedule infinite = (base, step, total) -> 1e39;
    NonFiniteException e = assertThrows(NonFiniteException.class,
        () -> adam().epochs(2).schedule(infinite).onNonFinite(NonFinitePolicy.SKIP).build().fit(net, train, null));
    assertTrue(e.getMessage().contains("every one of the epoch's 16 steps was skipped"), e.getMessage());
    assertEquals(1, e.epoch());
    assertArrayEquals(before, net.parameters());
  }

  @Test
  void nanInTheDataIsNamedAsDataNotAsALearningRateProblem() {
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    Dataset data = SyntheticData.blobs(512, 8, 4, 0.6, 1);
    data.features()[17 * 8 + 5] = Float.NaN; // the shared array, changed after the set was checked
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> adam().build().fit(net, data, null));
    assertEquals(NonFiniteException.Source.INPUT_DATA, e.source());
    assertTrue(e.getMessage().contains("feature 5 of sample 17 of 'blobs' is NaN"), e.getMessage());
    assertTrue(e.getMessage().contains("Clean or impute the data"), e.getMessage());
    assertFalse(e.getMessage().contains("lower the learning rate"), e.getMessage());
  }

  @Test
  void theFirstLayerWhoseActivationsOverflowIsNamed() {
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    Architecture a = net.architecture();
    fill(net, "stem.weight", 1e10f);
    fill(net, "body.0.fc1.weight", 1e30f); // finite weights whose products overflow in fc1
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> adam().build().fit(net, train, null));
    assertEquals(NonFiniteException.Source.ACTIVATIONS, e.source());
    assertEquals("body.0.fc1", e.layer());
    assertEquals("activations of layer body.0.fc1", e.where());
    assertTrue(e.getMessage().contains("at epoch 1, step 1"), e.getMessage());
    assertTrue(e.getMessage().contains("TinyResidualNetwork"), e.getMessage());
    assertEquals(4, a.layers().size());
  }

  @Test
  void aNetworkThatCannotReportItsLayersNamesItsOutput() {
    TinyDoubleNetwork net = new TinyDoubleNetwork(8, 16, 4, 32, 3);
    Arrays.fill(net.parameters(), 0, 8 * 16, 1e308); // the hidden layer overflows a double
    Dataset ones = Dataset.classification("ones", filled(32 * 8, 1f), 8, new int[32], 4);
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> Trainer.evaluate(net, ones));
    assertEquals(NonFiniteException.Source.ACTIVATIONS, e.source());
    assertEquals("head", e.layer());
    assertTrue(e.getMessage().contains("does not report which layer overflowed first"), e.getMessage());
    assertTrue(e.getMessage().contains("while evaluating 'ones'"), e.getMessage());
  }

  @Test
  void aGradientThatOverflowsIsNamedWithItsTensor() {
    // Regression targets at the end of the float range: outputs and loss (summed in double) are
    // finite, but the weight gradients, (output − target) × activations summed over the batch,
    // are not.
    float[] features = train.features().clone();
    for (int i = 0; i < features.length; i++) {
      features[i] *= 10;
    }
    float[] targets = filled(512 * 4, Float.MAX_VALUE);
    Dataset far = Dataset.regression("far", features, 8, targets, 4);
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3, Loss.MEAN_SQUARED_ERROR);
    float[] before = net.parameters().clone();
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> adam().build().fit(net, far, null));
    assertEquals(NonFiniteException.Source.GRADIENTS, e.source());
    String first = null; // found here independently: the first tensor, in forward order, with a bad gradient
    for (ParameterTable.Parameter p : net.architecture().parameters().all()) {
      if (first == null && Kernels.firstNonFinite(net.gradients(), p.offset(), p.offset() + p.size()) >= 0) {
        first = p.name();
        assertEquals(p.layer(), e.layer());
      }
    }
    assertTrue(e.getMessage().contains("the gradient of " + first + " is"), e.getMessage());
    assertTrue(e.getMessage().contains("while the loss is finite"), e.getMessage());
    assertTrue(e.getMessage().contains("clip gradients"), e.getMessage());
    assertArrayEquals(before, net.parameters(), "nothing applied");
  }

  @Test
  void evaluateChecksItsOutputs() {
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    net.parameters()[net.architecture().parameters().get("body.0.fc2.bias").offset() + 3] = Float.NaN;
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> Trainer.evaluate(net, test));
    assertEquals(NonFiniteException.Source.PARAMETERS, e.source());
    assertEquals("body.0.fc2", e.layer());
    assertTrue(e.getMessage().contains("body.0.fc2.bias holds NaN at [3]"), e.getMessage());
    assertTrue(e.getMessage().contains("load a good checkpoint"), e.getMessage());
  }

  @Test
  void aNegativeInfinityLogitIsNotAFiniteEvaluation() {
    // −∞ on a class that is not the label leaves softmax cross-entropy finite: the output is checked.
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    int headBias = net.architecture().parameters().get("head.bias").offset();
    int[] labels = new int[32];
    Dataset ones = Dataset.classification("ones", new float[32 * 8], 8, labels, 4);
    net.parameters()[headBias + 2] = -3e38f;
    Arrays.fill(net.parameters(), net.architecture().parameters().get("head.weight").offset() + 2 * 16,
        net.architecture().parameters().get("head.weight").offset() + 3 * 16, -3e38f);
    Dataset shifted = Dataset.classification("ones", filled(32 * 8, 1f), 8, labels, 4);
    assertTrue(Double.isFinite(Trainer.evaluate(net, ones).loss()), "zero inputs: finite logits");
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> Trainer.evaluate(net, shifted));
    assertEquals(NonFiniteException.Source.ACTIVATIONS, e.source());
    assertEquals("head", e.layer());
  }

  @Test
  void theEpochsCheckpointIsNeverABrokenNetwork() throws IOException {
    // A network broken by hand between runs: its checkpoint is refused, the good file stays.
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    Path file = dir.resolve("good.safetensors");
    adam().epochs(1).listener(Checkpoints.eachEpoch(net, null, file)).build().fit(net, train, null);
    byte[] good = Files.readAllBytes(file);
    net.parameters()[0] = Float.NaN;
    assertThrows(NonFiniteException.class,
        () -> adam().epochs(1).listener(Checkpoints.eachEpoch(net, null, file)).build().fit(net, train, null));
    assertArrayEquals(good, Files.readAllBytes(file));
  }

  private static void fill(TinyResidualNetwork net, String tensor, float value) {
    var p = net.architecture().parameters().get(tensor);
    Arrays.fill(net.parameters(), p.offset(), p.offset() + p.size(), value);
  }

  private static float[] filled(int n, float value) {
    float[] x = new float[n];
    Arrays.fill(x, value);
    return x;
  }
}
