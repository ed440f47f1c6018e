package dev.shortcut.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.checkpoint.CheckpointSaver;
import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.checkpoint.SafeTensors;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.testing.SyntheticData;
import dev.shortcut.runtime.testing.TinyConvNetwork;
import dev.shortcut.runtime.testing.TinyResidualNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop's listeners: hooks in order, early stopping with restored weights, checkpoints every n and best. */
class TrainerListenersTest {
  @TempDir Path dir;

  /** Few noisy samples and a wide network: the validation loss bottoms out early, then rises. */
  private final Dataset small = SyntheticData.blobs(48, 8, 4, 2.5, 3);
  private final Dataset held = SyntheticData.blobs(400, 8, 4, 2.5, 3).head(400);
  private final Dataset train = SyntheticData.blobs(512, 8, 4, 0.6, 1);

  private static Trainer.Builder adam(double lr) {
    return Trainer.builder(Adam.withLearningRate(lr)).batchSize(16).seed(5).progress(false);
  }

  /** Parameters at the end of each epoch, in order. */
  private static final class Snapshots implements TrainingListener {
    final List<float[]> parameters = new ArrayList<>();
    final List<Double> validationLoss = new ArrayList<>();
    private TinyResidualNetwork net;

    Snapshots(TinyResidualNetwork net) {
      this.net = net;
    }

    @Override
    public boolean onEpochEnd(EpochMetrics m) {
      parameters.add(net.parameters().clone());
      validationLoss.add(m.validationLoss());
      return true;
    }

    int bestEpoch() {
      int best = 0;
      for (int i = 1; i < validationLoss.size(); i++) {
        best = validationLoss.get(i) < validationLoss.get(best) ? i : best;
      }
      return best + 1;
    }
  }

  @Test
  void earlyStoppingRestoresTheBestEpochsWeights() {
    TinyResidualNetwork net = new TinyResidualNetwork(8, 64, 4, 16, 3);
    Snapshots seen = new Snapshots(net);
    EarlyStopping stopping = EarlyStopping.of(Metric.VALIDATION_LOSS, 3, 0).restoringBestWeights();
    TrainingHistory h = adam(0.03).epochs(40).listener(seen).listener(stopping).build().fit(net, small, held);
    int best = seen.bestEpoch();
    assertTrue(h.stoppedEarly(), "overfits, so patience runs out");
    assertEquals(best + 3, h.epochs().size(), "stops three epochs after the best");
    assertEquals(best, stopping.bestEpoch());
    assertArrayEquals(seen.parameters.get(best - 1), net.parameters(), "the best epoch's weights, not the last's");
    assertFalse(java.util.Arrays.equals(seen.parameters.get(h.epochs().size() - 1), net.parameters()));

    TinyResidualNetwork plain = new TinyResidualNetwork(8, 64, 4, 16, 3);
    Snapshots last = new Snapshots(plain);
    adam(0.03).epochs(40).listener(last).earlyStopping(3, 0).build().fit(plain, small, held);
    assertArrayEquals(last.parameters.get(last.parameters.size() - 1), plain.parameters(),
        "without restoring, the last epoch's weights stay");
  }

  @Test
  void restoringTheBestWeightsRestoresRunningStatisticsAndCountsToo() {
    TinyConvNetwork net = new TinyConvNetwork(4, 1);
    EarlyStopping stopping = EarlyStopping.of(Metric.TRAIN_LOSS, 5, 0).restoringBestWeights();
    TrainingRun run = new TrainingRun(net, Adam.withLearningRate(0.1), SyntheticData.blobs(8, 72, 3, 1, 1), null, 1,
        3, 6);
    stopping.onTrainBegin(run);
    SplittableRandom r = new SplittableRandom(2);
    for (int i = 0; i < net.input().length; i++) {
      net.input()[i] = r.nextGaussian();
    }
    net.forward(4); // moves running statistics and counts
    double[] parameters = net.parameters().clone();
    double[] buffers = net.buffers().clone();
    long[] counts = net.batchCounts().clone();
    assertTrue(stopping.onEpochEnd(metrics(1, 0.5)));
    net.parameters()[0] += 1;
    net.forward(4);
    assertTrue(stopping.onEpochEnd(metrics(2, 0.7)));
    stopping.onTrainEnd(null, null);
    assertArrayEquals(parameters, net.parameters());
    assertArrayEquals(buffers, net.buffers());
    assertArrayEquals(counts, net.batchCounts());
  }

  private static EpochMetrics metrics(int epoch, double trainLoss) {
    return new EpochMetrics(epoch, trainLoss, 0.5, Double.NaN, Double.NaN, 0.1, 1, 1, 0, Map.of());
  }

