package dev.shortcut.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shortcut.runtime.optim.Adam;
import dev.shortcut.runtime.optim.Sgd;
import dev.shortcut.runtime.testing.TinyResidualNetwork;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
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

  /** A file from a hand-written header (padded to 8) and {@code data} bytes. */
  private Path raw(String name, String header, int dataBytes) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer b = ByteBuffer.allocate(8 + padded + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(padded).put(json);
    for (int i = json.length; i < padded; i++) {
      b.put((byte) ' ');
    }
    return Files.write(dir.resolve(name), b.array());
  }

  @Test
  void aBadStepCountChangesNothing() throws IOException {
    // The step count used to be parsed last, with a raw NumberFormatException, after the
    // parameters had been overwritten.
    TinyResidualNetwork a = new TinyResidualNetwork(5, 7, 3, 2, 11);
    Adam adam = Adam.withLearningRate(0.01);
    Arrays.fill(a.gradients(), 0.1f);
    adam.step(a, 0.01);
    Path bad = dir.resolve("bad.safetensors");
    Checkpoints.save(a, adam, bad, Map.of());
    // The step count lives in the optimizer's file beside the checkpoint.
    Path optimizerFile = Checkpoints.optimizerFile(bad);
    SafeTensors.Contents c = SafeTensors.read(optimizerFile);
    for (String steps : List.of("abc", "-3", "1e3", "")) {
      Map<String, String> metadata = new LinkedHashMap<>(c.metadata());
      metadata.put("optimizer.steps", steps);
      SafeTensors.write(optimizerFile, new ArrayList<>(c.tensors().values()), metadata);
      TinyResidualNetwork b = new TinyResidualNetwork(5, 7, 3, 2, 99);
      float[] before = b.parameters().clone();
      Adam fresh = Adam.withLearningRate(0.01);
      CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(b, fresh, bad));
      assertTrue(e.getMessage().contains("optimizer.steps is '" + steps + "'"), e.getMessage());
      assertArrayEquals(before, b.parameters(), "parameters untouched");
      assertEquals(0, fresh.steps());
      assertEquals(null, fresh.network(), "optimizer untouched");
    }
  }

  @Test
  void offsetsMustTileTheDataExactly() throws IOException {
    // b overlaps a and the overlap cancels the gap at the end: the byte counts add up, and b used
    // to load a's bytes. The reference reader rejects it; so does this one.
    String overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
    String m = assertThrows(CheckpointException.class, () -> SafeTensors.read(raw("o.safetensors", overlap, 16)))
        .getMessage();
    assertTrue(m.contains("b: data [4, 12) overlaps a"), m);
    String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
    m = assertThrows(CheckpointException.class, () -> SafeTensors.read(raw("g.safetensors", gap, 12))).getMessage();
    assertTrue(m.contains("bytes [4, 8) before b belong to no tensor"), m);
    String same = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    assertThrows(CheckpointException.class, () -> SafeTensors.read(raw("s.safetensors", same, 8)));
    String tiled = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
        + "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    assertEquals(List.of("b", "e", "a"),
        new ArrayList<>(SafeTensors.read(raw("t.safetensors", tiled, 8)).tensors().keySet()), "any order may tile");
  }

  @Test
  void malformedHeadersAreCheckpointErrors() throws IOException {
    // Each of these escaped as StringIndexOutOfBounds, StackOverflowError or a message about
    // JVM internals from the hand-written parser.
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("{\"a\\", "");                                        // cut inside an escape
    cases.put("{\"w\":{\"shape\":" + "[".repeat(2_000_000), "nesting depth"); // deep nesting
    cases.put("[".repeat(2_000_000), "not a JSON object");
    cases.put("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", "entry 'w' has no dtype");
    cases.put("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", "entry 'w' has no shape");
    cases.put("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", "entry 'w' has no data_offsets");
    cases.put("{\"w\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", "dtype is not a string");
    cases.put("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", "not an integer");
    cases.put("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", "not an integer");
    cases.put("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}}",
        "not an integer");
    cases.put("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", "[begin, end]");
    cases.put("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "Duplicate");
    cases.put("{\"w\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", "BF16 is not supported");
    cases.put("{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}}",
        "too large");
    cases.put("{\"__metadata__\":{\"k\":1}}", "metadata 'k' is not a string");
    cases.put("{\"__metadata__\":[]}", "__metadata__ is not an object");
    cases.put("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", "unknown field 'x'");
    cases.put("{} {}", "data after the header");
    cases.put("[1]", "not a JSON object");
    cases.put("{\"\\uZZZZ\":1}", "");
    cases.put("{\"w\":{\"dtype\":\"F32\",\"shape\":[[1]],\"data_offsets\":[0,4]}}", "");
    int i = 0;
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path file = raw("h" + i++ + ".safetensors", c.getKey(), 4);
      CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.read(file), c.getKey());
      assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
      assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
      assertTrue(!e.getMessage().contains("Cannot invoke") && !e.getMessage().contains("java."), e.getMessage());
    }
  }

  @Test
  void anyDamageToAFileIsACheckpointErrorOrAFaithfulRead() throws IOException {
    // Every truncation of the header and many flipped bytes: never another exception type.
    TinyResidualNetwork a = new TinyResidualNetwork(3, 4, 2, 1, 1);
    Path file = dir.resolve("net.safetensors");
    Checkpoints.save(a, Adam.withLearningRate(0.1), file, Map.of("k", "v\"\\\u0001é"));
    byte[] bytes = Files.readAllBytes(file);
    int header = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    SplittableRandom r = new SplittableRandom(7);
    for (int trial = 0; trial < header + 3000; trial++) {
      byte[] damaged = bytes.clone();
      if (trial < header) {
        ByteBuffer.wrap(damaged).order(ByteOrder.LITTLE_ENDIAN).putLong(0, trial); // cut the header at every byte
      } else {
        for (int k = 0; k < 1 + r.nextInt(3); k++) {
          damaged[8 + r.nextInt(header)] = (byte) r.nextInt(256);
        }
      }
      try {
        SafeTensors.decode(file, damaged);
      } catch (CheckpointException expected) {
        assertTrue(expected.getMessage().startsWith(file.toString()), expected.getMessage());
      }
    }
  }

  @Test
  void metadataRoundTripsThroughTheWriter() throws IOException {
    Map<String, String> metadata = Map.of("quote", "a\"b", "slash", "c\\d", "control", "\u0001\n", "unicode", "é✓𝄞");
    byte[] bytes = SafeTensors.encode(List.of(SafeTensors.Tensor.ofFloats("w", new long[] {1}, new float[] {1f}, 0, 1)),
        metadata);
    assertEquals(metadata, SafeTensors.decode(dir.resolve("m"), bytes).metadata());
  }

  @Test
  void savingLeavesOnlyTheCheckpointAndRemovesWhatKilledSavesLeft() throws IOException {
    TinyResidualNetwork a = new TinyResidualNetwork(5, 7, 3, 2, 11);
    Path file = dir.resolve("net.safetensors");
    Files.write(dir.resolve("net.safetensors.tmp"), new byte[1000]); // a save killed mid-write
    Files.write(dir.resolve(".net.safetensors8072343297.tmp"), new byte[1000]); // an earlier version's name
    Files.write(dir.resolve("other.tmp"), new byte[1]); // not ours
    Checkpoints.save(a, file);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("net.safetensors", "other.tmp"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals(dir.resolve("net.safetensors.tmp").toAbsolutePath(), SafeTensors.temporaryFile(file));
  }

  @Test
  void aFullDiskNamesTheCheckpointAndKeepsThePreviousOne() throws IOException {
    Path full = Path.of("/dev/full");
    Assumptions.assumeTrue(Files.isWritable(full), "needs Linux's /dev/full");
    TinyResidualNetwork a = new TinyResidualNetwork(5, 7, 3, 2, 11);
    Path file = dir.resolve("net.safetensors");
    Checkpoints.save(a, file);
    byte[] previous = Files.readAllBytes(file);
    List<Path> opened = new ArrayList<>();
    CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.writeAtomically(file,
        new byte[4096], tmp -> {
          opened.add(tmp);
          Files.createFile(tmp); // the temporary file exists, as a real save's would
          return FileChannel.open(full, StandardOpenOption.WRITE);
        }));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("No space left on device") && e.getMessage().contains("unchanged"),
        e.getMessage());
    assertEquals(List.of(SafeTensors.temporaryFile(file)), opened);
    assertArrayEquals(previous, Files.readAllBytes(file));
    assertTrue(Files.notExists(SafeTensors.temporaryFile(file)), "the failed save removed its temporary file");
  }

  @Test
  void aParentThatIsAFileIsNamed() throws IOException {
    Path notADirectory = Files.write(dir.resolve("notes.txt"), new byte[] {1});
    for (Path target : List.of(notADirectory.resolve("net.safetensors"), notADirectory.resolve("a/b/net.safetensors"))) {
      CheckpointException e = assertThrows(CheckpointException.class,
          () -> Checkpoints.save(new TinyResidualNetwork(2, 2, 2, 1, 1), target));
      assertTrue(e.getMessage().contains(notADirectory + " is a file, not a directory"), e.getMessage());
      assertTrue(e.getMessage().startsWith(target.toString()), e.getMessage());
    }
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> Checkpoints.save(new TinyResidualNetwork(2, 2, 2, 1, 1), dir));
    assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
  }

  @Test
  void aWeightsOnlyFileLoadedWithAnOptimizerSaysSo() throws IOException {
    TinyResidualNetwork a = new TinyResidualNetwork(5, 7, 3, 2, 11);
    Path file = dir.resolve("weights.safetensors");
    Checkpoints.save(a, file);
    String m = assertThrows(CheckpointException.class,
        () -> Checkpoints.load(a, Adam.withLearningRate(0.1), file)).getMessage();
    assertTrue(m.contains("holds no optimizer state") && !m.contains("null"), m);
    Checkpoints.save(a, Sgd.withLearningRate(0.1).momentum(0.9), file, Map.of());
    m = assertThrows(CheckpointException.class, () -> Checkpoints.load(a, Adam.withLearningRate(0.1), file))
        .getMessage();
    assertTrue(m.contains("holds the state of a 'sgd-momentum' optimizer, not of 'adam'"), m);
  }

  @Test
  void aBrokenNetworkNeverReplacesAGoodCheckpoint() throws IOException {
    TinyResidualNetwork a = new TinyResidualNetwork(5, 7, 3, 2, 11);
    Path file = dir.resolve("net.safetensors");
    Checkpoints.save(a, file);
    byte[] good = Files.readAllBytes(file);
    a.parameters()[a.architecture().parameters().get("body.0.fc1.weight").offset() + 9] = Float.NaN;
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.save(a, file));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("parameter body.0.fc1.weight holds NaN at [1, 2]"), e.getMessage());
    assertArrayEquals(good, Files.readAllBytes(file));
  }

  @Test
  void aCheckpointHoldingNanIsNotLoaded() throws IOException {
    TinyResidualNetwork a = new TinyResidualNetwork(5, 7, 3, 2, 11);
    SafeTensors.Contents c = SafeTensors.read(saved(a));
    List<SafeTensors.Tensor> tensors = new ArrayList<>();
    for (SafeTensors.Tensor t : c.tensors().values()) {
      if (t.name().equals("head.bias")) {
        t = SafeTensors.Tensor.ofFloats("head.bias", t.shape(), new float[] {0f, Float.POSITIVE_INFINITY, 0f}, 0, 3);
      }
      tensors.add(t);
    }
    Path file = dir.resolve("inf.safetensors");
    SafeTensors.write(file, tensors, c.metadata());
    TinyResidualNetwork b = new TinyResidualNetwork(5, 7, 3, 2, 99);
    float[] before = b.parameters().clone();
    String m = assertThrows(CheckpointException.class, () -> Checkpoints.load(b, file)).getMessage();
    assertTrue(m.contains("head.bias holds a NaN or an infinity at [1]"), m);
    assertArrayEquals(before, b.parameters());
  }

  private Path saved(TinyResidualNetwork net) throws IOException {
    Path file = dir.resolve("saved.safetensors");
    Checkpoints.save(net, file);
    return file;
  }
}
