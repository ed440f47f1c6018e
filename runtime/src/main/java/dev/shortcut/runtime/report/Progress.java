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
 *
 * <p>The bar asks JLine for the terminal's width. On JDK 24 and later, JLine's native terminal
 * loads a library with {@code System.load}, a restricted method: without {@code
 * --enable-native-access=ALL-UNNAMED} the JVM prints a warning the first time. Unless native
 * access is enabled for JLine, or the JLine properties below are set by the user, the bar has JLine
 * use its {@code exec} terminal instead ({@code stty}, no native code), which draws the same bar.
 */
public abstract class Progress implements AutoCloseable {
  /** Shows nothing. */
  public static final Progress NONE = new Progress() {
    @Override
    public void advance(int samples, double loss, double accuracy) {}

    @Override
    public void close() {}
  };

  /** Only this class makes progress bars: {@link #NONE} and {@link #start}. */
  Progress() {}

  /** True when a bar would be seen: a console, and not under CI. */
  public static boolean enabledByDefault() {
    return System.console() != null && System.getenv("CI") == null;
  }

  /** A bar for {@code total} samples. */
  public static Progress start(String task, long total) {
    avoidNativeAccessWarning();
    return new Bar(task, total, null);
  }

  /** JLine's switch for its JNI terminal, and how its exec terminal creates pipes (native or reflection). */
  static final String JLINE_JNI = "org.jline.terminal.jni";
  static final String JLINE_PIPES = "org.jline.terminal.exec.redirectPipeCreationMode";

  private static void avoidNativeAccessWarning() {
    jlineDefaults(Runtime.version().feature(), jlineHasNativeAccess(), System.getProperties());
  }

  /**
   * Where the JVM warns on restricted methods (24+) and JLine may not call them, and the user has
   * not configured JLine's terminal, turns JLine's native code off in {@code properties}.
   */
  static void jlineDefaults(int javaFeature, boolean nativeAccess, java.util.Properties properties) {
    if (javaFeature < 24 || nativeAccess || properties.containsKey(JLINE_JNI) || properties.containsKey(JLINE_PIPES)) {
      return;
    }
    properties.setProperty(JLINE_JNI, "false");
    properties.setProperty(JLINE_PIPES, "reflection");
  }

  /** Whether the module of JLine's native loader may call restricted methods (JDK 22+ API, read reflectively). */
  private static boolean jlineHasNativeAccess() {
    try {
      Module jline = Class.forName("org.jline.nativ.JLineNativeLoader", false, Progress.class.getClassLoader())
          .getModule();
      return (Boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(jline);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false; // before JDK 22 there is no such check, and no warning either
    }
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
