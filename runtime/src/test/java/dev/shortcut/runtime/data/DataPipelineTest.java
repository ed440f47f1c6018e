package dev.shortcut.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.testing.TinyResidualNetwork;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12, item 2: split, shuffle, slice, batches, and preprocessing kept with the checkpoint. */
class DataPipelineTest {
  @TempDir Path dir;

  /** Sample i has features (i, 10·i) and label i % 3, so every row says which sample it is. */
  private static Dataset numbered(int n) {
    float[] x = new float[2 * n];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = 10 * i;
      y[i] = i % 3;
    }
    return Dataset.classification("numbered", x, 2, y, 3).withClassNames(List.of("a", "b", "c"))
        .withImageShape(ImageShape.of(1, 1, 2));
  }

  /** The sample indices of a set of numbered rows, checking that features and label still agree. */
  private static List<Integer> samples(Dataset d) {
    List<Integer> ids = new ArrayList<>();
    for (int r = 0; r < d.size(); r++) {
      int i = (int) d.features()[2 * r];
      assertEquals(10f * i, d.features()[2 * r + 1]);
      assertEquals(i % 3, d.labels()[r], "label travels with its row");
      ids.add(i);
    }
    return ids;
  }

  @Test
  void aSeededSplitPartitionsTheSamplesAndIsRepeatable() {
    Dataset d = numbered(100);
    Dataset.Split s = d.split(0.2, 7);
    assertEquals(80, s.train().size());
    assertEquals(20, s.validation().size());
    Set<Integer> all = new HashSet<>(samples(s.train()));
    all.addAll(samples(s.validation()));
    assertEquals(100, all.size(), "every sample in exactly one part");
    assertEquals(samples(s.validation()), samples(d.split(0.2, 7).validation()), "same seed, same split");
    assertNotEquals(samples(s.validation()), samples(d.split(0.2, 8).validation()));
    assertEquals(List.of("a", "b", "c"), s.train().classNames());
    assertEquals(ImageShape.of(1, 1, 2), s.validation().imageShape().orElseThrow());
    assertThrows(IllegalArgumentException.class, () -> d.split(0, 1));
    assertThrows(IllegalArgumentException.class, () -> d.split(1, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> numbered(3).split(0.1, 1));
    assertTrue(e.getMessage().contains("no validation sample"), e.getMessage());
  }

  @Test
  void shuffledIsAPermutationAndSliceKeepsOrder() {
    Dataset d = numbered(50);
    List<Integer> shuffled = samples(d.shuffled(3));
    assertEquals(samples(d.shuffled(3)), shuffled);
    assertNotEquals(samples(d), shuffled);
    assertEquals(new HashSet<>(samples(d)), new HashSet<>(shuffled));
    assertEquals(List.of(10, 11, 12), samples(d.slice(10, 13)));
    assertEquals(0, d.slice(5, 5).size());
    assertEquals(samples(d.slice(0, 4)), samples(d.head(4)));
    assertEquals(List.of("a", "b", "c"), d.slice(1, 2).classNames());
    assertThrows(IllegalArgumentException.class, () -> d.slice(3, 2));
    assertThrows(IllegalArgumentException.class, () -> d.slice(0, 51));
  }

  @Test
  void batchesCoverEverySampleOnceInOrderWithASmallerLastBatch() {
    Dataset d = numbered(10);
    List<Integer> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    Dataset.Batch first = null;
    for (Dataset.Batch b : d.batches(4)) {
      first = first == null ? b : first;
      assertTrue(first == b, "one batch object, refilled: no allocation per batch");
      sizes.add(b.size());
      for (int r = 0; r < b.size(); r++) {
        int i = (int) b.features()[2 * r];
        assertEquals(b.start() + r, i);
        assertEquals(i % 3, b.labels()[r]);
        seen.add(i);
      }
    }
    assertEquals(List.of(4, 4, 2), sizes);
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), seen);
    Dataset r = Dataset.regression("r", new float[] {1, 2, 3}, 1, new float[] {10, 20, 30}, 1);
    float[] targets = new float[3];
    for (Dataset.Batch b : r.batches(2)) {
      System.arraycopy(b.targets(), 0, targets, b.start(), b.size());
    }
    assertArrayEquals(new float[] {10, 20, 30}, targets);
    assertThrows(IllegalArgumentException.class, () -> d.batches(0));
  }

  @Test
  void targetStandardizationAndItsInverse() {
    Dataset r = Dataset.regression("r", new float[] {1, 2, 3, 4}, 1, new float[] {10, 0, 30, 0, 50, 0, 70, 0}, 2);
    Dataset.Standardization t = r.targetStandardization();
    assertArrayEquals(new float[] {40, 0}, t.mean());
    assertEquals(1f, t.std()[1], "a constant target keeps std 1");
    Dataset standardized = t.applyToTargets(r);
    float sq = 0;
    for (int i = 0; i < 4; i++) {
      sq += standardized.targets()[2 * i] * standardized.targets()[2 * i];
    }
    assertEquals(4f, sq, 1e-5f, "unit variance");
    float[] back = standardized.targets().clone();
    t.invert(back, 0, 4);
    assertArrayEquals(r.targets(), back, 1e-5f);
    assertArrayEquals(r.features(), standardized.features(), "features untouched");
    assertThrows(IllegalArgumentException.class, () -> numbered(3).targetStandardization());
  }

  @Test
  void preprocessingTravelsExactlyThroughACheckpoint() throws IOException {
    float[] x = {0.1f, 1e-7f, 3.3333333f, -2.5e8f, 7, 8};
    Dataset raw = Dataset.classification("odd \"names\"", x, 2, new int[] {0, 1, 2}, 3)
        .withClassNames(List.of("été, \"quoted\"", "b", "[c]"));
    Preprocessing prep = Preprocessing.fit(raw);
    Path file = dir.resolve("net.safetensors");
    TinyResidualNetwork net = new TinyResidualNetwork(2, 4, 3, 2, 1);
    Checkpoints.save(net, null, file, prep.metadata());
    Map<String, String> metadata = Checkpoints.load(new TinyResidualNetwork(2, 4, 3, 2, 9), file);
    Preprocessing back = Preprocessing.fromMetadata(metadata);
    assertEquals(prep, back, "bit-exact statistics and the same class names");
    assertArrayEquals(prep.apply(raw).features(), back.apply(raw).features());
    assertEquals(Preprocessing.none(), Preprocessing.fromMetadata(Map.of("epoch", "3")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Preprocessing.fromMetadata(Map.of("preprocessing.features.mean", "1,x", "preprocessing.features.std",
            "1,1")));
    assertTrue(e.getMessage().contains("value 1 is 'x'"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Preprocessing.fromMetadata(Map.of("preprocessing.features.mean", "1")));
    assertThrows(IllegalArgumentException.class,
        () -> Preprocessing.fromMetadata(Map.of("preprocessing.features.mean", "1", "preprocessing.features.std",
            "0")), "a zero deviation would divide by zero");
  }

  @Test
  void classNamesMustNameEachClassOnce() {
    Dataset d = Dataset.classification("d", new float[] {1, 2}, 1, new int[] {0, 1}, 2);
    assertThrows(IllegalArgumentException.class, () -> d.withClassNames(List.of("a")));
    assertThrows(IllegalArgumentException.class, () -> d.withClassNames(List.of("a", "a")));
    assertThrows(IllegalArgumentException.class, () -> d.withClassNames(List.of("a", " ")));
    assertEquals(List.of(), d.classNames());
    assertEquals(List.of("x", "y"), d.withClassNames(List.of("x", "y")).scaled(2).classNames());
  }
}
