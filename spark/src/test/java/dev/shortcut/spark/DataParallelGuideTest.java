package dev.shortcut.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.optim.Sgd;
import dev.shortcut.runtime.sweep.NetworkSpec;
import dev.shortcut.runtime.sweep.SharedData;
import dev.shortcut.runtime.train.Trainer;
import dev.shortcut.spark.nets.TinyFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweeps chapter's data-parallel code ({@code docs/sweeps.md}) runs as printed, on local[2]. */
class DataParallelGuideTest {
  @TempDir Path dir;

  @Test
  void theGuidesDataParallelRunTrainsAndCheckpoints() throws Exception {
    JavaSparkContext sparkContext = LocalSpark.context();
    NetworkSpec network = NetworkSpec.of(TinyFamily.class, TinyFamily.variants().get(0));
    SharedData<Dataset> data = SharedData.lazy("guide-blobs", () -> SparkSweepTest.blobs(256, 8, 3, 2));
    Path checkpoint = dir.resolve("run.safetensors");
    // tag::data-parallel[]
    DataParallelTraining training = DataParallelTraining.builder(network,
            () -> Sgd.withLearningRate(0.05).momentum(0.9))  // each shard's optimizer, built where it runs
        .shards(2)                                          // one Spark task per shard and round
        .batchPerShard(32)                                  // combined batch: 64
        .averageEvery(4)                                    // K: steps between exchanges
        .steps(40)
        .seed(1)
        .checkpoint(checkpoint, 5)                          // every 5 rounds; fit resumes from it
        .build();
    DataParallelTraining.Result result = training.fit(sparkContext, data);
    System.out.printf("%.1f ms per step, %.0f ms per exchange%n",
        1e3 * result.secondsPerStep(), 1e3 * result.secondsPerExchange());
    // end::data-parallel[]
    assertEquals(40, result.steps());
    assertEquals(10, result.rounds().size());
    assertTrue(Files.exists(checkpoint));
    FloatNetwork net = result.network();
    double accuracy = Trainer.evaluate(net, data.get()).accuracy();
    assertTrue(accuracy > 0.8, "it learned the blobs: " + accuracy);
  }
}
