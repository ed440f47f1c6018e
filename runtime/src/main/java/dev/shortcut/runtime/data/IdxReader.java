package dev.shortcut.runtime.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST, plain or gzip (recognized by its magic
 * bytes, not the file name). Images are unsigned bytes {@code [n][rows][cols]}, magic 0x00000803;
 * labels unsigned bytes {@code [n]}, magic 0x00000801.
 *
 * <p>A file must hold exactly what its header declares: the declared sizes are checked against
 * what the file can hold before anything is allocated, a gzip file's CRC-32 and length are
 * checked, and bytes after the declared data are an error, as is a set of no images or of empty
 * images.
 */
public final class IdxReader {
  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;
  /** The largest Java array: a set's pixels are one. */
  static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private IdxReader() {}

  /**
   * Reads an image file and its label file into a classification set, pixels as 0..255 floats.
   *
   * @param classes labels must lie in {@code [0, classes)}
   */
  public static Dataset read(Path images, Path labels, int classes) throws DatasetException {
    if (classes < 1 || classes > 256) {
      throw new IllegalArgumentException("IDX labels are bytes: classes must be in [1, 256], got " + classes);
    }
    float[] pixels;
    int width;
    int count;
    try (Source in = Source.open(images)) {
      in.magic(IMAGES_MAGIC, "an IDX image file");
      count = in.count("image count");
      int rows = in.count("row count");
      int cols = in.count("column count");
      String what = String.format(Locale.ROOT, "%,d images of %d×%d", count, rows, cols);
      if (count == 0 || rows == 0 || cols == 0) {
        throw new DatasetException(images, "declares " + what + ": a data set needs images of at least one pixel");
      }
      long pixelsPerImage = (long) rows * cols; // each factor < 2^31: exact in a long
      if (pixelsPerImage > MAX_ELEMENTS || pixelsPerImage * count > MAX_ELEMENTS) {
        throw new DatasetException(images, String.format(Locale.ROOT,
            "declares %s, more pixels than one data set holds (%,d)", what, MAX_ELEMENTS));
      }
      long pixelCount = pixelsPerImage * count;
      width = (int) pixelsPerImage;
      byte[] raw = in.data((int) pixelCount, what);
      pixels = new float[raw.length];
      for (int i = 0; i < raw.length; i++) {
        pixels[i] = raw[i] & 0xFF;
      }
    }
    int[] label;
    try (Source in = Source.open(labels)) {
      in.magic(LABELS_MAGIC, "an IDX label file");
      int n = in.count("label count");
      if (n != count) {
        throw new DatasetException(labels, n + " labels for " + count + " images in " + images.getFileName());
      }
      byte[] raw = in.data(n, n + " labels");
      label = new int[n];
      for (int i = 0; i < n; i++) {
        label[i] = raw[i] & 0xFF;
        if (label[i] >= classes) {
          throw new DatasetException(labels, "label " + label[i] + " of sample " + i
              + " is outside the network's " + classes + " classes");
        }
      }
    }
    return Dataset.classification(images.getFileName().toString(), pixels, width, label, classes);
  }

  /** One open IDX file, plain or gzip, with its size for the checks. */
  private static final class Source implements AutoCloseable {
    final Path file;
    final DataInputStream in;
    final boolean gzip;
    final long fileSize;
    long headerBytes;

    private Source(Path file, DataInputStream in, boolean gzip, long fileSize) {
      this.file = file;
      this.in = in;
      this.gzip = gzip;
      this.fileSize = fileSize;
    }

    static Source open(Path file) throws DatasetException {
      try {
        long size = Files.size(file);
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
        raw.reset();
        try {
          InputStream data = gzip ? new BufferedInputStream(new GzipReader(raw), 1 << 16) : raw;
          return new Source(file, new DataInputStream(data), gzip, size);
        } catch (IOException e) {
          raw.close();
          throw e;
        }
      } catch (NoSuchFileException e) {
        throw new DatasetException(file, "no such file");
      } catch (IOException e) {
        throw failure(file, e);
      }
    }

    void magic(int expected, String kind) throws DatasetException {
      int magic = readInt("the magic number");
      if (magic != expected) {
        throw new DatasetException(file, String.format(
            "wrong magic number 0x%08x, expected 0x%08x (%s)", magic, expected, kind));
      }
    }

    int count(String what) throws DatasetException {
      int n = readInt("the " + what);
      if (n < 0) {
        throw new DatasetException(file, "negative " + what + " " + n);
      }
      return n;
    }

    /**
     * The {@code n} data bytes the header declared, checked first against what the file can
     * hold, then read, then followed by nothing.
     */
    byte[] data(int n, String what) throws DatasetException {
      long available = fileSize - headerBytes;
      if (!gzip && n != available) {
        if (n > available) {
          throw new DatasetException(file, "truncated: the header promises " + what + " (" + n
              + " bytes) but only " + available + " follow");
        }
        throw new DatasetException(file, (available - n) + " bytes follow the " + what + " (" + n
            + " bytes) the header declares: the file is damaged or its header is wrong");
      }
      if (gzip && n > GzipReader.MAX_RATIO * fileSize) {
        throw new DatasetException(file, String.format(Locale.ROOT, "the header declares %s (%,d bytes), but "
            + "%,d bytes of gzip can hold at most %,d", what, n, fileSize, GzipReader.MAX_RATIO * fileSize));
      }
      byte[] data = new byte[n];
      try {
        int read = in.readNBytes(data, 0, n);
        if (read < n) {
          throw new DatasetException(file, "truncated: the header promises " + what + " (" + n
              + " bytes) but only " + read + " follow");
        }
        if (in.read() >= 0) { // for gzip this also checks the last member's CRC-32 and length
          throw new DatasetException(file, "more data follows the " + what + " the header declares: the file is "
              + "damaged or its header is wrong");
        }
      } catch (DatasetException e) {
        throw e;
      } catch (IOException e) {
        throw failure(file, e);
      }
      return data;
    }

    private int readInt(String what) throws DatasetException {
      try {
        int v = in.readInt();
        headerBytes += 4;
        return v;
      } catch (EOFException e) {
        throw new DatasetException(file, "truncated: the file ends before " + what);
      } catch (IOException e) {
        throw failure(file, e);
      }
    }

    private static DatasetException failure(Path file, IOException e) {
      if (e instanceof java.util.zip.ZipException || e instanceof EOFException) {
        return new DatasetException(file, e.getMessage(), e);
      }
      return new DatasetException(file, "cannot read: " + e.getMessage(), e);
    }

    @Override
    public void close() throws DatasetException {
      try {
        in.close();
      } catch (IOException e) {
        throw failure(file, e);
      }
    }
  }
}
