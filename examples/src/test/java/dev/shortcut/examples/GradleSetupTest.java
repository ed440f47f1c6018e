package dev.shortcut.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Gradle is not installed where Shortcut is built, so quickstart/build.gradle.kts is not built
 * here; this keeps it asking for what quickstart/pom.xml, which CI builds, asks for.
 */
class GradleSetupTest {
  @Test
  void theGradleBuildAsksForThePomsArtifactsVersionsAndFlag() throws IOException {
    String pom = Files.readString(MarkdownPages.ROOT.resolve("quickstart/pom.xml"));
    String gradle = Files.readString(MarkdownPages.ROOT.resolve("quickstart/build.gradle.kts"));
    assertEquals(first(pom, "<shortcut.version>([^<]+)</shortcut.version>"),
        first(gradle, "val shortcutVersion = \"([^\"]+)\""));
    assertTrue(gradle.contains("implementation(\"dev.shortcut:shortcut-runtime:$shortcutVersion\")"), gradle);
    assertTrue(gradle.contains("annotationProcessor(\"dev.shortcut:shortcut-processor:$shortcutVersion\")"), gradle);
    String junit = first(pom, "<artifactId>junit-jupiter</artifactId>\\s*<version>([^<]+)</version>");
    assertTrue(gradle.contains("platform(\"org.junit:junit-bom:" + junit + "\")"), gradle);
    assertEquals(first(pom, "<release>(\\d+)</release>"), first(gradle, "options.release.set\\((\\d+)\\)"));
    assertTrue(pom.contains("<argLine>--add-modules jdk.incubator.vector</argLine>"));
    assertTrue(gradle.contains("jvmArgs(\"--add-modules\", \"jdk.incubator.vector\")"), gradle);
  }

  private static String first(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "no " + regex);
    return m.group(1);
  }
}
