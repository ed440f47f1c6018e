package dev.shortcut.runtime.report;

import dev.shortcut.runtime.train.EpochMetrics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;

/** Appends one JSON object per epoch to a file (JSON Lines), for plotting and comparison. */
public final class MetricsLog implements AutoCloseable {
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
    StringBuilder sb = new StringBuilder("{\"network\":\"").append(network).append('"');
    sb.append(",\"epoch\":").append(m.epoch());
    field(sb, "train_loss", m.trainLoss());
    field(sb, "train_accuracy", m.trainAccuracy());
    field(sb, "validation_loss", m.validationLoss());
    field(sb, "validation_accuracy", m.validationAccuracy());
    field(sb, "learning_rate", m.learningRate());
    field(sb, "seconds", m.seconds());
    field(sb, "samples_per_second", m.samplesPerSecond());
    sb.append(",\"skipped_steps\":").append(m.skippedSteps());
    if (!m.gradientNorms().isEmpty()) {
      sb.append(",\"gradient_norms\":{");
      boolean first = true;
      for (Map.Entry<String, Double> e : m.gradientNorms().entrySet()) {
        sb.append(first ? "" : ",").append('"').append(e.getKey()).append("\":").append(number(e.getValue()));
        first = false;
      }
      sb.append('}');
    }
    return sb.append('}').toString();
  }

  private static void field(StringBuilder sb, String name, double v) {
    sb.append(",\"").append(name).append("\":").append(number(v));
  }

  private static String number(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "null";
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
