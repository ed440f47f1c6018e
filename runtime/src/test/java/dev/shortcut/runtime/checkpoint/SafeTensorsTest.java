package dev.shortcut.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.testing.TinyResidualNetwork;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors format byte for byte, round trips, and every way a file can be wrong. */
class SafeTensorsTest {
  @TempDir Path dir;

  @Test
  void byteLayoutOfASmallTensorFollowsTheSpec() {
    byte[] bytes = SafeTensors.encode(
        List.of(SafeTensors.Tensor.ofFloats("w", new long[] {2}, new float[] {1f, -2f}, 0, 2)), Map.of());
    // Built by hand from the spec: header JSON, padded with spaces to a multiple of 8.
    String json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    int padded = (json.length() + 7) / 8 * 8;
    byte[] expected = new byte[8 + padded + 8];
    expected[0] = (byte) padded; // u64 little-endian; the length fits in the first byte
    byte[] j = json.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(j, 0, expected, 8, j.length);
    Arrays.fill(expected, 8 + j.length, 8 + padded, (byte) ' ');
    // 1.0f = 0x3F800000, -2.0f = 0xC0000000, little-endian
    byte[] data = {0, 0, (byte) 0x80, 0x3F, 0, 0, 0, (byte) 0xC0};
    System.arraycopy(data, 0, expected, 8 + padded, 8);
    assertArrayEquals(expected, bytes);
  }

  @Test
  void roundTripIsBitExact() throws IOException {
    TinyResidualNetwork a = new TinyResidualNetwork(5, 7, 3, 2, 11);
    a.parameters()[3] = Float.MIN_VALUE;
    a.parameters()[4] = -0f;
    Path file = dir.resolve("net.safetensors");
    Checkpoints.save(a, file);
    TinyResidualNetwork b = new TinyResidualNetwork(5, 7, 3, 2, 99);
    Checkpoints.load(b, file);
    for (int i = 0; i < a.parameters().length; i++) {
      assertEquals(Float.floatToRawIntBits(a.parameters()[i]), Float.floatToRawIntBits(b.parameters()[i]));
    }
    SafeTensors.Contents c = SafeTensors.read(file);
    assertArrayEquals(new long[] {7, 5}, c.tensors().get("stem.weight").shape(), "[out, in] like nn.Linear");
    assertEquals("TinyResidualNetwork", c.metadata().get("network"));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void truncatedFileIsAnErrorNamingTheFile() throws IOException {
    TinyResidualNetwork a = new TinyResidualNetwork(5, 7, 3, 2, 11);
    Path file = dir.resolve("net.safetensors");
    Checkpoints.save(a, file);
    byte[] bytes = Files.readAllBytes(file);
    Path cut = Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(bytes, bytes.length - 10));
    float[] before = a.parameters().clone();
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(a, cut));
    assertTrue(e.getMessage().contains("cut.safetensors") && e.getMessage().contains("truncated"), e.getMessage());
    assertArrayEquals(before, a.parameters(), "nothing loaded");
    Path tiny = Files.write(dir.resolve("tiny.safetensors"), new byte[] {1, 2, 3});
    assertTrue(assertThrows(CheckpointException.class, () -> SafeTensors.read(tiny)).getMessage().contains("truncated"));
  }

  @Test
  void corruptHeaderIsAnError() throws IOException {
    byte[] bytes = SafeTensors.encode(
        List.of(SafeTensors.Tensor.ofFloats("w", new long[] {2}, new float[] {1f, 2f}, 0, 2)), Map.of());
    bytes[9] = '#';
    Path file = Files.write(dir.resolve("bad.safetensors"), bytes);
    assertTrue(assertThrows(CheckpointException.class, () -> SafeTensors.read(file)).getMessage()
        .contains("corrupt header"));
    byte[] huge = bytes.clone();
    huge[7] = 0x7f;
    Path file2 = Files.write(dir.resolve("huge.safetensors"), huge);
    assertTrue(assertThrows(CheckpointException.class, () -> SafeTensors.read(file2)).getMessage()
        .contains("not plausible"));
  }

  @Test
  void everyMismatchIsReportedByName() throws IOException {
    Path file = dir.resolve("other.safetensors");
    Checkpoints.save(new TinyResidualNetwork(5, 8, 3, 2, 1), file);
    TinyResidualNetwork target = new TinyResidualNetwork(5, 7, 3, 2, 1);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(target, file));
    for (String name : List.of("stem.weight", "stem.bias", "body.0.fc1.weight", "head.weight")) {
      assertTrue(e.getMessage().contains(name + " has shape"), e.getMessage());
    }
    SafeTensors.write(dir.resolve("partial.safetensors"),
        List.of(SafeTensors.Tensor.ofDoubles("stem.weight", new long[] {7, 5}, new double[35], 0, 35),
            SafeTensors.Tensor.ofFloats("extra", new long[] {1}, new float[1], 0, 1)), Map.of());
    String m = assertThrows(CheckpointException.class,
        () -> Checkpoints.load(target, dir.resolve("partial.safetensors"))).getMessage();
    assertTrue(m.contains("stem.weight has dtype F64, expected F32"), m);
    assertTrue(m.contains("missing head.bias"), m);
    assertTrue(m.contains("unexpected extra"), m);
  }
}
