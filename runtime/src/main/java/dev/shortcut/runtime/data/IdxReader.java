package dev.shortcut.runtime.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST, plain or gzip (recognized by its magic
 * bytes, not the file name). Images are unsigned bytes {@code [n][rows][cols]}, magic 0x00000803;
 * labels unsigned bytes {@code [n]}, magic 0x00000801.
 */
public final class IdxReader {
  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;

  private IdxReader() {}

  /**
   * Reads an image file and its label file into a classification set, pixels as 0..255 floats.
   *
   * @param classes labels must lie in {@code [0, classes)}
   */
  public static Dataset read(Path images, Path labels, int classes) throws DatasetException {
    float[] pixels;
    int width;
    int count;
    try (DataInputStream in = open(images)) {
      int magic = readInt(in, images, "the magic number");
      if (magic != IMAGES_MAGIC) {
        throw new DatasetException(images, String.format(
            "wrong magic number 0x%08x, expected 0x%08x (an IDX image file)", magic, IMAGES_MAGIC));
      }
      count = readCount(in, images, "image count");
      int rows = readCount(in, images, "row count");
      int cols = readCount(in, images, "column count");
      width = Math.multiplyExact(rows, cols);
      byte[] raw = readFully(in, images, Math.multiplyExact(count, width), count + " images of " + rows + "×" + cols);
      pixels = new float[raw.length];
      for (int i = 0; i < raw.length; i++) {
        pixels[i] = raw[i] & 0xFF;
      }
    } catch (DatasetException e) {
      throw e;
    } catch (IOException e) {
      throw new DatasetException(images, "cannot read: " + e.getMessage(), e);
    }
    int[] label;
    try (DataInputStream in = open(labels)) {
      int magic = readInt(in, labels, "the magic number");
      if (magic != LABELS_MAGIC) {
        throw new DatasetException(labels, String.format(
            "wrong magic number 0x%08x, expected 0x%08x (an IDX label file)", magic, LABELS_MAGIC));
      }
      int n = readCount(in, labels, "label count");
      if (n != count) {
        throw new DatasetException(labels, n + " labels for " + count + " images in " + images.getFileName());
      }
      byte[] raw = readFully(in, labels, n, n + " labels");
      label = new int[n];
      for (int i = 0; i < n; i++) {
        label[i] = raw[i] & 0xFF;
        if (label[i] >= classes) {
          throw new DatasetException(labels, "label " + label[i] + " of sample " + i
              + " is outside the network's " + classes + " classes");
        }
      }
    } catch (DatasetException e) {
      throw e;
    } catch (IOException e) {
      throw new DatasetException(labels, "cannot read: " + e.getMessage(), e);
    }
    return Dataset.classification(images.getFileName().toString(), pixels, width, label, classes);
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream raw;
    try {
      raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    } catch (NoSuchFileException e) {
      throw new DatasetException(file, "no such file");
    }
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    boolean gzip = b0 == 0x1f && b1 == 0x8b;
    return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw), 1 << 16) : raw);
  }

  private static int readInt(DataInputStream in, Path file, String what) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw new DatasetException(file, "truncated: the file ends before " + what);
    }
  }

  private static int readCount(DataInputStream in, Path file, String what) throws IOException {
    int n = readInt(in, file, "the " + what);
    if (n < 0) {
      throw new DatasetException(file, "negative " + what + " " + n);
    }
    return n;
  }

  private static byte[] readFully(DataInputStream in, Path file, int n, String what) throws IOException {
    byte[] data = new byte[n];
    int read = in.readNBytes(data, 0, n);
    if (read < n) {
      throw new DatasetException(file, "truncated: the header promises " + what + " (" + n
          + " bytes) but only " + read + " follow");
    }
    return data;
  }
}
