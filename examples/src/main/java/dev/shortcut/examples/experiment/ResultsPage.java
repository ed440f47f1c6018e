package dev.shortcut.examples.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** Writes {@code results/README.md}: the figures and the table of numbers behind them. */
final class ResultsPage {
  private ResultsPage() {}

  /** The table of final training and test errors by depth, mean ± std over seeds, in percent. */
  static String depthTable(List<RunRecord> runs) {
    TreeSet<Integer> depths = new TreeSet<>();
    runs.forEach(r -> depths.add(r.layers()));
    StringBuilder sb = new StringBuilder();
    sb.append("| layers | plain train error | residual train error | plain test error | residual test error |\n");
    sb.append("|---:|---:|---:|---:|---:|\n");
    for (int depth : depths) {
      sb.append("| ").append(depth);
      for (boolean train : new boolean[] {true, false}) {
        for (String variant : List.of("plain", "residual")) {
          List<Double> values = new ArrayList<>();
          for (RunRecord r : runs) {
            if (r.layers() == depth && r.variant().equals(variant)) {
              values.add(100 * (train ? r.finalTrainError() : r.finalTestError()));
            }
          }
          sb.append(" | ").append(values.isEmpty() ? "–" : percent(Stats.of(values)));
        }
      }
      sb.append(" |\n");
    }
    return sb.toString();
  }

  static String deepTable(List<RunRecord> deep) {
    StringBuilder sb = new StringBuilder();
    sb.append("| network | layers | first logged loss | last logged loss | ms per step |\n");
    sb.append("|---|---:|---:|---:|---:|\n");
    for (RunRecord r : deep) {
      List<Double> loss = r.stepLoss();
      sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %.1f |%n",
          r.variant(), r.layers(), fmt(loss.get(0)), fmt(loss.get(loss.size() - 1)),
          1000 * r.secondsPerStep()));
    }
    return sb.toString();
  }

  static void write(Path file, String configuration, List<RunRecord> runs, List<RunRecord> deep,
      String deepNotes, String verdict) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("# Plain versus residual, measured\n\n");
    sb.append("Written by `./reproduce.sh`; the raw numbers are in `degradation.json`.\n\n");
    sb.append("**Configuration.** ").append(configuration).append("\n\n");
    sb.append("**Verdict.** ").append(verdict).append("\n\n");
    sb.append("## Training error against depth\n\n");
    sb.append("![final training error against depth](error-vs-depth.png)\n\n");
    sb.append("Final errors in percent, mean ± standard deviation over seeds:\n\n");
    sb.append(depthTable(runs)).append('\n');
    sb.append("## Training error by epoch\n\n");
    sb.append("Plain dashed, residual solid, darker = deeper (the ResNet paper's Figure 6 style).\n\n");
    sb.append("![training error by epoch](error-vs-epoch.png)\n\n");
    sb.append("## Where the gradient goes\n\n");
    sb.append("Norm of each layer's weight gradient at the deepest depth, on one fixed batch, at "
        + "initialization and after training. At initialization each residual block's first layer "
        + "has no gradient at all (a gap in the curve): the block's last layer starts at zero, so the "
        + "block is the identity and its branch receives nothing yet, while the shortcut carries the "
        + "signal to every earlier layer.\n\n");
    sb.append("![per-layer gradient norms](gradient-norms.png)\n\n");
    if (!deep.isEmpty()) {
      sb.append("## 1,002 layers\n\n");
      sb.append("![training loss of the very deep networks](deep-loss.png)\n\n");
      sb.append(deepTable(deep)).append('\n');
      sb.append(deepNotes).append("\n\n");
    }
    sb.append("Every figure is also saved as SVG beside its PNG. Each trained network is in "
        + "`checkpoints/<variant>-<layers>-seed<seed>.safetensors` (PyTorch names and layouts), its numbers in "
        + "`cells/<variant>-<layers>-seed<seed>.json`; a rerun reuses them.\n");
    // The convolutional part writes its own section; a rerun of the dense part keeps it.
    if (Files.exists(file)) {
      String old = Files.readString(file);
      int begin = old.indexOf(ConvResultsPage.BEGIN);
      int end = old.indexOf(ConvResultsPage.END);
      if (begin >= 0 && end > begin) {
        sb.append('\n').append(old, begin, end + ConvResultsPage.END.length()).append('\n');
      }
    }
    Files.createDirectories(file.getParent());
    Files.writeString(file, sb.toString());
  }

  private static String percent(Stats s) {
    return String.format(Locale.ROOT, "%.2f ± %.2f", s.mean(), s.std());
  }

  private static String fmt(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "NaN";
  }
}
