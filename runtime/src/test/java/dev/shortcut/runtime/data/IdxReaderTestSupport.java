package dev.shortcut.runtime.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/** The JDK's own gunzip, to check that test fixtures are what they claim. */
final class IdxReaderTestSupport {
  private IdxReaderTestSupport() {}

  static byte[] inflate(byte[] gz) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }
}
