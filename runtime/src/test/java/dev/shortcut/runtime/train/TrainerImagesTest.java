package dev.shortcut.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.ImageAugmentation;
import dev.shortcut.runtime.data.ImageShape;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.testing.RecordingNetwork;
import dev.shortcut.runtime.testing.SyntheticData;
import dev.shortcut.runtime.testing.TinyResidualNetwork;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Image inputs: the dataset's shape is checked, and training batches are augmented by the run's position. */
class TrainerImagesTest {
  private static final ImageShape SHAPE = ImageShape.of(2, 3, 4);
  private static final ImageAugmentation AUGMENT = ImageAugmentation.none().withPadCrop(1).withHorizontalFlip();

  /** {@code n} copies of one image whose values are all distinct: any row order gives the same batches. */
  private static Dataset sameImage(int n) {
    float[] x = new float[n * SHAPE.size()];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) {
      x[i] = 1 + i % SHAPE.size();
    }
    for (int i = 0; i < n; i++) {
      y[i] = i % 3;
    }
    return Dataset.classification("same", x, SHAPE.size(), y, 3).withImageShape(SHAPE);
  }

  private static Trainer.Builder trainer(int epochs) {
    return Trainer.builder(Adam.withLearningRate(0.001)).batchSize(4).seed(11).epochs(epochs).progress(false)
        .augmentation(AUGMENT);
  }

  @Test
  void trainingBatchesAreAugmentedByTheirStepAndValidationBatchesAreNot() {
    Dataset data = sameImage(10); // 3 steps per epoch: 4, 4 and 2 rows
    RecordingNetwork net = new RecordingNetwork(new TinyResidualNetwork(SHAPE, 8, 3, 16, 1));
    trainer(2).build().fit(net, data, data);
    List<RecordingNetwork.Pass> passes = net.passes();
    assertEquals(8, passes.size(), "per epoch: 3 steps, then one validation batch");
    long step = 0;
    int pass = 0;
    for (int epoch = 1; epoch <= 2; epoch++) {
      for (int b : new int[] {4, 4, 2}) {
        step++;
        float[] expected = new float[b * SHAPE.size()];
        System.arraycopy(data.features(), 0, expected, 0, expected.length);
        AUGMENT.apply(expected, 0, b, SHAPE, ImageAugmentation.stepKey(11, epoch, step));
        RecordingNetwork.Pass p = passes.get(pass++);
        assertTrue(p.training());
        assertArrayEquals(expected, p.input(), "epoch " + epoch + ", step " + step);
      }
      RecordingNetwork.Pass validation = passes.get(pass++);
      assertArrayEquals(data.features(), validation.input(), "validation sees the images as they are");
    }
  }

  @Test
  void aResumedRunAugmentsItsBatchesAsTheWholeRunDid() {
    Dataset data = sameImage(10);
    RecordingNetwork whole = new RecordingNetwork(new TinyResidualNetwork(SHAPE, 8, 3, 16, 1));
    trainer(3).build().fit(whole, data, null);
    RecordingNetwork resumed = new RecordingNetwork(new TinyResidualNetwork(SHAPE, 8, 3, 16, 1));
    trainer(3).resumeAfter(2).build().fit(resumed, data, null);
    assertEquals(3, resumed.passes().size());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(whole.passes().get(6 + i).input(), resumed.passes().get(i).input(), "step " + (7 + i));
    }
  }

  @Test
  void imageShapesAreChecked() {
    TinyResidualNetwork net = new TinyResidualNetwork(SHAPE, 8, 3, 16, 1);
    Dataset flat = SyntheticData.blobs(12, SHAPE.size(), 3, 0.5, 1);
    String m = assertThrows(IllegalArgumentException.class,
        () -> Trainer.builder(Adam.withLearningRate(0.01)).progress(false).build().fit(net, flat, null)).getMessage();
    assertTrue(m.contains("'blobs' has rows of 24 features but no image shape, and TinyResidualNetwork takes 2×3×4 "
        + "images: declare the rows' shape with withImageShape(ImageShape.of(2, 3, 4))"), m);
    Dataset other = flat.withImageShape(ImageShape.of(2, 4, 3));
    m = assertThrows(IllegalArgumentException.class, () -> Trainer.evaluate(net, other)).getMessage();
    assertTrue(m.contains("'blobs' holds 2×4×3 images but TinyResidualNetwork takes 2×3×4"), m);

    // A dense network takes images flattened, as before; augmenting needs the set's image shape.
    TinyResidualNetwork dense = new TinyResidualNetwork(SHAPE.size(), 8, 3, 16, 1);
    Trainer.builder(Adam.withLearningRate(0.01)).progress(false).batchSize(4).augmentation(AUGMENT).build()
        .fit(dense, flat.withImageShape(SHAPE), null);
    m = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(Adam.withLearningRate(0.01))
        .progress(false).batchSize(4).augmentation(AUGMENT).build().fit(dense, flat, null)).getMessage();
    assertTrue(m.contains("augmentation (pad 1 and random crop, random horizontal flip) transforms images, but the "
        + "training set 'blobs' has no image shape"), m);
  }
}
