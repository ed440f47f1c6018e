package com.example.modular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.annotations.Network;
import dev.shortcut.runtime.kernel.Kernels;
import dev.shortcut.runtime.report.ClassificationReport;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The generated network, the runtime and the annotations, each in its own named module. */
class ModulePathTest {
  @Test
  void everythingRunsInNamedModules() {
    assertEquals("com.example.modular", ResidualRings.class.getModule().getName(), "the test runs on the module path");
    assertEquals("dev.shortcut.runtime", Kernels.class.getModule().getName());
    assertEquals("dev.shortcut.annotations", Network.class.getModule().getName());
    assertTrue(Kernels.class.getModule().canRead(Network.class.getModule()));
    assertTrue(Kernels.implementation().startsWith("vector"),
        "the runtime reads the optional Vector API module when the JVM adds it: " + Kernels.implementation());
  }

  @Test
  void aNetworkTrainsSavesLoadsAndPredictsOnTheModulePath() throws IOException {
    ClassificationReport report = Main.run(Files.createTempDirectory("rings"));
    assertTrue(report.accuracy() > 0.9, report.toString());
    assertEquals("in", report.classNames().get(1), "class names came back from the checkpoint");
  }

  @Test
  void theProcessorJarNamesItsModuleToo() {
    Path jar = Path.of(System.getProperty("shortcut.processor.jar"));
    ModuleDescriptor d = ModuleFinder.of(jar).findAll().iterator().next().descriptor();
    assertEquals("dev.shortcut.processor", d.name());
  }
}
