package dev.shortcut.runtime.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Decompresses gzip (RFC 1952) and checks what {@link java.util.zip.GZIPInputStream} lets pass:
 * it checks a member's CRC-32 and length only when read to its end, and ignores bytes after the
 * last member. Here every member's trailer is checked as it ends, and what follows a member must
 * be another member or nothing, so damaged data is an exception rather than wrong pixels.
 */
final class GzipReader extends InputStream {
  /** Deflate cannot expand data by more than about this factor (RFC 1951: 258 bytes from 2 bits). */
  static final long MAX_RATIO = 1032;

  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;
  private static final int RESERVED = 0xE0;

  private final PushbackInputStream in;
  private final Inflater inflater = new Inflater(true);
  private final CRC32 crc = new CRC32();
  private final byte[] input = new byte[1 << 16];
  private final byte[] one = new byte[1];
  private int inputLength;
  private long memberBytes;
  private boolean end;

  /** Starts reading {@code compressed}, which must begin with a gzip header. */
  GzipReader(InputStream compressed) throws IOException {
    this.in = new PushbackInputStream(compressed, input.length);
    readHeader("not gzip data");
  }

  @Override
  public int read() throws IOException {
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (!end) {
      int n;
      try {
        n = inflater.inflate(b, off, len);
      } catch (DataFormatException e) {
        throw new ZipException("corrupt gzip data (" + e.getMessage() + ")");
      }
      if (n > 0) {
        crc.update(b, off, n);
        memberBytes += n;
        return n;
      }
      if (inflater.finished()) {
        finishMember();
      } else if (inflater.needsDictionary()) {
        throw new ZipException("corrupt gzip data (deflate asks for a preset dictionary)");
      } else if (inflater.needsInput()) {
        inputLength = in.read(input);
        if (inputLength < 0) {
          throw new EOFException("truncated gzip data: the file ends inside the compressed stream");
        }
        inflater.setInput(input, 0, inputLength);
      }
    }
    return -1;
  }

  /** Checks the trailer of the member just inflated, then starts the next member or ends. */
  private void finishMember() throws IOException {
    int remaining = inflater.getRemaining();
    if (remaining > 0) {
      in.unread(input, inputLength - remaining, remaining);
    }
    long expectedCrc = readIntLittleEndian();
    long expectedSize = readIntLittleEndian();
    if (expectedCrc != crc.getValue()) {
      throw new ZipException(String.format("corrupt gzip data: CRC-32 %08x, the trailer says %08x",
          crc.getValue(), expectedCrc));
    }
    if (expectedSize != (memberBytes & 0xFFFFFFFFL)) {
      throw new ZipException("corrupt gzip data: " + memberBytes + " bytes inflated, the trailer says "
          + expectedSize + " (mod 2^32)");
    }
    int next = in.read();
    if (next < 0) {
      end = true;
      return;
    }
    in.unread(next);
    readHeader("bytes after the gzip data are not another gzip member");
    inflater.reset();
    crc.reset();
    memberBytes = 0;
  }

  private void readHeader(String notGzip) throws IOException {
    if (readByte() != 0x1f || readByte() != 0x8b) {
      throw new ZipException(notGzip);
    }
    if (readByte() != 8) {
      throw new ZipException("unsupported gzip compression method (only deflate is defined)");
    }
    int flags = readByte();
    if ((flags & RESERVED) != 0) {
      throw new ZipException("corrupt gzip header: reserved flag bits are set");
    }
    skip(6); // modification time, extra flags, operating system
    if ((flags & FEXTRA) != 0) {
      skip(readByte() | readByte() << 8);
    }
    if ((flags & FNAME) != 0) {
      skipZeroTerminated();
    }
    if ((flags & FCOMMENT) != 0) {
      skipZeroTerminated();
    }
    if ((flags & FHCRC) != 0) {
      skip(2);
    }
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("truncated gzip data: the file ends inside a gzip header or trailer");
    }
    return b;
  }

  private long readIntLittleEndian() throws IOException {
    return readByte() | (long) readByte() << 8 | (long) readByte() << 16 | (long) readByte() << 24;
  }

  private void skip(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      readByte();
    }
  }

  private void skipZeroTerminated() throws IOException {
    while (readByte() != 0) {
      // a file name or comment
    }
  }

  @Override
  public void close() throws IOException {
    inflater.end();
    in.close();
  }
}
