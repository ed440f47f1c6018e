package dev.shortcut.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentTest {
  @Test
  void readsModelAndVectorFlagsFromTheFirstProcessorAndCountsThemAll() {
    String cpuinfo = String.join("\n",
        "processor\t: 0",
        "vendor_id\t: AuthenticAMD",
        "cpu family\t: 25",
        "model\t\t: 17",
        "model name\t: AMD EPYC 9R14",
        "stepping\t: 1",
        "flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 avx512f avx512bw avx512_vnni sha_ni",
        "",
        "processor\t: 1",
        "model name\t: something else",
        "flags\t\t: fpu",
        "");
    Map<String, Object> cpu = Environment.cpu(cpuinfo);
    assertEquals("AMD EPYC 9R14", cpu.get("cpu_model"));
    assertEquals("25/17/1", cpu.get("cpu_family_model_stepping"));
    assertEquals(2, cpu.get("logical_cpus"));
    assertEquals(List.of("fma", "sse4_1", "sse4_2", "avx", "f16c", "avx2", "avx512f", "avx512bw", "avx512_vnni"),
        cpu.get("vector_flags"));
  }

  @Test
  void armSpellsItsVectorFlagsAsFeatures() {
    Map<String, Object> cpu = Environment.cpu("processor\t: 0\nFeatures\t: fp asimd evtstrm sve sve2 crc32\n"
        + "CPU part\t: 0xd40\n");
    assertEquals(List.of("asimd", "sve", "sve2"), cpu.get("vector_flags"));
    assertEquals("0xd40", cpu.get("cpu_model"));
  }
}
