package dev.shortcut.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.checkpoint.CheckpointSaver;
import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.checkpoint.SafeTensors;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.ImageAugmentation;
import dev.shortcut.runtime.data.ImageShape;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.optim.Schedule;
import dev.shortcut.runtime.testing.SyntheticData;
import dev.shortcut.runtime.testing.TinyResidualNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 3: a checkpoint carries the run's position, and {@code resumeFrom(file)} continues
 * the run from it, bit for bit, without the user counting epochs.
 */
class ResumeTest {
  @TempDir Path dir;

  private static final ImageShape SHAPE = ImageShape.of(2, 4, 4);
  private final Dataset train = SyntheticData.blobs(200, SHAPE.size(), 4, 0.6, 1).withImageShape(SHAPE);
  private final Dataset validation = SyntheticData.blobs(64, SHAPE.size(), 4, 0.6, 2).withImageShape(SHAPE);

  /** A run with everything that depends on the position: warm-up and cosine, augmentation, shuffles. */
  private static Trainer.Builder run(int epochs) {
    return Trainer.builder(Adam.withLearningRate(0.01)).epochs(epochs).batchSize(32).seed(5).progress(false)
        .schedule(Schedule.cosine(1e-4).withWarmup(10)).augmentation(ImageAugmentation.paperCifar());
  }

  private static TinyResidualNetwork net(long seed) {
    return new TinyResidualNetwork(SHAPE, 16, 4, 32, seed);
  }

  /** Stops the run after epoch {@code last}, as a crash or a killed job would. */
  private static TrainingListener crashAfter(int last) {
    return new TrainingListener() {
      @Override
      public void onEpochBegin(int epoch) {
        if (epoch > last) {
          throw new IllegalStateException("killed before epoch " + epoch);
        }
      }
    };
  }

  @Test
  void resumeFromContinuesAnInterruptedRunBitForBit() {
    TinyResidualNetwork straight = net(3);
    Trainer whole = run(5).build();
    whole.fit(straight, train, validation);

    Path file = dir.resolve("run.safetensors");
    TinyResidualNetwork first = net(3);
    assertThrows(IllegalStateException.class,
        () -> run(5).checkpointEvery(1, file).listener(crashAfter(2)).build().fit(first, train, validation));

    // A new process: a network built from another seed, a fresh optimizer, the same configuration.
    TinyResidualNetwork resumed = net(77);
    Trainer again = run(5).checkpointEvery(1, file).resumeFrom(file).build();
    TrainingHistory h = again.fit(resumed, train, validation);

    assertEquals(3, h.epochs().get(0).epoch(), "continues with epoch 3");
    assertEquals(3, h.epochs().size());
    assertEquals(5 * 7, h.steps(), "5 epochs of ceil(200 / 32) = 7 steps");
    assertArrayEquals(straight.parameters(), resumed.parameters(), "bit-identical to the uninterrupted run");
    assertEquals(whole.optimizer().steps(), again.optimizer().steps());
    assertArrayEquals(whole.optimizer().floatState(straight)[1], again.optimizer().floatState(resumed)[1]);
  }

  @Test
  void theCheckpointRecordsThePosition() throws IOException {
    Path file = dir.resolve("run.safetensors");
    run(3).checkpointEvery(2, file).build().fit(net(3), train, null);
    Map<String, String> metadata = SafeTensors.readMetadata(file);
    TrainingPosition p = TrainingPosition.fromMetadata(metadata).orElseThrow();
    assertEquals(new TrainingPosition(2, 14, 3, 21, 7, 32, 5, 200), p);
  }

  @Test
  void checkpointsDuringARunCarryTheCallersMetadataAndThePosition() throws IOException {
    Path every = dir.resolve("every.safetensors");
    Path each = dir.resolve("each.safetensors");
    TinyResidualNetwork net = net(3);
    run(2).listener(CheckpointSaver.every(1, every).withMetadata(Map.of("data", "v2", "epoch", "x")))
        .listener(Checkpoints.eachEpoch(net, null, each)).build().fit(net, train, null);
    Map<String, String> metadata = SafeTensors.readMetadata(every);
    assertEquals("v2", metadata.get("data"));
    assertEquals("2", metadata.get("epoch"), "the position's keys are the saver's own");
    assertEquals(TrainingPosition.fromMetadata(metadata), TrainingPosition.fromMetadata(SafeTensors.readMetadata(each)));
  }

