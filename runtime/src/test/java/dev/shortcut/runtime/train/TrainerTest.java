package dev.shortcut.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.optim.Schedule;
import dev.shortcut.runtime.optim.Sgd;
import dev.shortcut.runtime.report.MetricsLog;
import dev.shortcut.runtime.report.ModelSummary;
import dev.shortcut.runtime.testing.SyntheticData;
import dev.shortcut.runtime.testing.TinyResidualNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training end to end on data made here: learning, determinism, resuming, NaN detection, logs. */
class TrainerTest {
  @TempDir Path dir;

  private final Dataset train = SyntheticData.blobs(512, 8, 4, 0.6, 1);
  private final Dataset test = SyntheticData.blobs(256, 8, 4, 0.6, 1).head(256);

  private Trainer.Builder adam() {
    return Trainer.builder(Adam.withLearningRate(0.01)).batchSize(32).seed(5).progress(false);
  }

  @Test
  void aSmallResidualNetworkLearnsASyntheticProblem() {
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    double before = Trainer.evaluate(net, train).accuracy();
    TrainingHistory h = adam().epochs(1).maxSteps(60).build().fit(net, train, test);
    assertEquals(16, h.steps(), "one epoch of 512/32 = 16 steps, under the cap");
    TrainingHistory more = adam().epochs(5).build().fit(net, train, test);
    double after = Trainer.evaluate(net, train).accuracy();
    assertTrue(before < 0.6, "starts near chance: " + before);
    assertTrue(after >= 0.95, "learns: " + after);
    assertTrue(more.last().validationAccuracy() >= 0.9, "generalizes: " + more.last().validationAccuracy());
  }

  @Test
  void sameSeedGivesBitIdenticalParameters() {
    TinyResidualNetwork a = new TinyResidualNetwork(8, 16, 4, 32, 3);
    TinyResidualNetwork b = new TinyResidualNetwork(8, 16, 4, 32, 3);
    adam().epochs(2).build().fit(a, train, null);
    adam().epochs(2).build().fit(b, train, null);
    assertArrayEquals(a.parameters(), b.parameters());
  }

  @Test
  void resumingFromACheckpointContinuesExactly() throws IOException {
    Schedule schedule = Schedule.constant();
    TinyResidualNetwork straight = new TinyResidualNetwork(8, 16, 4, 32, 3);
    Trainer twoEpochs = adam().schedule(schedule).epochs(2).build();
    twoEpochs.fit(straight, train, null);

    TinyResidualNetwork first = new TinyResidualNetwork(8, 16, 4, 32, 3);
    Trainer one = adam().epochs(1).build();
    one.fit(first, train, null);
    Path file = dir.resolve("resume.safetensors");
    Checkpoints.save(first, one.optimizer(), file, Map.of());

    TinyResidualNetwork resumed = new TinyResidualNetwork(8, 16, 4, 32, 99);
    Adam fresh = Adam.withLearningRate(0.01);
    Checkpoints.load(resumed, fresh, file);
    assertEquals(16, fresh.steps());
    Trainer.builder(fresh).schedule(schedule).batchSize(32).seed(5).progress(false).epochs(2).resumeAfter(1).build()
        .fit(resumed, train, null);
    assertArrayEquals(straight.parameters(), resumed.parameters());
  }

  @Test
  void nonFiniteGradientStopsWithEpochStepAndLayer() {
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    int fc1 = net.architecture().parameters().get("body.0.fc1.weight").offset();
    net.parameters()[fc1] = Float.NaN;
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> adam().epochs(1).build().fit(net, train, null));
    assertEquals(1, e.epoch());
    assertEquals(1, e.step());
    assertTrue(e.getMessage().contains("epoch 1, step 1"), e.getMessage());
    assertTrue(e.where().equals("loss") || e.where().contains("layer"), e.where());
  }

  @Test
  void nonFiniteGradientNamesTheFirstLayer() {
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    net.gradients()[net.architecture().parameters().get("body.0.fc2.bias").offset()] = Float.POSITIVE_INFINITY;
    net.gradients()[net.architecture().parameters().get("head.weight").offset()] = Float.NaN;
    assertEquals("body.0.fc2", Trainer.firstNonFiniteLayer(net));
    net.zeroGradients();
    assertEquals(null, Trainer.firstNonFiniteLayer(net));
  }

  @Test
  void skipPolicyDoesNotRunANetworkBrokenBeforeTraining() {
    // SKIP used to skip all 16 steps of a network whose weight was already infinite and report a
    // completed run (which a listener then saved). No step can repair it: the run refuses to start.
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    net.parameters()[net.architecture().parameters().get("head.weight").offset()] = Float.POSITIVE_INFINITY;
    NonFiniteException e = assertThrows(NonFiniteException.class,
        () -> adam().epochs(1).onNonFinite(NonFinitePolicy.SKIP).build().fit(net, train, null));
    assertEquals(NonFiniteException.Source.PARAMETERS, e.source());
    assertEquals("head", e.layer());
    assertTrue(e.getMessage().contains("head.weight holds Infinity at [0, 0]"), e.getMessage());
  }

  @Test
  void earlyStoppingListenersAndMetricsLog() throws IOException {
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    int[] steps = {0};
    Path log = dir.resolve("metrics.jsonl");
    TrainingHistory h = Trainer.builder(Sgd.withLearningRate(1e-9)).batchSize(32).progress(false).epochs(20)
        .earlyStopping(2, 1e-3).metricsLog(log).gradientNorms(true)
        .listener(new TrainingListener() {
          @Override
          public void onStep(int epoch, long step, double loss) {
            steps[0]++;
          }
        }).build().fit(net, train, test);
    assertTrue(h.stoppedEarly());
    assertEquals(3, h.epochs().size(), "no improvement after the first epoch, patience 2");
    assertEquals(48, steps[0]);
    List<String> lines = Files.readAllLines(log);
    assertEquals(3, lines.size());
    assertTrue(lines.get(0).startsWith("{\"network\":\"TinyResidualNetwork\",\"epoch\":1,"), lines.get(0));
    assertTrue(lines.get(0).contains("\"gradient_norms\":{\"stem\":"), lines.get(0));
    assertEquals(4, h.last().gradientNorms().size());
  }

  @Test
  void rejectsDataThatDoesNotFitTheNetwork() {
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    Dataset wide = SyntheticData.blobs(10, 9, 4, 0.1, 1);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> adam().build().fit(net, wide, null))
        .getMessage().contains("9 features"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> adam().batchSize(64).build().fit(net, train, null))
        .getMessage().contains("maxBatch"));
  }

  @Test
  void summaryListsLayersBlocksAndTotals() {
    String s = ModelSummary.of(new TinyResidualNetwork(8, 16, 4, 32, 3).architecture());
    assertTrue(s.contains("body.0") && s.contains("block:identity"), s);
    int params = 8 * 16 + 16 + 2 * (16 * 16 + 16) + 16 * 4 + 4;
    assertTrue(s.contains(String.format("parameters: %,d", params)), s);
    assertTrue(s.contains("1 identity, 0 projection"), s);
    EpochMetrics m = new EpochMetrics(1, 0.5, 0.75, Double.NaN, Double.NaN, 0.1, 2, 100, 0, Map.of());
    assertTrue(MetricsLog.line("n", m).contains("\"validation_loss\":null"));
  }
}
