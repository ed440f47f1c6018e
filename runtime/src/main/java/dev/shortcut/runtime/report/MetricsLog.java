package dev.shortcut.runtime.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.shortcut.runtime.train.EpochMetrics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Appends one JSON object per epoch to a file (JSON Lines), for plotting and comparison. Written
 * with jackson-core's generator, as every JSON the runtime writes is: names and strings are
 * escaped, numbers are full-precision doubles, and a value that is not finite (no validation set,
 * no classes) is {@code null}.
 */
public final class MetricsLog implements AutoCloseable {
  private static final JsonFactory JSON = new JsonFactory();

  private final BufferedWriter out;

  private MetricsLog(BufferedWriter out) {
    this.out = out;
  }

  /** Opens {@code file} for appending, creating its directory. */
  public static MetricsLog open(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    return new MetricsLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND));
  }

  /** Writes one line for {@code m}. */
  public void write(String network, EpochMetrics m) throws IOException {
    out.write(line(network, m));
    out.newLine();
    out.flush();
  }

  /** The JSON text of one epoch. */
  public static String line(String network, EpochMetrics m) {
    StringWriter text = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(text)) {
      g.writeStartObject();
      g.writeStringField("network", network);
      g.writeNumberField("epoch", m.epoch());
      number(g, "train_loss", m.trainLoss());
      number(g, "train_accuracy", m.trainAccuracy());
      number(g, "validation_loss", m.validationLoss());
      number(g, "validation_accuracy", m.validationAccuracy());
      number(g, "learning_rate", m.learningRate());
      number(g, "seconds", m.seconds());
      number(g, "samples_per_second", m.samplesPerSecond());
      g.writeNumberField("skipped_steps", m.skippedSteps());
      if (!m.gradientNorms().isEmpty()) {
        g.writeObjectFieldStart("gradient_norms");
        for (Map.Entry<String, Double> e : m.gradientNorms().entrySet()) {
          number(g, e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory failed", e); // a StringWriter cannot fail
    }
    return text.toString();
  }

  private static void number(JsonGenerator g, String name, double v) throws IOException {
    if (Double.isFinite(v)) {
      g.writeNumberField(name, v);
    } else {
      g.writeNullField(name);
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