  @Test
  void aLongerRunTrainsOnFromTheCheckpoint() {
    Path file = dir.resolve("run.safetensors");
    TinyResidualNetwork net = net(3);
    run(2).checkpointEvery(1, file).build().fit(net, train, null);
    TinyResidualNetwork more = net(4);
    TrainingHistory h = run(4).resumeFrom(file).build().fit(more, train, null);
    assertEquals(3, h.epochs().get(0).epoch());
    assertEquals(28, h.steps());
  }

  @Test
  void aRunThatIsNotTheSameIsRefusedByName() throws IOException {
    Path file = dir.resolve("run.safetensors");
    run(3).checkpointEvery(1, file).build().fit(net(3), train, null);
    String[][] cases = {
      {"batch", "was written by a run of batch size 32 over 200 training samples (7 steps per epoch); this trainer "
          + "takes batch size 16 over 200 (13 steps)"},
      {"seed", "was written by a run with seed 5, and this trainer has seed 6"},
      {"done", "completed epoch 3 (step 21), and this trainer's run ends at epoch 3: nothing is left to train"},
    };
    for (String[] c : cases) {
      Trainer.Builder b = switch (c[0]) {
        case "batch" -> run(5).batchSize(16);
        case "seed" -> run(5).seed(6);
        default -> run(3);
      };
      TinyResidualNetwork net = net(9);
      float[] before = net.parameters().clone();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> b.resumeFrom(file).build().fit(net, train, null), c[0]);
      assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
      assertTrue(e.getMessage().contains(c[1]), e.getMessage());
      assertArrayEquals(before, net.parameters(), "nothing loaded");
    }
    Path weights = dir.resolve("weights.safetensors");
    Checkpoints.save(net(3), weights);
    String m = assertThrows(IllegalArgumentException.class,
        () -> run(3).resumeFrom(weights).build().fit(net(3), train, null)).getMessage();
    assertTrue(m.contains("records no training position") && m.contains("resumeAfter"), m);
    Path older = dir.resolve("older.safetensors"); // written before checkpoints recorded the whole position
    Checkpoints.save(net(3), null, older, Map.of("epoch", "2", "step", "14"));
    m = assertThrows(IllegalArgumentException.class,
        () -> run(3).resumeFrom(older).build().fit(net(3), train, null)).getMessage();
    assertTrue(m.contains("incomplete training position") && m.contains("no 'epochs'") && m.contains("resumeAfter"),
        m);
    m = assertThrows(UncheckedIOException.class,
        () -> run(3).resumeFrom(dir.resolve("none.safetensors")).build().fit(net(3), train, null)).getMessage();
    assertTrue(m.contains("none.safetensors: no such file"), m);
    m = assertThrows(IllegalArgumentException.class, () -> run(3).resumeFrom(file).resumeAfter(1).build())
        .getMessage();
    assertTrue(m.contains("use one of them"), m);
  }

  @Test
  void theBestCheckpointOfAResumedRunKeepsABetterRecord() throws IOException {
    Path file = dir.resolve("best.safetensors");
    TinyResidualNetwork net = net(3);
    Checkpoints.save(net, null, file, Map.of("metric", "VALIDATION_LOSS", "value", "0.25"));
    byte[] recorded = Files.readAllBytes(file);
    CheckpointSaver best = CheckpointSaver.best(Metric.VALIDATION_LOSS, file);
    TrainingRun resumed = new TrainingRun(net, Adam.withLearningRate(0.01), train, validation, 4, 6, 42, 32, 5);
    best.onTrainBegin(resumed);
    resumed.epoch = 4;
    resumed.step = 28;
    best.onEpochEnd(metrics(4, 0.5));
    assertArrayEquals(recorded, Files.readAllBytes(file), "a worse first epoch does not replace the best");
    best.onEpochEnd(metrics(4, 0.125));
    assertEquals("0.125", SafeTensors.readMetadata(file).get("value"));
  }

  private static EpochMetrics metrics(int epoch, double validationLoss) {
    return new EpochMetrics(epoch, 1, 0.5, validationLoss, 0.5, 0.01, 1, 1, 0, Map.of());
  }
}
