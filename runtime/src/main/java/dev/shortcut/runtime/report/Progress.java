package dev.shortcut.runtime.report;

import java.util.Locale;
import java.util.function.Consumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A console progress bar for one epoch: samples done, loss, accuracy, samples per second and ETA,
 * drawn by {@code me.tongfei:progressbar}. Quiet when there is no terminal or {@code CI} is set.
 */
public abstract class Progress implements AutoCloseable {
  /** Shows nothing. */
  public static final Progress NONE = new Progress() {
    @Override
    public void advance(int samples, double loss, double accuracy) {}

    @Override
    public void close() {}
  };

  /** True when a bar would be seen: a console, and not under CI. */
  public static boolean enabledByDefault() {
    return System.console() != null && System.getenv("CI") == null;
  }

  /** A bar for {@code total} samples. */
  public static Progress start(String task, long total) {
    return new Bar(task, total, null);
  }

  /** A bar whose rendered lines go to {@code lines} instead of the console. */
  static Progress start(String task, long total, Consumer<String> lines) {
    return new Bar(task, total, lines);
  }

  /**
   * The text after the bar's speed: the library prints the speed and this message with nothing
   * between them, so it starts with a separator of its own.
   */
  static String message(double loss, double accuracy) {
    return String.format(Locale.ROOT, " | loss %.4f, accuracy %.2f%%", loss, 100 * accuracy);
  }

  /** {@code samples} more are done; the running loss and accuracy so far. */
  public abstract void advance(int samples, double loss, double accuracy);

  @Override
  public abstract void close();

  private static final class Bar extends Progress {
    private final ProgressBar bar;
    private long lastMessage;

    Bar(String task, long total, Consumer<String> lines) {
      ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
          .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).setUnit(" samples", 1)
          .showSpeed().setMaxRenderedLength(140);
      if (lines != null) {
        builder.setConsumer(new DelegatingProgressBarConsumer(lines, 140));
      }
      bar = builder.build();
    }

    @Override
    public void advance(int samples, double loss, double accuracy) {
      bar.stepBy(samples);
      long now = System.nanoTime();
      if (now - lastMessage > 250_000_000L) { // the text is rebuilt at the bar's own rate, not per step
        lastMessage = now;
        bar.setExtraMessage(message(loss, accuracy));
      }
    }

    @Override
    public void close() {
      bar.close();
    }
  }
}