  @Test
  void aCheckpointEveryNEpochsResumesExactly() throws IOException {
    Path file = dir.resolve("every.safetensors");
    List<String> epochsOnDisk = new ArrayList<>();
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    adam(0.01).epochs(4).checkpointEvery(2, file).listener(new TrainingListener() {
      @Override
      public boolean onEpochEnd(EpochMetrics m) {
        try {
          epochsOnDisk.add(Files.exists(file) ? SafeTensors.read(file).metadata().get("epoch") : "-");
        } catch (IOException e) {
          throw new AssertionError(e);
        }
        return true;
      }
    }).build().fit(net, train, null);
    assertEquals(List.of("-", "2", "2", "4"), epochsOnDisk);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("every.optimizer.safetensors", "every.safetensors"),
          files.map(p -> p.getFileName().toString()).sorted().toList(),
          "the checkpoint and its optimizer's file, saved atomically: no temporary file left");
    }

    TinyResidualNetwork straight = new TinyResidualNetwork(8, 16, 4, 32, 3);
    adam(0.01).epochs(6).build().fit(straight, train, null);
    TinyResidualNetwork resumed = new TinyResidualNetwork(8, 16, 4, 32, 77);
    Adam optimizer = Adam.withLearningRate(0.01);
    Map<String, String> meta = Checkpoints.load(resumed, optimizer, file);
    assertEquals("128", meta.get("step"), "4 epochs of 512 / 16 steps");
    Trainer.builder(optimizer).batchSize(16).seed(5).progress(false).epochs(6).resumeAfter(4).build()
        .fit(resumed, train, null);
    assertArrayEquals(straight.parameters(), resumed.parameters(), "the checkpoint holds the optimizer's state too");
  }

  @Test
  void theBestCheckpointHoldsTheBestEpoch() throws IOException {
    Path file = dir.resolve("best.safetensors");
    TinyResidualNetwork net = new TinyResidualNetwork(8, 64, 4, 16, 3);
    Snapshots seen = new Snapshots(net);
    adam(0.03).epochs(12).checkpointBest(Metric.VALIDATION_LOSS, file).listener(seen).build().fit(net, small, held);
    int best = seen.bestEpoch();
    assertNotEquals(12, best, "the setup overfits");
    Map<String, String> meta = SafeTensors.read(file).metadata();
    assertEquals(Integer.toString(best), meta.get("epoch"));
    assertEquals("VALIDATION_LOSS", meta.get("metric"));
    assertEquals(seen.validationLoss.get(best - 1), Double.parseDouble(meta.get("value")));
    TinyResidualNetwork loaded = new TinyResidualNetwork(8, 64, 4, 16, 9);
    Checkpoints.load(loaded, file);
    assertArrayEquals(seen.parameters.get(best - 1), loaded.parameters());
  }

  @Test
  void listenersThatCannotWorkOnARunAreRefusedBeforeItStarts() {
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    float[] before = net.parameters().clone();
    String m = assertThrows(IllegalArgumentException.class,
        () -> adam(0.01).earlyStopping(2, 0).build().fit(net, train, null)).getMessage();
    assertTrue(m.contains("early stopping watches VALIDATION_LOSS, but fit got no validation set"), m);
    m = assertThrows(IllegalArgumentException.class, () -> adam(0.01)
        .checkpointBest(Metric.VALIDATION_ACCURACY, dir.resolve("x.safetensors")).build().fit(net, train, null))
        .getMessage();
    assertTrue(m.contains("watches VALIDATION_ACCURACY, but fit got no validation set"), m);
    assertArrayEquals(before, net.parameters(), "nothing trained");
    assertFalse(Files.exists(dir.resolve("x.safetensors")));
    assertThrows(IllegalArgumentException.class, () -> CheckpointSaver.every(0, dir.resolve("y")));
  }

  @Test
  void hooksRunInOrderAndTheEndIsToldOfAFailure() {
    List<String> calls = new ArrayList<>();
    TrainingListener recorder = new TrainingListener() {
      @Override
      public void onTrainBegin(TrainingRun run) {
        calls.add("begin " + run.firstEpoch() + ".." + run.lastEpoch() + " of " + run.totalSteps());
      }

      @Override
      public void onEpochBegin(int epoch) {
        calls.add("epoch " + epoch);
      }

      @Override
      public void onStep(int epoch, long step, double loss) {
        if (step % 16 == 0) {
          calls.add("step " + step);
        }
      }

      @Override
      public void onNonFinite(NonFiniteException cause) {
        calls.add("nan at " + cause.step());
      }

      @Override
      public boolean onEpochEnd(EpochMetrics m) {
        calls.add("end " + m.epoch());
        return true;
      }

      @Override
      public void onTrainEnd(TrainingHistory history, Throwable failure) {
        calls.add(failure == null ? "done " + history.steps() : "failed: " + failure.getClass().getSimpleName());
      }
    };
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    adam(0.01).batchSize(32).epochs(2).listener(recorder).build().fit(net, train, null);
    assertEquals(List.of("begin 1..2 of 32", "epoch 1", "step 16", "end 1", "epoch 2", "step 32", "end 2", "done 32"),
        calls);

    calls.clear();
    TinyResidualNetwork broken = new TinyResidualNetwork(8, 16, 4, 32, 3);
    assertThrows(NonFiniteException.class, () -> adam(0.01).batchSize(32).epochs(1).listener(recorder)
        .listener(new TrainingListener() {
          @Override
          public void onStep(int epoch, long step, double loss) {
            if (step == 3) {
              broken.parameters()[broken.architecture().parameters().get("head.bias").offset()] = Float.NaN;
            }
          }
        }).build().fit(broken, train, null));
    assertEquals(List.of("begin 1..1 of 16", "epoch 1", "nan at 4", "failed: NonFiniteException"), calls,
        "listeners hear of the NaN before the FAIL policy stops the run");
  }
}
