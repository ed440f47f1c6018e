package dev.shortcut.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.annotations.Activation;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 6: the runtime and the annotations are named modules, and the runtime exports
 * every package (a package added without its {@code exports} line would be out of reach of code on
 * the module path, generated networks included).
 */
class ModuleDescriptorTest {
  private static ModuleDescriptor descriptorOf(Class<?> type) throws URISyntaxException {
    Path classes = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    return ModuleFinder.of(classes).findAll().iterator().next().descriptor();
  }

  @Test
  void theRuntimeIsANamedModuleThatExportsEveryPackage() throws URISyntaxException {
    ModuleDescriptor runtime = descriptorOf(Network.class);
    assertEquals("dev.shortcut.runtime", runtime.name());
    assertTrue(!runtime.isAutomatic() && !runtime.isOpen());
    Set<String> exported = runtime.exports().stream().filter(e -> !e.isQualified())
        .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
    assertEquals(runtime.packages(), exported, "every package of the runtime is exported");
    ModuleDescriptor.Requires annotations = requires(runtime, "dev.shortcut.annotations");
    assertTrue(annotations.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE),
        "a module that requires the runtime reads the annotations its declarations use");
    assertTrue(requires(runtime, "jdk.incubator.vector").modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC),
        "the Vector API stays optional: scalar kernels without it");
    assertTrue(runtime.requires().stream().noneMatch(r -> r.name().equals("java.compiler")),
        "generated code must not need java.compiler at run time");
  }

  @Test
  void theAnnotationsAreANamedModuleWithoutDependencies() throws URISyntaxException {
    ModuleDescriptor annotations = descriptorOf(Activation.class);
    assertEquals("dev.shortcut.annotations", annotations.name());
    assertEquals(Set.of("java.base"), annotations.requires().stream().map(ModuleDescriptor.Requires::name)
        .collect(Collectors.toSet()));
    assertEquals(annotations.packages(), annotations.exports().stream().map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toSet()));
  }

  private static ModuleDescriptor.Requires requires(ModuleDescriptor d, String module) {
    return d.requires().stream().filter(r -> r.name().equals(module)).findFirst()
        .orElseThrow(() -> new AssertionError(d.name() + " does not require " + module));
  }
}
