package dev.shortcut.runtime.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The wire format against bytes worked out by hand from the protobuf encoding rules: a tag is
 * {@code field << 3 | wire type}, a varint carries seven bits a byte, least significant first,
 * with the high bit set on every byte but the last.
 */
class ProtoWriterTest {
  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @Test
  void varintsTakeSevenBitsAByte() {
    // field 1, type 0: tag 0x08
    assertArrayEquals(bytes(0x08, 0x00), new ProtoWriter().varint(1, 0).toByteArray());
    assertArrayEquals(bytes(0x08, 0x01), new ProtoWriter().varint(1, 1).toByteArray());
    assertArrayEquals(bytes(0x08, 0x7F), new ProtoWriter().varint(1, 127).toByteArray());
    // 128 = 1·128 + 0: low group 0 with the continuation bit, then 1
    assertArrayEquals(bytes(0x08, 0x80, 0x01), new ProtoWriter().varint(1, 128).toByteArray());
    // 150 = 0b1_0010110: 0x96 (0x16 | 0x80), then 0x01
    assertArrayEquals(bytes(0x08, 0x96, 0x01), new ProtoWriter().varint(1, 150).toByteArray());
    // 300 = 0b10_0101100: 0xAC, 0x02
    assertArrayEquals(bytes(0x08, 0xAC, 0x02), new ProtoWriter().varint(1, 300).toByteArray());
    // 2^35 = 0b1 followed by 35 zeros: five groups of 0 with the continuation bit, then 1
    assertArrayEquals(bytes(0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01),
        new ProtoWriter().varint(1, 1L << 35).toByteArray());
  }

  @Test
  void aNegativeVarintIsItsTwosComplementInTenBytes() {
    // -1 is 64 one bits: nine bytes of 0xFF (seven ones and the continuation bit), then 0x01
    assertArrayEquals(bytes(0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01),
        new ProtoWriter().varint(1, -1).toByteArray());
    // Long.MAX_VALUE is 63 one bits, nine groups of seven: eight bytes of 0xFF, then 0x7F
    assertArrayEquals(bytes(0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F),
        new ProtoWriter().varint(1, Long.MAX_VALUE).toByteArray());
  }

  @Test
  void tagsCarryTheFieldNumberAndWireType() {
    // field 20, type 0: 20 << 3 = 160 = 0xA0 → varint 0xA0 0x01
    assertArrayEquals(bytes(0xA0, 0x01, 0x07), new ProtoWriter().varint(20, 7).toByteArray());
    // field 15, type 2: 15 << 3 | 2 = 122 = 0x7A
    assertArrayEquals(bytes(0x7A, 0x00), new ProtoWriter().bytes(15, new byte[0]).toByteArray());
    assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().varint(0, 1));
  }

  @Test
  void stringsAreLengthDelimitedUtf8() {
    // field 2, type 2: tag 0x12; "testing" is 7 bytes
    assertArrayEquals(bytes(0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'),
        new ProtoWriter().string(2, "testing").toByteArray());
    // "×" is U+00D7: two bytes in UTF-8, 0xC3 0x97
    assertArrayEquals(bytes(0x0A, 0x02, 0xC3, 0x97), new ProtoWriter().string(1, "×").toByteArray());
  }

  @Test
  void longBytesGetAMultiByteLength() {
    byte[] data = new byte[200];
    data[0] = 5;
    data[199] = 9;
    byte[] encoded = new ProtoWriter().bytes(9, data).toByteArray();
    // field 9, type 2: 0x4A; length 200 = 0xC8 0x01
    assertEquals(203, encoded.length);
    assertArrayEquals(bytes(0x4A, 0xC8, 0x01, 5), java.util.Arrays.copyOf(encoded, 4));
    assertEquals(9, encoded[202]);
  }

  @Test
  void packedVarintsAreOneLengthDelimitedRun() {
    // field 4, type 2: 0x22; 3 → 03, 270 → 8E 02, 86942 → 9E A7 05: six bytes
    assertArrayEquals(bytes(0x22, 0x06, 0x03, 0x8E, 0x02, 0x9E, 0xA7, 0x05),
        new ProtoWriter().packedVarints(4, 3, 270, 86942).toByteArray());
    assertArrayEquals(bytes(0x22, 0x00), new ProtoWriter().packedVarints(4).toByteArray());
  }

  @Test
  void floatsAreFourLittleEndianBytes() {
    // field 2, type 5: 0x15; 1.0f = 0x3F800000; 0.01f = 0x3C23D70A
    assertArrayEquals(bytes(0x15, 0x00, 0x00, 0x80, 0x3F), new ProtoWriter().float32(2, 1f).toByteArray());
    assertArrayEquals(bytes(0x15, 0x0A, 0xD7, 0x23, 0x3C), new ProtoWriter().float32(2, 0.01f).toByteArray());
  }

  @Test
  void nestedMessagesArePrefixedWithTheirLength() {
    // field 3 holding {field 1 = 150}: 0x1A, length 3, then 08 96 01
    ProtoWriter inner = new ProtoWriter().varint(1, 150);
    ProtoWriter outer = new ProtoWriter().varint(1, 1).message(3, inner).string(2, "x");
    assertArrayEquals(bytes(0x08, 0x01, 0x1A, 0x03, 0x08, 0x96, 0x01, 0x12, 0x01, 'x'), outer.toByteArray());
    assertEquals(10, outer.size());
    // two levels: {field 5 = {field 3 = {field 1 = 150}}}
    ProtoWriter top = new ProtoWriter().message(5, new ProtoWriter().message(3, new ProtoWriter().varint(1, 150)));
    assertArrayEquals(bytes(0x2A, 0x05, 0x1A, 0x03, 0x08, 0x96, 0x01), top.toByteArray());
  }

  @Test
  void aNestedMessageIsSealed() {
    ProtoWriter inner = new ProtoWriter().varint(1, 1);
    new ProtoWriter().message(1, inner);
    assertThrows(IllegalStateException.class, () -> inner.varint(2, 2));
  }

  @Test
  void theTestReaderReadsWhatTheWriterWrites() {
    byte[] encoded = new ProtoWriter().varint(1, 300).string(2, "name").packedVarints(3, 1, 1L << 40)
        .float32(4, 2.5f).message(5, new ProtoWriter().varint(1, -7)).toByteArray();
    ProtoReader r = ProtoReader.of(encoded);
    assertEquals(300, r.one(1).varint());
    assertEquals("name", r.one(2).string());
    assertEquals(java.util.List.of(1L, 1L << 40), r.one(3).packed());
    assertEquals(2.5f, Float.intBitsToFloat((int) r.one(4).varint()));
    assertEquals(-7, r.one(5).message().one(1).varint());
  }
}
