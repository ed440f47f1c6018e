package dev.shortcut.examples.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The experiment's figures, each saved as PNG and SVG with XChart. */
final class Figures {
  private static final Color PLAIN = new Color(0xC0392B);
  private static final Color RESIDUAL = new Color(0x1F5FAF);
  private static final BasicStroke DASHED =
      new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 5f}, 0f);
  private static final BasicStroke SOLID = new BasicStroke(2f);

  private Figures() {}

  /**
   * (a) Final training error against depth, plain and residual: the lecture's sketch, measured.
   * Points are means over seeds, error bars the min–max spread.
   */
  static XYChart errorVersusDepth(List<RunRecord> runs) {
    XYChart chart = chart("Training error after training, by depth", "layers", "training error (%)");
    for (String variant : List.of("plain", "residual")) {
      TreeMap<Integer, List<Double>> byDepth = new TreeMap<>();
      for (RunRecord r : runs) {
        if (r.variant().equals(variant)) {
          byDepth.computeIfAbsent(r.layers(), k -> new ArrayList<>()).add(100 * r.finalTrainError());
        }
      }
      if (byDepth.isEmpty()) {
        continue;
      }
      double[] x = new double[byDepth.size()];
      double[] mean = new double[x.length];
      double[] spread = new double[x.length];
      int i = 0;
      for (Map.Entry<Integer, List<Double>> e : byDepth.entrySet()) {
        Stats s = Stats.of(e.getValue());
        x[i] = e.getKey();
        mean[i] = s.mean();
        spread[i] = (s.max() - s.min()) / 2;
        i++;
      }
      XYSeries series = chart.addSeries(variant, x, mean, spread);
      style(series, variant, true);
    }
    return chart;
  }

  /** (b) Training error after each epoch for every depth: plain dashed, residual solid. */
  static XYChart errorVersusEpoch(List<RunRecord> runs) {
    XYChart chart =
        chart("Training error by epoch (plain dashed, residual solid)", "epoch", "training error (%)");
    TreeSet<Integer> depths = new TreeSet<>();
    runs.forEach(r -> depths.add(r.layers()));
    for (String variant : List.of("plain", "residual")) {
      for (int depth : depths) {
        List<double[]> curves = new ArrayList<>();
        for (RunRecord r : runs) {
          if (r.variant().equals(variant) && r.layers() == depth) {
            curves.add(r.trainError().stream().mapToDouble(v -> 100 * v).toArray());
          }
        }
        if (curves.isEmpty()) {
          continue;
        }
        double[] mean = meanCurve(curves);
        double[] epochs = new double[mean.length];
        for (int e = 0; e < epochs.length; e++) {
          epochs[e] = e + 1;
        }
        XYSeries s = chart.addSeries(variant + "-" + depth, epochs, mean);
        s.setLineColor(shade(variant, depth, depths));
        s.setMarkerColor(shade(variant, depth, depths));
        s.setLineStyle(variant.equals("plain") ? DASHED : SOLID);
        s.setMarker(SeriesMarkers.CIRCLE);
      }
    }
    return chart;
  }

  /**
   * (c) The norm of each layer's weight gradient, input side left, at initialization and after
   * training: where the gradient signal goes in a deep plain network, and where it does not.
   */
  static XYChart gradientNorms(int layers, Map<String, double[]> normsBySeries) {
    XYChart chart =
        chart(
            "Per-layer weight-gradient norm, " + layers + " layers",
            "layer (input → output)",
            "‖∂L/∂W‖ (log scale)");
    chart.getStyler().setYAxisLogarithmic(true);
    for (Map.Entry<String, double[]> e : normsBySeries.entrySet()) {
      double[] y = floorForLog(e.getValue());
      double[] x = new double[y.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = i + 1;
      }
      XYSeries s = chart.addSeries(e.getKey(), x, y);
      String variant = e.getKey().startsWith("plain") ? "plain" : "residual";
      style(s, variant, false);
      if (e.getKey().contains("init")) {
        s.setLineColor(s.getLineColor().brighter());
        s.setLineStyle(DASHED);
      }
    }
    return chart;
  }

  /** (d) Training loss per logged step of the very deep networks. */
  static XYChart deepLoss(List<RunRecord> deepRuns, int stepsPerPoint) {
    return deepLoss(deepRuns, stepsPerPoint, "Training loss, very deep networks");
  }

  static XYChart deepLoss(List<RunRecord> deepRuns, int stepsPerPoint, String title) {
    XYChart chart = chart(title, "step", "training loss");
    for (RunRecord r : deepRuns) {
      double[] y = r.stepLoss().stream().mapToDouble(Double::doubleValue).toArray();
      if (y.length == 0) {
        continue; // a run refused at its first step has no loss to draw (the page says why)
      }
      double[] x = new double[y.length];
      for (int i = 0; i < y.length; i++) {
        x[i] = (i + 1) * (double) stepsPerPoint;
        if (!Double.isFinite(y[i])) {
          y[i] = Double.NaN;
        }
      }
      XYSeries s = chart.addSeries(r.variant() + "-" + r.layers(), x, y);
      style(s, r.variant(), false);
    }
    return chart;
  }

  /**
   * The paper's Figure 6 in spirit, one panel per variant: error against iterations for every
   * depth, bold lines training error, thin lines test error, darker for deeper (first seed).
   */
  static XYChart errorVersusIterations(List<RunRecord> runs, String variant) {
    XYChart chart = chart((variant.equals("plain") ? "Plain" : "Residual") + " networks: bold training error, thin"
        + " test error", "iteration", "error (%)");
    TreeSet<Integer> depths = new TreeSet<>();
    runs.forEach(r -> depths.add(r.layers()));
    TreeSet<Integer> shown = new TreeSet<>();
    for (RunRecord r : runs) {
      if (!r.variant().equals(variant) || r.curveIterations().isEmpty() || !shown.add(r.layers())) {
        continue;
      }
      double[] x = r.curveIterations().stream().mapToDouble(Double::doubleValue).toArray();
      Color c = shade(variant, r.layers(), depths);
      XYSeries train = chart.addSeries(variant + "-" + r.layers(), x,
          r.curveTrainError().stream().mapToDouble(v -> 100 * v).toArray());
      train.setLineColor(c);
      train.setLineStyle(new BasicStroke(3f));
      train.setMarker(SeriesMarkers.NONE);
      XYSeries test = chart.addSeries(variant + "-" + r.layers() + " test", x,
          r.curveTestError().stream().mapToDouble(v -> 100 * v).toArray());
      test.setLineColor(c);
      test.setLineStyle(new BasicStroke(1f));
      test.setMarker(SeriesMarkers.NONE);
      test.setShowInLegend(false);
    }
    return chart;
  }

  /** Writes {@code <dir>/<name>.png} and {@code <dir>/<name>.svg}. */
  static void save(XYChart chart, Path dir, String name) throws IOException {
    String base = dir.resolve(name).toString();
    BitmapEncoder.saveBitmapWithDPI(chart, base, BitmapEncoder.BitmapFormat.PNG, 144);
    VectorGraphicsEncoder.saveVectorGraphic(
        chart, base, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
  }

  private static XYChart chart(String title, String x, String y) {
    XYChart chart =
        new XYChartBuilder().width(900).height(560).title(title).xAxisTitle(x).yAxisTitle(y).build();
    XYStyler styler = chart.getStyler();
    styler.setLegendPosition(Styler.LegendPosition.OutsideE);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotGridLinesColor(new Color(0xDDDDDD));
    styler.setAntiAlias(true);
    return chart;
  }

  private static void style(XYSeries s, String variant, boolean markers) {
    Color c = variant.equals("plain") ? PLAIN : RESIDUAL;
    s.setLineColor(c);
    s.setMarkerColor(c);
    s.setLineStyle(variant.equals("plain") ? DASHED : SOLID);
    s.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
  }

  /** Darker lines for deeper networks, in the variant's hue. */
  private static Color shade(String variant, int depth, TreeSet<Integer> depths) {
    int rank = depths.headSet(depth).size();
    float t = depths.size() == 1 ? 1f : rank / (float) (depths.size() - 1);
    float[] hsb = Color.RGBtoHSB(
        (variant.equals("plain") ? PLAIN : RESIDUAL).getRed(),
        (variant.equals("plain") ? PLAIN : RESIDUAL).getGreen(),
        (variant.equals("plain") ? PLAIN : RESIDUAL).getBlue(),
        null);
    return Color.getHSBColor(hsb[0], 0.35f + 0.65f * t, 0.95f - 0.45f * t);
  }

  private static double[] meanCurve(List<double[]> curves) {
    int n = curves.stream().mapToInt(c -> c.length).min().orElse(0);
    double[] mean = new double[n];
    for (double[] c : curves) {
      for (int i = 0; i < n; i++) {
        mean[i] += c[i] / curves.size();
      }
    }
    return mean;
  }

  /**
   * A log axis cannot show zero: such points become gaps. (At initialization every residual
   * block's first layer has an exactly zero gradient, because the layer after it starts at zero.)
   */
  private static double[] floorForLog(double[] values) {
    double[] y = values.clone();
    for (int i = 0; i < y.length; i++) {
      if (!(y[i] > 0) || !Double.isFinite(y[i])) {
        y[i] = Double.NaN;
      }
    }
    return y;
  }
}
