package dev.shortcut.runtime.checkpoint;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
 * {@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__":
 * {..}}} padded with spaces to a multiple of 8, then the tensors' little-endian bytes, offsets
 * counted from the end of the header. Files written here load in PyTorch's {@code safetensors},
 * and the other way round (F32, F64, and I64 for integer tensors such as batch normalization's
 * {@code num_batches_tracked}, a scalar of shape {@code []}).
 *
 * <p>Reading checks what the reference reader checks: the header is JSON of exactly that shape
 * (parsed by jackson-core's streaming parser, with no duplicate names and shallow nesting), every
 * size is consistent, and the tensors' byte ranges tile the data exactly, with no gap, overlap or
 * trailing byte.
 */
public final class SafeTensors {
  /** Headers larger than this are taken as corruption, not allocated. */
  static final long MAX_HEADER = 100L << 20;
  /** Largest file read or written: one Java array holds it. */
  static final long MAX_FILE = Integer.MAX_VALUE - 8;
  /** Suffix of the temporary file a save writes beside its target before renaming it. */
  static final String TEMPORARY_SUFFIX = ".tmp";

  /** The header is at most three levels deep; anything deeper is corruption, not recursion. */
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(3).build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  /** One tensor: name, dtype ({@code F32}, {@code F64} or {@code I64}), shape and little-endian bytes. */
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
      ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(size, 4)).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(values, offset, size);
      return new Tensor(name, "F32", shape, b.array());
    }

    /** A tensor of doubles. */
    public static Tensor ofDoubles(String name, long[] shape, double[] values, int offset, int size) {
      ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(size, 8)).order(ByteOrder.LITTLE_ENDIAN);
      b.asDoubleBuffer().put(values, offset, size);
      return new Tensor(name, "F64", shape, b.array());
    }

    /** A tensor of 64-bit integers ({@code I64}); shape {@code []} makes a scalar. */
    public static Tensor ofLongs(String name, long[] shape, long[] values, int offset, int size) {
      ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(size, 8)).order(ByteOrder.LITTLE_ENDIAN);
      b.asLongBuffer().put(values, offset, size);
      return new Tensor(name, "I64", shape, b.array());
    }

    /** Whether the elements are floating-point ({@code F32} or {@code F64}). */
    public boolean isFloatingPoint() {
      return dtype.equals("F32") || dtype.equals("F64");
    }

    /** Element {@code i} (row-major) of a floating-point tensor, widened to double. */
    public double value(int i) {
      return dtype.equals("F64") ? ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getDouble(8 * i)
          : ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getFloat(4 * i);
    }

    /** Element {@code i} of an {@code I64} tensor. */
    public long longValue(int i) {
      return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getLong(8 * i);
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

    /** The index of the first NaN or infinite element, or -1 (always -1 for integers). */
    public long firstNonFinite() {
      if (!isFloatingPoint()) {
        return -1;
      }
      ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      int size = dtype.equals("F64") ? 8 : 4;
      for (int i = 0; i < data.length / size; i++) {
        double v = size == 8 ? b.getDouble(8 * i) : b.getFloat(4 * i);
        if (!Double.isFinite(v)) {
          return i;
        }
      }
      return -1;
    }
  }

  /** A whole file: tensors in file order and the string metadata. */
  public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

  private SafeTensors() {}

  /** The file's bytes: header and data, tensors in the given order. */
  public static byte[] encode(List<Tensor> tensors, Map<String, String> metadata) {
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    long offset = 0;
    try (JsonGenerator g = JSON.createGenerator(json, JsonEncoding.UTF8)) {
      g.writeStartObject();
      if (!metadata.isEmpty()) {
        g.writeFieldName("__metadata__");
        g.writeStartObject();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      for (Tensor t : tensors) {
        g.writeFieldName(t.name());
        g.writeStartObject();
        g.writeStringField("dtype", t.dtype());
        g.writeFieldName("shape");
        g.writeStartArray();
        for (long d : t.shape()) {
          g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeFieldName("data_offsets");
        g.writeStartArray();
        g.writeNumber(offset);
        g.writeNumber(offset + t.data().length);
        g.writeEndArray();
        g.writeEndObject();
        offset += t.data().length;
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to memory failed", e); // a byte array cannot fail
    }
    int padded = (json.size() + 7) / 8 * 8;
    long total = 8L + padded + offset;
    if (total > MAX_FILE) {
      throw new IllegalArgumentException("the tensors need " + total + " bytes; one file holds at most " + MAX_FILE);
    }
    ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(padded).put(json.toByteArray());
    for (int i = json.size(); i < padded; i++) {
      out.put((byte) ' ');
    }
    for (Tensor t : tensors) {
      out.put(t.data());
    }
    return out.array();
  }

  /**
   * Writes atomically: the bytes go to {@code <file>.tmp} beside the target, forced to disk, then
   * renamed over {@code file}, so a crash never leaves a half-written checkpoint in place of a good
   * one. A temporary file left by an interrupted save is removed first; a failed save removes its
   * own and leaves the previous checkpoint as it was.
   */
  public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
    writeBytes(file, encode(tensors, metadata));
  }

  /**
   * Writes already encoded bytes atomically, as {@link #write} does: the ONNX export writes its
   * models this way too.
   */
  public static void writeBytes(Path file, byte[] bytes) throws CheckpointException {
    writeAtomically(file, bytes, tmp -> FileChannel.open(tmp,
        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
  }

  /** Opens the temporary file for writing; tests substitute a failing device. */
  @FunctionalInterface
  interface Opener {
    FileChannel open(Path temporary) throws IOException;
  }

  /** The temporary file a save of {@code file} writes first. */
  static Path temporaryFile(Path file) {
    Path target = file.toAbsolutePath();
    return target.resolveSibling(target.getFileName() + TEMPORARY_SUFFIX);
  }

  static void writeAtomically(Path file, byte[] bytes, Opener opener) throws CheckpointException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    createDirectory(file, dir);
    if (Files.isDirectory(target)) {
      throw new CheckpointException(file, "cannot save: it is a directory");
    }
    Path tmp = temporaryFile(file);
    removeStale(file, tmp);
    try {
      try (FileChannel ch = opener.open(tmp)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the save already failed; the next save removes the leftover
      }
      throw new CheckpointException(file, "cannot save (" + reason(e) + "); the previous file, if any, "
          + "is unchanged", e);
    }
    syncDirectory(dir);
  }

  /** Creates the target's directory, saying which part of the path is in the way when one is a file. */
  private static void createDirectory(Path file, Path dir) throws CheckpointException {
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        if (!Files.isDirectory(p)) {
          throw new CheckpointException(file, "cannot save: " + p + " is a file, not a directory");
        }
        break;
      }
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new CheckpointException(file, "cannot create the directory " + dir + " (" + reason(e) + ")", e);
    }
  }

  /**
   * Removes what an interrupted save of {@code file} left: {@code <name>.tmp}, and the randomly
   * named {@code .<name><digits>.tmp} files that earlier versions wrote.
   */
  private static void removeStale(Path file, Path tmp) throws CheckpointException {
    String legacyPrefix = "." + tmp.getFileName().toString()
        .substring(0, tmp.getFileName().toString().length() - TEMPORARY_SUFFIX.length());
    try {
      Files.deleteIfExists(tmp);
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp.getParent(), p -> {
        String n = p.getFileName().toString();
        return n.startsWith(legacyPrefix) && n.endsWith(TEMPORARY_SUFFIX)
            && n.length() > legacyPrefix.length() + TEMPORARY_SUFFIX.length()
            && n.substring(legacyPrefix.length(), n.length() - TEMPORARY_SUFFIX.length()).chars()
                .allMatch(Character::isDigit);
      })) {
        for (Path stale : entries) {
          Files.deleteIfExists(stale);
        }
      }
    } catch (IOException e) {
      throw new CheckpointException(file, "cannot save: the temporary file " + tmp
          + " left by an earlier save cannot be removed (" + reason(e) + ")", e);
    }
  }

  /** Makes the rename durable; not every platform can open a directory, which is fine. */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // the rename is atomic either way; only its durability across a power cut is at stake
    }
  }

  private static String reason(IOException e) {
    String m = e.getMessage();
    if (e instanceof NoSuchFileException) {
      return "no such file or directory: " + m;
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied: " + m;
    }
    return m == null ? e.getClass().getSimpleName() : m;
  }

  /** Reads and validates a whole file; nothing is returned unless everything checks out. */
  public static Contents read(Path file) throws CheckpointException {
    return decode(file, readBytes(file));
  }

  /**
   * Reads only the header's {@code __metadata__}, not the tensors: a look at what a checkpoint
   * says of itself (its epoch, its metric) that costs the header, not the file.
   */
  public static Map<String, String> readMetadata(Path file) throws CheckpointException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      while (length.hasRemaining() && ch.read(length) >= 0) {
        // a file shorter than 8 bytes leaves it unfilled
      }
      if (length.hasRemaining()) {
        throw new CheckpointException(file, "truncated: " + length.position()
            + " bytes, fewer than the 8-byte header length");
      }
      long headerLength = length.getLong(0);
      if (headerLength < 2 || headerLength > MAX_HEADER || 8 + headerLength > ch.size()) {
        throw new CheckpointException(file, "corrupt: header length " + headerLength + " is not plausible for a file of "
            + ch.size() + " bytes");
      }
      ByteBuffer header = ByteBuffer.allocate(8 + (int) headerLength);
      header.position(8);
      while (header.hasRemaining() && ch.read(header) >= 0) {
        // read to the end of the header
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      parseHeader(header.array(), (int) headerLength, new ArrayList<>(), metadata);
      return metadata;
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file, "no such file");
    } catch (CheckpointException e) {
      throw e;
    } catch (JsonProcessingException e) {
      throw new CheckpointException(file, "corrupt header: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new CheckpointException(file, "cannot read: " + reason(e), e);
    }
  }

  /** The whole file's bytes, refusing a directory or a file too large for one array. */
  static byte[] readBytes(Path file) throws CheckpointException {
    try {
      if (Files.isDirectory(file)) {
        throw new CheckpointException(file, "is a directory, not a checkpoint file");
      }
      long size = Files.size(file);
      if (size > MAX_FILE) {
        throw new CheckpointException(file, "holds " + size + " bytes; Shortcut reads checkpoints of at most "
            + MAX_FILE);
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file, "no such file");
    } catch (CheckpointException e) {
      throw e;
    } catch (IOException e) {
      throw new CheckpointException(file, "cannot read: " + reason(e), e);
    }
  }

  /** One header entry before its data is checked. */
  private record Entry(String name, String dtype, long[] shape, long begin, long end) {}

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
    Map<String, String> metadata = new LinkedHashMap<>();
    List<Entry> entries = new ArrayList<>();
    try {
      parseHeader(bytes, (int) headerLength, entries, metadata);
    } catch (JsonProcessingException e) {
      String at = e.getLocation() == null || e.getLocation().getByteOffset() < 0 ? ""
          : " (at byte " + (8 + e.getLocation().getByteOffset()) + ")";
      throw new CheckpointException(file, "corrupt header: " + e.getOriginalMessage() + at);
    } catch (IOException e) {
      throw new CheckpointException(file, "corrupt header: " + e.getMessage());
    }
    long dataStart = 8 + headerLength;
    long dataLength = bytes.length - dataStart;
    List<String> problems = new ArrayList<>();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Entry e : entries) {
      String problem = check(e);
      if (problem != null) {
        problems.add(e.name() + ": " + problem);
      }
    }
    if (problems.isEmpty()) {
      problems.addAll(tiling(entries, dataLength));
    }
    if (!problems.isEmpty()) {
      throw new CheckpointException(file, "corrupt: " + String.join("; ", problems));
    }
    for (Entry e : entries) {
      byte[] data = Arrays.copyOfRange(bytes, (int) (dataStart + e.begin()), (int) (dataStart + e.end()));
      tensors.put(e.name(), new Tensor(e.name(), e.dtype(), e.shape(), data));
    }
    return new Contents(tensors, metadata);
  }

  /** What is wrong with one entry on its own, or null. */
  private static String check(Entry e) {
    int size = switch (e.dtype()) {
      case "F32" -> 4;
      case "F64", "I64" -> 8;
      default -> 0;
    };
    if (size == 0) {
      return "dtype " + e.dtype() + " is not supported (Shortcut reads F32, F64 and I64)";
    }
    long elements = 1;
    for (long d : e.shape()) {
      elements = d == 0 ? 0 : elements > Long.MAX_VALUE / 8 / d ? -1 : elements * d;
      if (elements < 0) {
        return "shape " + Arrays.toString(e.shape()) + " is too large";
      }
    }
    if (e.end() < e.begin()) {
      return "data_offsets [" + e.begin() + ", " + e.end() + "] end before they begin";
    }
    if (e.end() - e.begin() != elements * size) {
      return "shape " + Arrays.toString(e.shape()) + " of " + e.dtype() + " needs " + elements * size
          + " bytes, the offsets give " + (e.end() - e.begin());
    }
    return null;
  }

  /** The byte ranges, in order, must cover {@code [0, dataLength)} exactly once. */
  private static List<String> tiling(List<Entry> entries, long dataLength) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    List<String> problems = new ArrayList<>();
    long next = 0;
    String previous = null;
    for (Entry e : sorted) {
      if (e.begin() < next) {
        problems.add(e.name() + ": data [" + e.begin() + ", " + e.end() + ") overlaps " + previous);
      } else if (e.begin() > next) {
        problems.add("bytes [" + next + ", " + e.begin() + ") before " + e.name() + " belong to no tensor");
      }
      if (e.end() > dataLength) {
        problems.add(e.name() + ": data [" + e.begin() + ", " + e.end() + ") lies outside the " + dataLength
            + " data bytes (truncated file?)");
      }
      next = Math.max(next, e.end());
      previous = e.name();
    }
    if (next < dataLength) {
      problems.add("the tensors cover " + next + " of " + dataLength + " data bytes");
    }
    return problems;
  }

  private static void parseHeader(byte[] bytes, int length, List<Entry> entries, Map<String, String> metadata)
      throws IOException {
    try (JsonParser p = JSON.createParser(bytes, 8, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("the header is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("__metadata__")) {
          if (value != JsonToken.START_OBJECT) {
            throw new IOException("__metadata__ is not an object");
          }
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
              throw new IOException("metadata '" + key + "' is not a string");
            }
            metadata.put(key, p.getText());
          }
        } else {
          entries.add(entry(p, name, value));
        }
      }
      if (p.nextToken() != null) {
        throw new IOException("data after the header's JSON object");
      }
    }
  }

  private static Entry entry(JsonParser p, String name, JsonToken value) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      throw new IOException("entry '" + name + "' is not an object");
    }
    String dtype = null;
    long[] shape = null;
    long[] offsets = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "dtype" -> {
          if (t != JsonToken.VALUE_STRING) {
            throw new IOException("entry '" + name + "': dtype is not a string");
          }
          dtype = p.getText();
        }
        case "shape" -> shape = integers(p, t, name, "shape");
        case "data_offsets" -> offsets = integers(p, t, name, "data_offsets");
        default -> throw new IOException("entry '" + name + "' has an unknown field '" + field + "'");
      }
    }
    for (Object[] required : new Object[][] {{dtype, "dtype"}, {shape, "shape"}, {offsets, "data_offsets"}}) {
      if (required[0] == null) {
        throw new IOException("entry '" + name + "' has no " + required[1]);
      }
    }
    if (offsets.length != 2) {
      throw new IOException("entry '" + name + "': data_offsets must be [begin, end], got " + offsets.length
          + " numbers");
    }
    return new Entry(name, dtype, shape, offsets[0], offsets[1]);
  }

  /** An array of non-negative integers that fit a {@code long}. */
  private static long[] integers(JsonParser p, JsonToken start, String name, String field) throws IOException {
    if (start != JsonToken.START_ARRAY) {
      throw new IOException("entry '" + name + "': " + field + " is not an array");
    }
    List<Long> values = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
          || p.getLongValue() < 0) {
        throw new IOException("entry '" + name + "': " + field + " holds '" + p.getText()
            + "', not an integer in [0, 2^63)");
      }
      values.add(p.getLongValue());
    }
    return values.stream().mapToLong(Long::longValue).toArray();
  }
}
