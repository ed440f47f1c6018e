package dev.shortcut.examples.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.examples.paper.FashionFamily;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.ImageShape;
import dev.shortcut.runtime.sweep.InProcessExecutor;
import dev.shortcut.runtime.sweep.NetworkSpec;
import dev.shortcut.runtime.sweep.Shard;
import dev.shortcut.runtime.sweep.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The convolutional part of the main job, end to end on a few made-up images: the paper's recipe
 * trains the 20-layer pair, the cells are written and reused by a rerun (files of the previous
 * version too), shards together give what one run gives, the figures and the page section come out.
 */
class ConvExperimentTest {
  @TempDir Path dir;

  static final List<NetworkSpec> FASHION = NetworkSpec.family(FashionFamily.class, FashionFamily.variants());

  /** Made-up data exist in this JVM only: nothing ever needs to load them elsewhere. */
  static SharedData<ConvExperiment.Data> shared(ConvExperiment.Data data) {
    return SharedData.of("conv-test-" + System.identityHashCode(data), data, () -> {
      throw new IllegalStateException("made-up data live in the test's JVM only");
    });
  }

  static ConvExperiment.Results run(ConvExperiment.Config config, ConvExperiment.Data data, Path out, Shard shard)
      throws IOException {
    return new ConvExperiment(config, shared(data), out).run(new InProcessExecutor(), shard);
  }

