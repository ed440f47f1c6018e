package dev.shortcut.examples.guide;

import dev.shortcut.runtime.checkpoint.Checkpoints;
import dev.shortcut.runtime.data.CsvReader;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.Preprocessing;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.predict.Predictor;
import dev.shortcut.runtime.report.RegressionReport;
import dev.shortcut.runtime.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The user guide's regression workflow, compiled by the build: targets and features chosen by
 * name, both standardized, the statistics saved with the checkpoint and applied again when a
 * loaded network predicts.
 */
public final class Regression {
  private Regression() {}

  /** A prediction for one house, in the data's units, and the report on the whole file. */
  public record Result(float price, RegressionReport report) {}

  /** Trains on {@code csv} (columns rooms, area, age, price, ...), saves to {@code checkpoint}, loads and predicts. */
  public static Result fitSaveAndPredict(Path csv, Path checkpoint) throws IOException {
    // tag::train[]
    Dataset houses = CsvReader.regression("price").features("rooms", "area", "age").read(csv);
    Preprocessing prep = Preprocessing.fit(houses);             // features and price, standardized
    ResidualHouses net = new ResidualHouses(64);
    Trainer.builder(Adam.withLearningRate(3e-3)).epochs(60).batchSize(32).seed(3).progress(false).build()
        .fit(net, prep.apply(houses), null);
    Checkpoints.save(net, null, checkpoint, prep.metadata());  // the statistics travel in the metadata
    // end::train[]

    // tag::load[]
    ResidualHouses loaded = new ResidualHouses(64);
    Preprocessing saved = Preprocessing.fromMetadata(Checkpoints.load(loaded, checkpoint));
    Predictor predictor = Predictor.of(loaded, saved);
    float price = predictor.outputs(new float[] {3, 70.5f, 12})[0];  // in the data's own units
    RegressionReport report = predictor.regressionReport(houses);    // MSE, MAE, R², on raw targets
    // end::load[]
    return new Result(price, report);
  }
}
