package dev.shortcut.examples.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.sweep.Shard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experiment's outputs on made-up runs: JSON fields, figures, the page and the verdict. */
class ReproduceSmokeTest {
  @TempDir Path dir;

  private static RunRecord run(String variant, int layers, long seed, double train, double test) {
    return new RunRecord(variant, layers, 2, seed, List.of(train + 0.05, train), List.of(test + 0.05, test), 3.5,
        List.of(), 0);
  }

  private final List<RunRecord> runs = List.of(
      run("plain", 6, 1, 0.13, 0.14), run("plain", 56, 1, 0.30, 0.31), run("plain", 56, 2, 0.32, 0.33),
      run("residual", 6, 1, 0.125, 0.14), run("residual", 56, 1, 0.124, 0.14), run("residual", 56, 2, 0.126, 0.14));

  @Test
  void jsonHasTheDocumentedFields() {
    String json = Json.records(runs);
    assertTrue(json.startsWith("[\n  {\"variant\": \"plain\", \"layers\": 6, \"epochs\": 2, \"seed\": 1, "
        + "\"train_error\": [0.18, 0.13], \"test_error\": [0.19, 0.14], \"seconds\": 3.5}"), json);
    RunRecord deep = new RunRecord("residual", 1002, 1, 1, List.of(0.2), List.of(0.25), 10, List.of(2.3, Double.NaN),
        0.05);
    assertTrue(deep.toJson().endsWith("\"step_loss\": [2.3, null], \"seconds_per_step\": 0.05}"), deep.toJson());
  }

  @Test
  void verdictComparesTheDeepestWithTheBest() {
    assertEquals("plain: best training error 13.00% at 6 layers; at 56 layers 31.00%. "
        + "residual: best training error 12.50% at 6 layers; at 56 layers 12.50%.", Reproduce.verdict(runs));
  }

  @Test
  void figuresAndPageAreWritten() throws IOException {
    Figures.save(Figures.errorVersusDepth(runs), dir, "depth");
    Figures.save(Figures.errorVersusEpoch(runs), dir, "epoch");
    Map<String, double[]> norms = new LinkedHashMap<>();
    norms.put("plain at init", new double[] {1, 0.5, 0.1});
    norms.put("residual at init", new double[] {1, 0, 0.9});
    Figures.save(Figures.gradientNorms(3, norms), dir, "norms");
    for (String name : List.of("depth", "epoch", "norms")) {
      byte[] png = Files.readAllBytes(dir.resolve(name + ".png"));
      assertEquals((byte) 0x89, png[0]);
      assertEquals('P', png[1]);
      assertTrue(Files.readString(dir.resolve(name + ".svg")).contains("<svg"));
    }
    ResultsPage.write(dir.resolve("README.md"), "test configuration", runs, List.of(), "", "verdict");
    String page = Files.readString(dir.resolve("README.md"));
    assertTrue(page.contains("| 56 | 31.00 ± 1.41 | 12.50 ± 0.14 |"), page);
    assertTrue(page.contains("![final training error against depth](error-vs-depth.png)"));
  }

  @Test
  void argumentsAreChecked() {
    assertEquals(3, Reproduce.parse(new String[] {"--full"}).seeds().size());
    assertEquals(Path.of("/data"), Reproduce.parse(new String[] {"--data", "/data"}).data());
    assertThrows(IllegalArgumentException.class, () -> Reproduce.parse(new String[] {"--bogus"}));
    assertThrows(IllegalArgumentException.class, () -> Reproduce.parse(new String[] {"--data"}));
    assertThrows(IllegalArgumentException.class, () -> Reproduce.parse(new String[] {"--threads", "two"}));
    assertEquals(1, Reproduce.parse(new String[] {"--threads", "1"}).threads());
    Reproduce.Config defaults = Reproduce.parse(new String[] {});
    assertEquals("inprocess", defaults.executor());
    assertEquals(Shard.all(), defaults.shard());
    Reproduce.Config sharded = Reproduce.parse(new String[] {"--executor", "spark", "--shard", "2/4", "--full"});
    assertEquals("spark", sharded.executor());
    assertEquals(new Shard(2, 4), sharded.shard());
    assertTrue(sharded.full(), "the other flags still work beside them");
    IllegalArgumentException shard = assertThrows(IllegalArgumentException.class,
        () -> Reproduce.parse(new String[] {"--shard", "5/4"}));
    assertTrue(shard.getMessage().contains("shards are numbered 1 to N"), shard.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Reproduce.parse(new String[] {"--executor"}));
  }
}
