package dev.shortcut.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.testing.SyntheticData;
import dev.shortcut.runtime.testing.TinyResidualNetwork;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer is a configuration and its optimizer's state belongs to one network: reusing a trainer
 * trains the next network properly, and what cannot be done is refused, never done silently.
 */
class TrainerReuseTest {
  @TempDir Path dir;

  private final Dataset train = SyntheticData.blobs(512, 8, 4, 0.6, 1);

  private static Trainer twoEpochs() {
    return Trainer.builder(Adam.withLearningRate(0.01)).batchSize(32).seed(5).progress(false).epochs(2).build();
  }

  @Test
  void aSecondFitOnAFreshNetworkTrainsItLikeTheFirst() {
    // It used to run 0 epochs and return normally: the step counter came from the optimizer,
    // already at the end of the first run, and the first network's moments were applied.
    Trainer trainer = twoEpochs();
    TinyResidualNetwork first = new TinyResidualNetwork(8, 16, 4, 32, 3);
    TinyResidualNetwork second = new TinyResidualNetwork(8, 16, 4, 32, 3);
    TrainingHistory a = trainer.fit(first, train, null);
    TrainingHistory b = trainer.fit(second, train, null);
    assertEquals(2, b.epochs().size());
    assertEquals(32, b.steps());
    assertArrayEquals(first.parameters(), second.parameters(), "same start, same run");
    assertSame(trainer.optimizer(), a.optimizer());
    assertNotSame(a.optimizer(), b.optimizer());
    assertSame(second, b.optimizer().network());
    assertEquals(32, a.optimizer().steps(), "the first network's state is left alone");
  }

  @Test
  void aTrainerServesNetworksOfOtherShapesToo() {
    Trainer trainer = twoEpochs();
    trainer.fit(new TinyResidualNetwork(8, 16, 4, 32, 3), train, null);
    TinyResidualNetwork wider = new TinyResidualNetwork(8, 24, 4, 32, 3);
    TrainingHistory h = trainer.fit(wider, train, null);
    assertEquals(32, h.steps());
    assertTrue(Trainer.evaluate(wider, train).accuracy() > 0.9);
  }

  @Test
  void aSecondFitOfTheSameNetworkIsRefusedClearly() {
    Trainer trainer = twoEpochs();
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    trainer.fit(net, train, null);
    float[] trained = net.parameters().clone();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainer.fit(net, train, null));
    assertTrue(e.getMessage().contains("already applied 32 updates") && e.getMessage().contains("resumeAfter"),
        e.getMessage());
    assertArrayEquals(trained, net.parameters(), "nothing changed");
  }

  @Test
  void resumingWithTheSameOptimizerContinuesIt() {
    // The supported way to train on: a trainer for the whole run, resumed after the epochs done.
    Adam adam = Adam.withLearningRate(0.01);
    TinyResidualNetwork net = new TinyResidualNetwork(8, 16, 4, 32, 3);
    Trainer.builder(adam).batchSize(32).seed(5).progress(false).epochs(1).build().fit(net, train, null);
    TrainingHistory rest = Trainer.builder(adam).batchSize(32).seed(5).progress(false).epochs(2).resumeAfter(1)
        .build().fit(net, train, null);
    TinyResidualNetwork straight = new TinyResidualNetwork(8, 16, 4, 32, 3);
    twoEpochs().fit(straight, train, null);
    assertEquals(32, rest.steps());
    assertArrayEquals(straight.parameters(), net.parameters());
  }

  @Test
  void checkpointsRefuseTheStateOfAnotherNetwork() throws IOException {
    Trainer trainer = twoEpochs();
    TinyResidualNetwork first = new TinyResidualNetwork(8, 16, 4, 32, 3);
    TinyResidualNetwork other = new TinyResidualNetwork(8, 16, 4, 32, 4);
    trainer.fit(first, train, null);
    Path file = dir.resolve("first.safetensors");
    Checkpoints.save(first, trainer.optimizer(), file, Map.of());
    assertThrows(IllegalStateException.class,
        () -> Checkpoints.save(other, trainer.optimizer(), dir.resolve("other.safetensors"), Map.of()));
    float[] before = other.parameters().clone();
    assertThrows(IllegalStateException.class, () -> Checkpoints.load(other, trainer.optimizer(), file));
    assertArrayEquals(before, other.parameters(), "nothing loaded");
  }
}
