package dev.shortcut.examples.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The convolutional section of {@code results/README.md}: kept between two markers, so that the
 * dense part and the convolutional part of the main job can each rewrite their own half.
 */
final class ConvResultsPage {
  static final String BEGIN = "<!-- begin: convolutional results -->";
  static final String END = "<!-- end: convolutional results -->";

  private ConvResultsPage() {}

  static String section(String configuration, List<RunRecord> runs, List<RunRecord> deep, String verdict) {
    StringBuilder sb = new StringBuilder();
    sb.append(BEGIN).append("\n## Convolutional: the paper's experiment\n\n");
    sb.append("Written by `./reproduce.sh`; raw numbers in `conv/degradation.json`, trained networks in "
        + "`conv/checkpoints/` (PyTorch names and layouts).\n\n");
    sb.append("**Configuration.** ").append(configuration).append("\n\n");
    sb.append("**Verdict.** ").append(verdict).append("\n\n");
    sb.append("Error against iterations, the paper's Figure 6 in spirit: bold lines training error, thin "
        + "lines test error, darker for deeper.\n\n");
    sb.append("| plain | residual |\n|---|---|\n");
    sb.append("| ![plain networks](conv/curves-plain.png) | ![residual networks](conv/curves-residual.png) |\n\n");
    sb.append("![final training error against depth](conv/error-vs-depth.png)\n\n");
    sb.append("Final errors in percent, mean ± standard deviation over seeds:\n\n");
    sb.append(ResultsPage.depthTable(runs)).append('\n');
    if (!deep.isEmpty()) {
      sb.append("### 1,202 layers\n\n");
      sb.append("![training loss of the 1,202-layer networks](conv/deep-loss.png)\n\n");
      sb.append("| network | layers | first logged loss | last logged loss | error on a subset of the training "
          + "images | s per step |\n|---|---:|---:|---:|---:|---:|\n");
      for (RunRecord r : deep) {
        List<Double> loss = r.stepLoss();
        sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %.1f %% | %.1f |%n", r.variant(), r.layers(),
            loss.isEmpty() ? "–" : String.format(Locale.ROOT, "%.4f", loss.get(0)),
            loss.isEmpty() ? "–" : String.format(Locale.ROOT, "%.4f", loss.get(loss.size() - 1)),
            100 * r.finalTrainError(), r.secondsPerStep()));
      }
      sb.append('\n');
      for (RunRecord r : deep) {
        if (!r.stopped().isEmpty()) {
          sb.append(String.format(Locale.ROOT, "The %s %d-layer network stopped %s%n%n", r.variant(), r.layers(),
              r.stopped()));
        }
      }
    }
    return sb.append(END).append('\n').toString();
  }

  /** Puts {@code section} into {@code readme}, replacing an earlier one, or after the rest. */
  static void write(Path readme, String section) throws IOException {
    String text = Files.exists(readme) ? Files.readString(readme) : "# Results\n\n";
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin >= 0 && end > begin) {
      text = text.substring(0, begin) + section + text.substring(end + END.length()).replaceFirst("^\n", "");
    } else {
      text = text.stripTrailing() + "\n\n" + section;
    }
    Files.createDirectories(readme.getParent());
    Files.writeString(readme, text);
  }

  /**
   * The paper's shape, judged on the data used: the deepest plain network's final training error
   * at least 2 points above the best plain one; every residual network at or below the shallowest
   * residual one's (within the spread over seeds); the very deep residual network's loss falling
   * clearly while its plain twin's does not.
   */
  static String verdict(List<RunRecord> runs, List<RunRecord> deep) {
    StringBuilder sb = new StringBuilder(Reproduce.verdict(runs));
    java.util.TreeMap<Integer, List<Double>> plain = byDepth(runs, "plain");
    java.util.TreeMap<Integer, List<Double>> residual = byDepth(runs, "residual");
    if (!plain.isEmpty()) {
      double best = plain.values().stream().mapToDouble(v -> Stats.of(v).mean()).min().orElseThrow();
      double deepest = Stats.of(plain.lastEntry().getValue()).mean();
      sb.append(String.format(Locale.ROOT, " Plain: the deepest (%d layers) is %.2f points above the best: %s.",
          plain.lastKey(), 100 * (deepest - best), deepest - best >= 0.02 ? "degradation shown"
              : "less than the 2 points asked for"));
    }
    if (!residual.isEmpty()) {
      Stats first = Stats.of(residual.firstEntry().getValue());
      boolean holds = true;
      for (List<Double> v : residual.values()) {
        Stats s = Stats.of(v);
        holds &= s.mean() <= first.mean() + Math.max(first.max() - first.min(), s.max() - s.min());
      }
      sb.append(String.format(Locale.ROOT, " Residual: every depth at or below the %d-layer network's training "
          + "error within the spread over seeds: %s.", residual.firstKey(), holds ? "yes" : "no"));
    }
    for (RunRecord r : deep) {
      List<Double> loss = r.stepLoss();
      if (!r.stopped().isEmpty()) {
        sb.append(String.format(Locale.ROOT, " %s-%d: stopped %s, its update refused (a non-finite value).",
            r.variant(), r.layers(), r.stopped().replaceFirst(":.*", "")));
        continue;
      }
      sb.append(String.format(Locale.ROOT, " %s-%d: loss %.3f → %.3f.", r.variant(), r.layers(), loss.get(0),
          loss.get(loss.size() - 1)));
      if (Double.isNaN(loss.get(0) - loss.get(loss.size() - 1))) {
        sb.append(" (diverged)");
      }
    }
    return sb.toString();
  }

  private static java.util.TreeMap<Integer, List<Double>> byDepth(List<RunRecord> runs, String variant) {
    java.util.TreeMap<Integer, List<Double>> m = new java.util.TreeMap<>();
    for (RunRecord r : runs) {
      if (r.variant().equals(variant)) {
        m.computeIfAbsent(r.layers(), k -> new java.util.ArrayList<>()).add(r.finalTrainError());
      }
    }
    return m;
  }
}
