package dev.shortcut.runtime.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 7: on JDK 24 and later the terminal bar must not make the JVM warn about JLine's
 * native library ("A restricted method in java.lang.System has been called").
 */
class ProgressNativeAccessTest {
  /** Draws a bar on a terminal: run by the test below in a JVM of its own, under a pseudo-terminal. */
  public static void main(String[] args) throws InterruptedException {
    if (System.console() == null) {
      throw new IllegalStateException("no terminal: the bar would not be drawn");
    }
    try (Progress bar = Progress.start("epoch 1", 100)) {
      for (int i = 0; i < 4; i++) {
        bar.advance(25, 0.5, 0.9);
        Thread.sleep(10);
      }
    }
    System.out.println("bar closed");
  }

  @Test
  void jlinesNativeCodeIsTurnedOffOnlyWhereTheJvmWouldWarn() {
    Properties p = new Properties();
    Progress.jlineDefaults(25, false, p);
    assertEquals("false", p.getProperty(Progress.JLINE_JNI));
    assertEquals("reflection", p.getProperty(Progress.JLINE_PIPES));
    for (Object[] untouched : new Object[][] {{17, false}, {21, false}, {25, true}}) {
      Properties q = new Properties();
      Progress.jlineDefaults((Integer) untouched[0], (Boolean) untouched[1], q);
      assertTrue(q.isEmpty(), "JDK " + untouched[0] + ", native access " + untouched[1]);
    }
    Properties user = new Properties();
    user.setProperty(Progress.JLINE_JNI, "true");
    Progress.jlineDefaults(25, false, user);
    assertEquals(1, user.size(), "a user's JLine setting is kept as it is");
  }

  @Test
  void aBarOnATerminalOfThisJvmPrintsNoWarning() throws IOException, InterruptedException {
    Path script = Path.of("/usr/bin/script");
    Assumptions.assumeTrue(Files.isExecutable(script), "needs util-linux's script for a pseudo-terminal");
    String java = ProcessHandle.current().info().command().orElseThrow();
    String command = String.join(" ", List.of(java, "-cp", System.getProperty("java.class.path"),
        ProgressNativeAccessTest.class.getName()));
    Process p = new ProcessBuilder(script.toString(), "-qec", command, "/dev/null").redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.PIPE).start();
    p.getOutputStream().close();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the bar's JVM ended");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("100/100") && out.contains("bar closed"), "the bar was drawn:\n" + out);
    assertFalse(out.contains("WARNING"), "on JDK " + Runtime.version().feature() + ":\n" + out);
  }
}
