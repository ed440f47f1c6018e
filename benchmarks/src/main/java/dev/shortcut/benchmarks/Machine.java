package dev.shortcut.benchmarks;

import dev.shortcut.runtime.kernel.Kernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** One line on what a measurement ran on: CPU model and vector flags, JDK, the kernels' widths. */
final class Machine {
  private Machine() {}

  static String describe() {
    return String.format(Locale.ROOT, "CPU: %s (%d CPUs) [%s]; JDK %s; dense kernels %s, convolution kernels %s%s",
        cpuModel(), Runtime.getRuntime().availableProcessors(), vectorFlags(), Runtime.version(),
        Kernels.implementation(), Kernels.spatialImplementation(), avxFlag());
  }

  /** The JVM's {@code -XX:UseAVX=N}, when given: N = 2 on an AVX-512 machine is the AVX2 code path. */
  private static String avxFlag() {
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-XX:UseAVX")).map(a -> "; " + a).findFirst().orElse("");
  }

  static String cpuModel() {
    return cpuinfo("model name");
  }

  private static String vectorFlags() {
    return Arrays.stream(cpuinfo("flags").split("\\s+"))
        .filter(f -> f.equals("avx") || f.equals("avx2") || f.equals("fma") || f.startsWith("avx512"))
        .collect(Collectors.joining(" "));
  }

  private static String cpuinfo(String key) {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith(key)).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