  /** Images whose class is the brightness of one quadrant: learnable, a few dozen of them. */
  static Dataset images(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * 32 * 32];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(4);
      for (int p = 0; p < 32 * 32; p++) {
        int quadrant = (p / 32 < 16 ? 0 : 2) + (p % 32 < 16 ? 0 : 1);
        x[i * 1024 + p] = (float) (r.nextGaussian() * 0.3 + (quadrant == y[i] ? 1 : 0));
      }
    }
    return Dataset.classification("quadrants", x, 1024, y, 10).withImageShape(ImageShape.of(1, 32, 32));
  }

  @Test
  void theSweepTrainsWritesItsCellsAndARerunReusesThem() throws IOException {
    ConvExperiment.Config config = new ConvExperiment.Config("test", 48, 1, 16, List.of(20), List.of(20), List.of(7L),
        2, 16, 0, 2, 16, 1);
    ConvExperiment.Data data = new ConvExperiment.Data("quadrants", images(48, 1), images(16, 2), FASHION, List.of());
    ConvExperiment.Results first = run(config, data, dir, Shard.all());
    assertEquals(0, first.unfinished());
    assertEquals(List.of("residual-20", "plain-20"),
        first.runs().stream().map(r -> r.variant() + "-" + r.layers()).toList());
    RunRecord r = first.runs().get(0);
    assertEquals(1, r.trainError().size());
    assertEquals(2, r.curveIterations().size(), "two curve points over three steps");
    assertTrue(Files.exists(dir.resolve("cells/residual-20-seed7.json")));
    assertTrue(Files.exists(dir.resolve("checkpoints/residual-20-seed7.safetensors")));

    long before = Files.getLastModifiedTime(dir.resolve("cells/plain-20-seed7.json")).toMillis();
    ConvExperiment.Results again = run(config, data, dir, Shard.all());
    assertEquals(first.runs(), again.runs(), "finished cells are read back, not trained again");
    assertEquals(before, Files.getLastModifiedTime(dir.resolve("cells/plain-20-seed7.json")).toMillis());

    ConvExperiment.Config longer = new ConvExperiment.Config("test", 48, 2, 16, List.of(20), List.of(20),
        List.of(7L), 2, 16, 0, 2, 16, 1);
    ConvExperiment.Results retrained = run(longer, data, dir, Shard.all());
    assertEquals(2, retrained.runs().get(0).trainError().size(), "another configuration trains again");
  }

  @Test
  void aDamagedCellIsTrainedAgainNotTrusted() throws IOException {
    Files.createDirectories(dir.resolve("cells"));
    Files.writeString(dir.resolve("cells/residual-20-seed7.json"), "{\"signature\": ");
    ConvExperiment.Config config = new ConvExperiment.Config("test", 32, 1, 16, List.of(), List.of(20), List.of(7L),
        1, 16, 0, 2, 16, 1);
    ConvExperiment.Data data = new ConvExperiment.Data("quadrants", images(32, 1), images(16, 2), FASHION, List.of());
    assertEquals(1, run(config, data, dir, Shard.all()).runs().size());
    assertTrue(Files.readString(dir.resolve("cells/residual-20-seed7.json")).contains("\"run\""));
  }

  @Test
  void aCellFileOfThePreviousVersionIsReusedAsItIs() throws IOException {
    ConvExperiment.Config config = new ConvExperiment.Config("test", 32, 1, 16, List.of(), List.of(20), List.of(7L),
        1, 16, 0, 2, 16, 1);
    // As the experiment wrote its cells before it ran on the sweep API.
    String written = "{\"signature\": \"data=quadrants images=32 epochs=1 batch=16 curve=1/16 recipe=paper-sgd-v1\", "
        + "\"run\": {\"variant\": \"residual\", \"layers\": 20, \"epochs\": 1, \"seed\": 7, \"train_error\": [0.25], "
        + "\"test_error\": [0.3125], \"seconds\": 1.5, \"step_loss\": [], \"seconds_per_step\": 0.75, "
        + "\"curve_iterations\": [2.0], \"curve_train_error\": [0.5], \"curve_test_error\": [0.3125]}}\n";
    Files.createDirectories(dir.resolve("cells"));
    Files.writeString(dir.resolve("cells/residual-20-seed7.json"), written);
    ConvExperiment.Data data = new ConvExperiment.Data("quadrants", images(32, 1), images(16, 2), FASHION, List.of());
    ConvExperiment.Results results = run(config, data, dir, Shard.all());
    assertEquals(List.of(new RunRecord("residual", 20, 1, 7, List.of(0.25), List.of(0.3125), 1.5, List.of(), 0.75,
        List.of(2.0), List.of(0.5), List.of(0.3125))), results.runs());
    assertEquals(written, Files.readString(dir.resolve("cells/residual-20-seed7.json")), "read, not rewritten");
    assertTrue(!Files.exists(dir.resolve("checkpoints")), "nothing was trained");
  }

  @Test
  void twoShardsTrainWhatOneRunTrains() throws IOException {
    ConvExperiment.Config config = new ConvExperiment.Config("test", 32, 1, 16, List.of(20), List.of(20), List.of(7L),
        1, 16, 0, 2, 16, 1);
    ConvExperiment.Data data = new ConvExperiment.Data("quadrants", images(32, 1), images(16, 2), FASHION, List.of());
    ConvExperiment.Results whole = run(config, data, dir.resolve("whole"), Shard.all());
    ConvExperiment.Results firstHalf = run(config, data, dir.resolve("sharded"), Shard.parse("1/2"));
    assertEquals(1, firstHalf.unfinished(), "the other shard's cell is missing");
    assertEquals(List.of("residual-20"), firstHalf.runs().stream().map(r -> r.variant() + "-" + r.layers()).toList());
    assertTrue(!Files.exists(dir.resolve("sharded/cells/plain-20-seed7.json")));
    run(config, data, dir.resolve("sharded"), Shard.parse("2/2"));
    ConvExperiment.Results assembled = run(config, data, dir.resolve("sharded"), Shard.all());
    assertEquals(0, assembled.unfinished());
    assertEquals(withoutTimes(whole.runs()), withoutTimes(assembled.runs()), "the same numbers, cell for cell");
    assertArrayEquals(Files.readAllBytes(dir.resolve("whole/checkpoints/plain-20-seed7.safetensors")),
        Files.readAllBytes(dir.resolve("sharded/checkpoints/plain-20-seed7.safetensors")));
  }

  /** The records with their wall-clock fields zeroed: what must not depend on where a cell ran. */
  static List<RunRecord> withoutTimes(List<RunRecord> runs) {
    return runs.stream().map(r -> new RunRecord(r.variant(), r.layers(), r.epochs(), r.seed(), r.trainError(),
        r.testError(), 0, r.stepLoss(), 0, r.curveIterations(), r.curveTrainError(), r.curveTestError())).toList();
  }

  @Test
  void theSectionSitsBetweenItsMarkersAndARerunReplacesIt() throws IOException {
    Path readme = dir.resolve("README.md");
    Files.writeString(readme, "# Plain versus residual, measured\n\ndense part\n");
    RunRecord run = new RunRecord("plain", 20, 1, 1, List.of(0.2), List.of(0.25), 1, List.of(), 0.1,
        List.of(10.0), List.of(0.3), List.of(0.35));
    ConvResultsPage.write(readme, ConvResultsPage.section("first", List.of(run), List.of(), "v1"));
    ConvResultsPage.write(readme, ConvResultsPage.section("second", List.of(run), List.of(), "v2"));
    String text = Files.readString(readme);
    assertTrue(text.startsWith("# Plain versus residual, measured\n\ndense part\n"), text);
    assertEquals(1, text.split(ConvResultsPage.BEGIN, -1).length - 1, "one section");
    assertTrue(text.contains("**Configuration.** second") && !text.contains("first"), text);
    Figures.save(Figures.errorVersusIterations(List.of(run), "plain"), dir, "curves");
    assertTrue(Files.readString(dir.resolve("curves.svg")).contains("<svg"));
  }

  @Test
  void theVerdictJudgesThePapersShape() {
    List<RunRecord> runs = List.of(
        new RunRecord("plain", 20, 1, 1, List.of(0.10), List.of(0.1), 1, List.of(), 0),
        new RunRecord("plain", 56, 1, 1, List.of(0.14), List.of(0.1), 1, List.of(), 0),
        new RunRecord("residual", 20, 1, 1, List.of(0.09), List.of(0.1), 1, List.of(), 0),
        new RunRecord("residual", 56, 1, 1, List.of(0.07), List.of(0.1), 1, List.of(), 0));
    String verdict = ConvResultsPage.verdict(runs, List.of());
    assertTrue(verdict.contains("Plain: the deepest (56 layers) is 4.00 points above the best: degradation shown"),
        verdict);
    assertTrue(verdict.contains("Residual: every depth at or below the 20-layer network's training error within"
        + " the spread over seeds: yes"), verdict);
  }

  @Test
  void aVeryDeepRunRefusedAtItsFirstStepIsReportedNotDrawn() throws IOException {
    RunRecord residual = new RunRecord("residual", 1202, 1, 1, List.of(0.5), List.of(0.5), 10, List.of(2.3, 1.9),
        1.5, List.of(), List.of(), List.of());
    RunRecord plain = new RunRecord("plain", 1202, 1, 1, List.of(0.9), List.of(0.9), 3, List.of(), 3, List.of(),
        List.of(), List.of(), "after 0 of 12 steps: non-finite gradient of layer conv1 in PlainDeep1202");
    assertEquals(plain, RunRecord.fromJson(plain.toJson(true)), "the reason survives a cell's round trip");
    String verdict = ConvResultsPage.verdict(List.of(), List.of(residual, plain));
    assertTrue(verdict.contains("residual-1202: loss 2.300 → 1.900."), verdict);
    assertTrue(verdict.contains("plain-1202: stopped after 0 of 12 steps, its update refused"), verdict);
    String section = ConvResultsPage.section("c", List.of(), List.of(residual, plain), verdict);
    assertTrue(section.contains("| plain | 1202 | – | – | 90.0 % | 3.0 |"), section);
    assertTrue(section.contains("The plain 1202-layer network stopped after 0 of 12 steps: non-finite gradient"),
        section);
    var chart = Figures.deepLoss(List.of(residual, plain), 1, "deep");
    assertEquals(java.util.Set.of("residual-1202"), chart.getSeriesMap().keySet(), "the refused run has no line");
    Figures.save(chart, dir, "deep");   // an empty series would make XChart throw here
    assertTrue(Files.size(dir.resolve("deep.svg")) > 0);
  }
}
