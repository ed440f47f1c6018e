package dev.shortcut.runtime.train;

import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.ImageAugmentation;
import dev.shortcut.runtime.data.ImageShape;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.testing.SteadyState;
import dev.shortcut.runtime.testing.SyntheticData;
import dev.shortcut.runtime.testing.TinyResidualNetwork;
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
    for (int round = 0; round < 150; round++) { // until C2 has compiled the vector kernels, they allocate
      allocated(train, validation, 256);
    }
    // A fit allocates its set-up once: the difference between a long and a short fit is per step.
    SteadyState.assertAllocatesAtMost(4096, "192 more training steps",
        () -> allocated(train, validation, 256) - allocated(train, validation, 64));
  }

  private long allocated(Dataset train, Dataset validation, long steps) {
    TinyResidualNetwork net = new TinyResidualNetwork(ImageShape.of(2, 4, 4), 16, 4, 8, 3);
    Trainer trainer = Trainer.builder(Adam.withLearningRate(0.001)).batchSize(8).seed(1).epochs(1).maxSteps(steps)
        .progress(false).clipGradientNorm(1).augmentation(ImageAugmentation.paperCifar())
        .listener(EarlyStopping.of(Metric.VALIDATION_LOSS, 2, 0).restoringBestWeights())
        .checkpointEvery(1, dir.resolve("c.safetensors")).build();
    return SteadyState.bytesOf(1, () -> trainer.fit(net, train, validation));
  }
}
