package dev.shortcut.examples.guide;

import dev.shortcut.runtime.FloatNetwork;
import dev.shortcut.runtime.NetworkVariant;
import dev.shortcut.runtime.data.CsvReader;
import dev.shortcut.runtime.data.Dataset;
import dev.shortcut.runtime.data.Preprocessing;
import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.predict.Predictor;
import dev.shortcut.runtime.report.ClassificationReport;
import dev.shortcut.runtime.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The user guide's classification workflow, compiled by the build: a CSV file with named columns
 * and text labels, a seeded split, standardization, a network of a family, prediction and a report.
 */
public final class Prediction {
  private Prediction() {}

  /** What {@link #classify} found, for the guide's test. */
  public record Result(String species, float[] probabilities, int[] classes, ClassificationReport report) {}

  /** Trains on {@code csv} (columns sepal_length, sepal_width, petal_length, petal_width, species). */
  public static Result classify(Path csv) throws IOException {
    // tag::csv[]
    Dataset iris = CsvReader.classification("species").read(csv);  // features: every other column
    Dataset.Split split = iris.split(0.2, 42);                        // shuffled with seed 42, 20 % held out
    Preprocessing prep = Preprocessing.fit(split.train());            // the training part's statistics only
    // end::csv[]

    // tag::family[]
    NetworkVariant<FloatNetwork> shallow = IrisFamily.variants().get(0);  // typed: no cast
    FloatNetwork net = shallow.create(32);
    // end::family[]

    Trainer.builder(Adam.withLearningRate(1e-2)).epochs(40).batchSize(16).seed(1).progress(false).build()
        .fit(net, prep.apply(split.train()), prep.apply(split.validation()));

    // tag::predict[]
    Predictor predictor = Predictor.of(net, prep);           // raw features in, standardized inside
    float[] flower = {5.1f, 3.5f, 1.4f, 0.2f};
    String species = predictor.labelOf(flower);               // "setosa"
    float[] probabilities = predictor.probabilities(flower);  // softmax of the logits
    int[] classes = predictor.classes(split.validation());    // any number, fed in chunks of maxBatch

    float[] rows = split.validation().features();             // on a hot path: into your own arrays,
    int[] into = new int[split.validation().size()];           // allocation-free once warmed up
    predictor.classes(rows, into.length, into);
    // end::predict[]

    // tag::report[]
    ClassificationReport report = predictor.classificationReport(split.validation(), 2);
    System.out.println(report);                    // per-class table, top-2 accuracy, confusion matrix
    double setosaRecall = report.recall(0);        // and every figure as data
    long[][] confusion = report.confusion();
    // end::report[]
    System.out.printf("setosa recall %.2f, %d samples in the matrix%n", setosaRecall,
        java.util.Arrays.stream(confusion).flatMapToLong(java.util.Arrays::stream).sum());
    return new Result(species, probabilities, classes, report);
  }
}
