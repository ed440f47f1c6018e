package dev.shortcut.runtime.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.ImageAugmentation;
import dev.shortcut.runtime.data.ImageShape;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.testing.SyntheticData;
import dev.shortcut.runtime.testing.TinyResidualNetwork;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training step allocates nothing, with augmentation, clipping and listeners on. */
class TrainerAllocationTest {
  @TempDir Path dir;

  @Test
  void stepsAllocateNothing() {
    ImageShape shape = ImageShape.of(2, 4, 4);
    Dataset train = SyntheticData.blobs(2048, shape.size(), 4, 0.5, 1).withImageShape(shape);
    Dataset validation = SyntheticData.blobs(64, shape.size(), 4, 0.5, 2).withImageShape(shape);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 150; round++) { // until C2 has compiled the vector kernels, they allocate
      allocated(threads, train, validation, 256);
    }
    long few = allocated(threads, train, validation, 64);
    long many = allocated(threads, train, validation, 256);
    long perStep = (many - few) / 192;
    assertTrue(many - few < 4096, "192 more steps allocated " + (many - few) + " bytes (" + perStep + " per step)");
  }

  private long allocated(com.sun.management.ThreadMXBean threads, Dataset train, Dataset validation, long steps) {
    TinyResidualNetwork net = new TinyResidualNetwork(ImageShape.of(2, 4, 4), 16, 4, 8, 3);
    Trainer trainer = Trainer.builder(Adam.withLearningRate(0.001)).batchSize(8).seed(1).epochs(1).maxSteps(steps)
        .progress(false).clipGradientNorm(1).augmentation(ImageAugmentation.paperCifar())
        .listener(EarlyStopping.of(Metric.VALIDATION_LOSS, 2, 0).restoringBestWeights())
        .checkpointEvery(1, dir.resolve("c.safetensors")).build();
    long before = threads.getCurrentThreadAllocatedBytes();
    trainer.fit(net, train, validation);
    return threads.getCurrentThreadAllocatedBytes() - before;
  }
}
