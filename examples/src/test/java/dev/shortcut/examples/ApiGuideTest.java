package dev.shortcut.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.examples.guide.Prediction;
import dev.shortcut.examples.guide.Regression;
import dev.shortcut.examples.guide.ResidualIris4;
import dev.shortcut.examples.guide.Resume;
import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.checkpoint.SafeTensors;
import dev.shortcut.runtime.data.CsvReader;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.train.Trainer;
import dev.shortcut.runtime.train.TrainingHistory;
import dev.shortcut.runtime.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guide's prediction, data, report and resume code runs as printed, on files made here. */
class ApiGuideTest {
  @TempDir Path dir;

  /** Three species around the real iris means, well apart: a text label column, quoted once. */
  private Path irisCsv() throws IOException {
    double[][] means = {{5.0, 3.4, 1.5, 0.2}, {5.9, 2.8, 4.3, 1.3}, {6.6, 3.0, 5.6, 2.0}};
    String[] species = {"setosa", "versicolor", "virginica"};
    SplittableRandom r = new SplittableRandom(11);
    StringBuilder csv = new StringBuilder("sepal_length,sepal_width,petal_length,petal_width,species\n");
    for (int i = 0; i < 150; i++) {
      int s = i % 3;
      for (int j = 0; j < 4; j++) {
        csv.append(String.format(Locale.ROOT, "%.2f,", means[s][j] + 0.15 * r.nextGaussian()));
      }
      csv.append(i == 0 ? "\"setosa\"" : species[s]).append('\n');
    }
    return Files.writeString(dir.resolve("iris.csv"), csv);
  }

  @Test
  void theClassificationWorkflowPredictsAndReports() throws IOException {
    Prediction.Result r = Prediction.classify(irisCsv());
    assertEquals("setosa", r.species());
    double sum = 0;
    for (float p : r.probabilities()) {
      sum += p;
    }
    assertEquals(1, sum, 1e-5);
    assertEquals(30, r.classes().length, "20 % of 150 held out");
    assertEquals(List.of("setosa", "versicolor", "virginica"), r.report().classNames());
    assertTrue(r.report().accuracy() > 0.9, r.report().toString());
    assertEquals(30, r.report().samples());
  }

  @Test
  void theRegressionWorkflowPredictsInTheDataUnitsAfterALoad() throws IOException {
    SplittableRandom r = new SplittableRandom(5);
    StringBuilder csv = new StringBuilder("city,rooms,area,age,price\n");
    for (int i = 0; i < 400; i++) {
      int rooms = 1 + r.nextInt(5);
      double area = 20 + 25 * rooms + 10 * r.nextDouble();
      int age = r.nextInt(60);
      double price = 50_000 * rooms + 2_000 * area - 1_000 * age + 2_000 * r.nextGaussian();
      csv.append(String.format(Locale.ROOT, "\"Paris, %d\",%d,%.1f,%d,%.0f%n", i % 20, rooms, area, age, price));
    }
    Path file = Files.writeString(dir.resolve("houses.csv"), csv);
    Path checkpoint = dir.resolve("houses.safetensors");
    Regression.Result result = Regression.fitSaveAndPredict(file, checkpoint);
    double expected = 50_000 * 3 + 2_000 * 70.5 - 1_000 * 12;
    assertEquals(expected, result.price(), 0.05 * expected, "a price, not a standardized score");
    assertTrue(result.report().r2() > 0.95, result.report().toString());
    assertTrue(SafeTensors.readMetadata(checkpoint).containsKey("preprocessing.targets.mean"));
  }

  @Test
  void aKilledRunStartedAgainEndsAsTheUninterruptedRun() throws IOException {
    Dataset data = CsvReader.classification("species").read(irisCsv());
    Dataset.Split split = data.split(0.2, 1);
    ResidualIris4 straight = new ResidualIris4(32, 9L);
    Resume.train(straight, split.train(), split.validation(), dir.resolve("straight.safetensors"), null);

    Path checkpoint = dir.resolve("job.safetensors");
    TrainingListener kill = new TrainingListener() {
      @Override
      public void onEpochBegin(int epoch) {
        if (epoch == 4) {
          throw new IllegalStateException("killed");
        }
      }
    };
    assertThrows(IllegalStateException.class, () -> Resume.train(new ResidualIris4(32, 9L), split.train(),
        split.validation(), checkpoint, kill));
    ResidualIris4 restarted = new ResidualIris4(32, 123L); // a new process: other initial weights
    TrainingHistory rest = Resume.train(restarted, split.train(), split.validation(), checkpoint, null);
    assertEquals(4, rest.epochs().get(0).epoch());
    assertArrayEquals(straight.parameters(), restarted.parameters());
  }

  @Test
  void theCheckpointOfTheGuideHoldsExactlyTheStateDictOfItsNetwork() throws IOException {
    ResidualIris4 net = new ResidualIris4(32, 1L);
    Trainer trainer = Trainer.builder(Adam.withLearningRate(1e-2)).progress(false).build();
    Dataset data = CsvReader.classification("species").read(irisCsv());
    trainer.fit(net, data, null);
    Path file = dir.resolve("iris.safetensors");
    Resume.saveWithOptimizer(net, trainer, file);
    // torch.nn.Sequential-like names of Iris: stem, body.0.fc1, body.0.fc2, head, each a weight and a bias.
    TreeSet<String> expected = new TreeSet<>();
    for (String layer : List.of("stem", "body.0.fc1", "body.0.fc2", "head")) {
      expected.add(layer + ".weight");
      expected.add(layer + ".bias");
    }
    assertEquals(expected, new TreeSet<>(SafeTensors.read(file).tensors().keySet()));
    assertTrue(Files.exists(Checkpoints.optimizerFile(file)));
  }
}
