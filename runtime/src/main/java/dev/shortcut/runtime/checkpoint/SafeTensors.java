package dev.shortcut.runtime.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
 * {@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__":
 * {..}}} padded with spaces to a multiple of 8, then the tensors' little-endian bytes, offsets
 * counted from the end of the header. Files written here load in PyTorch's {@code safetensors},
 * and the other way round (F32 and F64).
 */
public final class SafeTensors {
  /** Headers larger than this are taken as corruption, not allocated. */
  static final long MAX_HEADER = 100L << 20;

  /** One tensor: name, dtype ({@code F32} or {@code F64}), shape and little-endian bytes. */
  public record Tensor(String name, String dtype, long[] shape, byte[] data) {
    /** Number of elements. */
    public long elements() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    /** A tensor of floats copied from {@code values[offset .. offset+size)}. */
    public static Tensor ofFloats(String name, long[] shape, float[] values, int offset, int size) {
      ByteBuffer b = ByteBuffer.allocate(size * 4).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(values, offset, size);
      return new Tensor(name, "F32", shape, b.array());
    }

    /** A tensor of doubles. */
    public static Tensor ofDoubles(String name, long[] shape, double[] values, int offset, int size) {
      ByteBuffer b = ByteBuffer.allocate(size * 8).order(ByteOrder.LITTLE_ENDIAN);
      b.asDoubleBuffer().put(values, offset, size);
      return new Tensor(name, "F64", shape, b.array());
    }

    /** Copies the values into {@code into[offset ..]}, converting from this tensor's dtype. */
    public void copyTo(float[] into, int offset) {
      ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      if (dtype.equals("F32")) {
        b.asFloatBuffer().get(into, offset, data.length / 4);
      } else {
        for (int i = 0; i < data.length / 8; i++) {
          into[offset + i] = (float) b.getDouble(8 * i);
        }
      }
    }

    /** Copies the values into {@code into[offset ..]}. */
    public void copyTo(double[] into, int offset) {
      ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      if (dtype.equals("F64")) {
        b.asDoubleBuffer().get(into, offset, data.length / 8);
      } else {
        for (int i = 0; i < data.length / 4; i++) {
          into[offset + i] = b.getFloat(4 * i);
        }
      }
    }
  }

  /** A whole file: tensors in file order and the string metadata. */
  public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

  private SafeTensors() {}

  /** The file's bytes: header and data, tensors in the given order. */
  public static byte[] encode(List<Tensor> tensors, Map<String, String> metadata) {
    StringBuilder header = new StringBuilder("{");
    boolean first = true;
    if (!metadata.isEmpty()) {
      header.append("\"__metadata__\":{");
      boolean f = true;
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        header.append(f ? "" : ",").append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
        f = false;
      }
      header.append('}');
      first = false;
    }
    long offset = 0;
    for (Tensor t : tensors) {
      header.append(first ? "" : ",").append(Json.quote(t.name())).append(":{\"dtype\":\"").append(t.dtype())
          .append("\",\"shape\":[");
      for (int i = 0; i < t.shape().length; i++) {
        header.append(i == 0 ? "" : ",").append(t.shape()[i]);
      }
      header.append("],\"data_offsets\":[").append(offset).append(',').append(offset + t.data().length).append("]}");
      offset += t.data().length;
      first = false;
    }
    header.append('}');
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(padded).put(json);
    for (int i = json.length; i < padded; i++) {
      out.put((byte) ' ');
    }
    for (Tensor t : tensors) {
      out.put(t.data());
    }
    return out.array();
  }

  /**
   * Writes atomically: a temporary file in the same directory, forced to disk, then renamed over
   * {@code file}, so a crash never leaves a half-written checkpoint in place of a good one.
   */
  public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
    byte[] bytes = encode(tensors, metadata);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
           OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
        out.write(bytes);
        out.flush();
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Reads and validates a whole file; nothing is returned unless everything checks out. */
  public static Contents read(Path file) throws CheckpointException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file, "no such file");
    } catch (IOException e) {
      throw new CheckpointException(file, "cannot read: " + e.getMessage(), e);
    }
    return decode(file, bytes);
  }

  /** Parses bytes read from {@code file} (named in errors). */
  public static Contents decode(Path file, byte[] bytes) throws CheckpointException {
    if (bytes.length < 8) {
      throw new CheckpointException(file, "truncated: " + bytes.length + " bytes, fewer than the 8-byte header length");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength = buf.getLong(0);
    if (headerLength < 2 || headerLength > MAX_HEADER) {
      throw new CheckpointException(file, "corrupt: header length " + headerLength + " is not plausible");
    }
    if (8 + headerLength > bytes.length) {
      throw new CheckpointException(file, "truncated: the header needs " + headerLength + " bytes, the file has "
          + (bytes.length - 8) + " after the length");
    }
    Object parsed;
    try {
      parsed = Json.parse(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(file, "corrupt header: " + e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> header)) {
      throw new CheckpointException(file, "corrupt header: not a JSON object");
    }
    long dataStart = 8 + headerLength;
    long dataLength = bytes.length - dataStart;
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    long covered = 0;
    for (Map.Entry<?, ?> e : header.entrySet()) {
      String name = (String) e.getKey();
      if (name.equals("__metadata__")) {
        if (e.getValue() instanceof Map<?, ?> meta) {
          meta.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
        }
        continue;
      }
      try {
        Map<?, ?> info = (Map<?, ?>) e.getValue();
        String dtype = (String) info.get("dtype");
        List<?> shapeList = (List<?>) info.get("shape");
        List<?> offsets = (List<?>) info.get("data_offsets");
        int size = switch (dtype) {
          case "F32" -> 4;
          case "F64" -> 8;
          default -> throw new IllegalArgumentException("dtype " + dtype + " is not supported (F32 or F64)");
        };
        long[] shape = new long[shapeList.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
          shape[i] = (Long) shapeList.get(i);
          elements = Math.multiplyExact(elements, shape[i]);
        }
        long begin = (Long) offsets.get(0);
        long end = (Long) offsets.get(1);
        if (begin < 0 || end < begin || end > dataLength) {
          problems.add(name + ": data [" + begin + ", " + end + ") lies outside the " + dataLength
              + " data bytes (truncated file?)");
          continue;
        }
        if (end - begin != elements * size) {
          problems.add(name + ": shape " + java.util.Arrays.toString(shape) + " of " + dtype + " needs "
              + elements * size + " bytes, the offsets give " + (end - begin));
          continue;
        }
        covered += end - begin;
        byte[] data = java.util.Arrays.copyOfRange(bytes, (int) (dataStart + begin), (int) (dataStart + end));
        tensors.put(name, new Tensor(name, dtype, shape, data));
      } catch (ClassCastException | NullPointerException | IllegalArgumentException | IndexOutOfBoundsException
          | ArithmeticException ex) {
        problems.add(name + ": malformed entry (" + ex.getMessage() + ")");
      }
    }
    if (problems.isEmpty() && covered != dataLength) {
      problems.add("the tensors cover " + covered + " of " + dataLength + " data bytes");
    }
    if (!problems.isEmpty()) {
      throw new CheckpointException(file, "corrupt: " + String.join("; ", problems));
    }
    return new Contents(tensors, metadata);
  }
}
