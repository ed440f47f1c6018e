package dev.shortcut.runtime.sweep;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/**
 * A finished cell's row file, {@code cells/<id>.json}: one JSON object {@code {"signature": ...,
 * "run": <row>}} and a newline, written whole (under a name of its own, then renamed over the
 * target), so a reader sees the old file or the new one, never a part.
 */
final class CellFiles {
  private static final JsonFactory JSON = new JsonFactory();

  private CellFiles() {}

  /** A cell file's signature and row, or null when the file is missing or not a cell file. */
  record Content(String signature, String row) {}

  static Content read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    try (JsonParser p = JSON.createParser(text)) {
      String signature = null;
      String row = null;
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("signature") && value == JsonToken.VALUE_STRING) {
          signature = p.getText();
        } else if (field.equals("run") && value == JsonToken.START_OBJECT) {
          int start = offset(p.currentTokenLocation());
          p.skipChildren();
          row = text.substring(start, offset(p.currentLocation()));
        } else {
          p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        return null;
      }
      return signature == null || row == null ? null : new Content(signature, row);
    } catch (IOException | IllegalStateException e) {
      return null; // damaged or of another format: the cell is trained again
    }
  }

  private static int offset(JsonLocation location) {
    long at = location.getCharOffset();
    if (at < 0) {
      throw new IllegalStateException("the parser gives no character offsets");
    }
    return (int) at;
  }

  static void write(Path file, String signature, String row) throws IOException {
    Files.createDirectories(file.getParent());
    Path attempt = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + ".partial");
    try {
      Files.writeString(attempt, "{\"signature\": " + string(signature) + ", \"run\": " + row + "}\n");
      CellContext.moveAtomically(attempt, file);
    } finally {
      Files.deleteIfExists(attempt);
    }
  }

  /**
   * Checks that {@code row} is one JSON object and nothing else.
   *
   * @return null when it is, else what is wrong
   */
  static String checkRow(String row) {
    if (row == null) {
      return "the row is null";
    }
    try (JsonParser p = JSON.createParser(row)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return "it does not start with '{'";
      }
      p.skipChildren();
      if (p.nextToken() != null) {
        return "text follows the object";
      }
      return null;
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  /** {@code s} as a JSON string. */
  static String string(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
