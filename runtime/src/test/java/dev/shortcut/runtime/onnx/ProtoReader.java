package dev.shortcut.runtime.onnx;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A reader of the protobuf wire format for the tests, written independently of {@link
 * ProtoWriter}: it splits one message into its fields, which the tests look up by number. Nested
 * messages are read by calling {@link #of} on a field's bytes.
 */
final class ProtoReader {
  /** One field: its number, wire type, and value (a varint, 4 fixed bytes as an int, or bytes). */
  record Field(int number, int wireType, long varint, byte[] bytes) {
    String string() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    ProtoReader message() {
      return of(bytes);
    }

    /** The varints of a packed repeated field. */
    List<Long> packed() {
      List<Long> values = new ArrayList<>();
      int[] at = {0};
      while (at[0] < bytes.length) {
        values.add(readVarint(bytes, at));
      }
      return values;
    }
  }

  private final List<Field> fields;

  private ProtoReader(List<Field> fields) {
    this.fields = fields;
  }

  static ProtoReader of(byte[] message) {
    List<Field> fields = new ArrayList<>();
    int[] at = {0};
    while (at[0] < message.length) {
      long tag = readVarint(message, at);
      int number = (int) (tag >>> 3);
      int type = (int) (tag & 7);
      switch (type) {
        case 0 -> fields.add(new Field(number, type, readVarint(message, at), null));
        case 2 -> {
          int length = (int) readVarint(message, at);
          byte[] value = new byte[length];
          System.arraycopy(message, at[0], value, 0, length);
          at[0] += length;
          fields.add(new Field(number, type, 0, value));
        }
        case 5 -> {
          long bits = 0;
          for (int i = 0; i < 4; i++) {
            bits |= (long) (message[at[0] + i] & 0xFF) << (8 * i);
          }
          at[0] += 4;
          fields.add(new Field(number, type, bits, null));
        }
        default -> throw new IllegalArgumentException("wire type " + type + " at byte " + at[0]);
      }
    }
    return new ProtoReader(fields);
  }

  private static long readVarint(byte[] b, int[] at) {
    long value = 0;
    for (int shift = 0; ; shift += 7) {
      int next = b[at[0]++] & 0xFF;
      value |= (long) (next & 0x7F) << shift;
      if ((next & 0x80) == 0) {
        return value;
      }
    }
  }

  /** Every field numbered {@code number}, in order. */
  List<Field> all(int number) {
    return fields.stream().filter(f -> f.number() == number).toList();
  }

  /** The one field numbered {@code number}. */
  Field one(int number) {
    List<Field> found = all(number);
    if (found.size() != 1) {
      throw new AssertionError("expected one field " + number + ", found " + found.size());
    }
    return found.get(0);
  }

  /** The strings of every field numbered {@code number}. */
  List<String> strings(int number) {
    return all(number).stream().map(Field::string).toList();
  }
}
