package dev.shortcut.runtime.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One protocol-buffers message in the binary wire format, written field by field: each field is a
 * tag ({@code field number << 3 | wire type}) followed by its value. Only the three wire types
 * ONNX needs are written: varints (type 0: {@code int32}, {@code int64} and enums, seven bits a
 * byte, least significant group first, the high bit set on every byte but the last; a negative
 * number takes ten bytes, as protobuf encodes it), 32-bit little-endian values (type 5:
 * {@code float}) and length-delimited values (type 2: strings, bytes, nested messages and packed
 * repeated varints, each prefixed with its length in bytes as a varint).
 *
 * <p>A nested message is kept by reference, not copied, so large tensors are copied once, into
 * the final byte array. Its length is taken when it is added: a message added to another is
 * sealed and refuses further fields.
 */
final class ProtoWriter {
  private static final int VARINT = 0;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  /** Written parts in order: byte arrays, and sealed nested messages after their tag and length. */
  private final List<Object> parts = new ArrayList<>();
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private long size;
  private boolean sealed;

  /** A {@code int32}, {@code int64} or enum field. */
  ProtoWriter varint(int field, long value) {
    tag(field, VARINT);
    rawVarint(value);
    return this;
  }

  /** A {@code float} field: four bytes, little-endian IEEE 754. */
  ProtoWriter float32(int field, float value) {
    tag(field, FIXED32);
    int bits = Float.floatToIntBits(value);
    for (int i = 0; i < 4; i++) {
      raw(bits >>> (8 * i) & 0xFF);
    }
    return this;
  }

  /** A {@code string} field, UTF-8. */
  ProtoWriter string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A {@code bytes} field; the array is kept, not copied, and must not change afterwards. */
  ProtoWriter bytes(int field, byte[] value) {
    tag(field, LENGTH_DELIMITED);
    rawVarint(value.length);
    if (value.length < 64) {
      pending.write(value, 0, value.length);
    } else {
      flush();
      parts.add(value);
    }
    size += value.length;
    return this;
  }

  /** A repeated {@code int64} field, packed: one length-delimited run of varints. */
  ProtoWriter packedVarints(int field, long... values) {
    ProtoWriter run = new ProtoWriter();
    for (long v : values) {
      run.rawVarint(v);
    }
    return message(field, run);
  }

  /** A nested message field. {@code message} is sealed: it can be written, not extended. */
  ProtoWriter message(int field, ProtoWriter message) {
    if (message == this) {
      throw new IllegalArgumentException("a message cannot contain itself");
    }
    message.sealed = true;
    tag(field, LENGTH_DELIMITED);
    rawVarint(message.size);
    flush();
    parts.add(message);
    size += message.size;
    return this;
  }

  /** Bytes of this message's encoding. */
  long size() {
    return size;
  }

  /**
   * The encoding in one array.
   *
   * @throws IllegalStateException when it is larger than one Java array holds
   */
  byte[] toByteArray() {
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("a message of " + size + " bytes is larger than one Java array holds");
    }
    byte[] out = new byte[(int) size];
    int end = copyInto(out, 0);
    if (end != out.length) {
      throw new AssertionError("wrote " + end + " of " + out.length + " bytes");
    }
    return out;
  }

  private int copyInto(byte[] out, int at) {
    flush();
    for (Object part : parts) {
      if (part instanceof byte[] b) {
        System.arraycopy(b, 0, out, at, b.length);
        at += b.length;
      } else {
        at = ((ProtoWriter) part).copyInto(out, at);
      }
    }
    return at;
  }

  private void tag(int field, int wireType) {
    if (field < 1 || field > (1 << 29) - 1) {
      throw new IllegalArgumentException("field number " + field + " outside [1, 2^29 - 1]");
    }
    rawVarint((long) field << 3 | wireType);
  }

  /** Seven bits a byte, least significant first; a negative value is its 64-bit two's complement. */
  private void rawVarint(long value) {
    while ((value & ~0x7FL) != 0) {
      raw((int) (value & 0x7F) | 0x80);
      value >>>= 7;
    }
    raw((int) value);
  }

  private void raw(int b) {
    if (sealed) {
      throw new IllegalStateException("this message was added to another and is sealed");
    }
    pending.write(b);
    size++;
  }

  private void flush() {
    if (pending.size() > 0) {
      parts.add(pending.toByteArray());
      pending.reset();
    }
  }
}
