package dev.shortcut.runtime.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads comma-separated numbers, UTF-8 text: feature columns and one integer label column.
 *
 * <p>The first line is a header when none of its cells is a number (column names), and then it
 * must have as many columns as the rows; a first line that mixes names and numbers is a damaged
 * row, not a header. Features are decimal numbers ({@code -1.5}, {@code 2e-3}) that fit a float:
 * {@code NaN}, infinities and overflowing values are refused, as are binary files. Every rejected
 * cell is named by its line and column (both from 1).
 */
public final class CsvReader {
  private CsvReader() {}

  /**
   * Reads a classification set.
   *
   * @param labelColumn index of the label column; negative counts from the end (-1 = last)
   * @param expectedFeatures the network's input width: a file with another count is an error
   * @param classes labels must lie in {@code [0, classes)}
   */
  public static Dataset read(Path file, int labelColumn, int expectedFeatures, int classes) throws DatasetException {
    if (expectedFeatures < 1 || classes < 1) {
      throw new IllegalArgumentException("a network takes ≥ 1 feature and ≥ 1 class, got " + expectedFeatures
          + " and " + classes);
    }
    int columns = expectedFeatures + 1;
    int label = labelColumn < 0 ? columns + labelColumn : labelColumn;
    if (label < 0 || label >= columns) {
      throw new IllegalArgumentException("label column " + labelColumn + " is outside the " + columns
          + " columns of " + expectedFeatures + " features and a label");
    }
    List<float[]> rows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    int lineNo = 0;
    try (BufferedReader reader = Files.newBufferedReader(file)) {
      String line;
      boolean first = true;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (lineNo == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1); // a byte-order mark some editors write
        }
        if (line.indexOf('\0') >= 0) {
          throw new DatasetException(file, "line " + lineNo + " holds binary data (a NUL byte): a CSV file is "
              + "text" + binaryHint());
        }
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",", -1);
        if (first) {
          first = false;
          if (isHeader(file, lineNo, cells, columns)) {
            continue;
          }
        }
        if (cells.length != columns) {
          throw new DatasetException(file, "line " + lineNo + " has " + (cells.length - 1)
              + " features but the network takes " + expectedFeatures + " (" + cells.length + " columns, expected "
              + columns + ")");
        }
        float[] row = new float[expectedFeatures];
        int k = 0;
        for (int c = 0; c < cells.length; c++) {
          if (c != label) {
            row[k++] = feature(file, lineNo, c, cells[c].trim());
          }
        }
        labels.add(label(file, lineNo, label, cells[label].trim(), classes));
        rows.add(row);
        if ((long) rows.size() * expectedFeatures > IdxReader.MAX_ELEMENTS) {
          throw new DatasetException(file, "more than " + rows.size() + " rows of " + expectedFeatures
              + " features: more values than one data set holds");
        }
      }
    } catch (NoSuchFileException e) {
      throw new DatasetException(file, "no such file");
    } catch (CharacterCodingException e) {
      throw new DatasetException(file, "is not UTF-8 text after line " + lineNo + ": a CSV file is text"
          + binaryHint(), e);
    } catch (DatasetException e) {
      throw e;
    } catch (IOException e) {
      throw new DatasetException(file, "cannot read: " + e.getMessage(), e);
    }
    if (rows.isEmpty()) {
      throw new DatasetException(file, "no data rows");
    }
    float[] features = new float[rows.size() * expectedFeatures];
    int[] classOf = new int[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, features, i * expectedFeatures, expectedFeatures);
      classOf[i] = labels.get(i);
    }
    return Dataset.classification(file.getFileName().toString(), features, expectedFeatures, classOf, classes);
  }

  private static String binaryHint() {
    return " (is this a binary file? IDX files are read by IdxReader)";
  }

  /**
   * Whether the first line is a header: no cell is a number. A line with both names and numbers
   * is neither a header nor a row, and a header must have the rows' column count.
   */
  private static boolean isHeader(Path file, int lineNo, String[] cells, int columns) throws DatasetException {
    int numbers = 0;
    int firstNumber = -1;
    int firstText = -1;
    for (int c = 0; c < cells.length; c++) {
      if (isDecimal(cells[c].trim())) {
        numbers++;
        firstNumber = firstNumber < 0 ? c : firstNumber;
      } else {
        firstText = firstText < 0 ? c : firstText;
      }
    }
    if (numbers == cells.length) {
      return false;
    }
    if (numbers > 0) {
      throw new DatasetException(file, "line " + lineNo + " mixes names and numbers: column " + (firstText + 1)
          + " is '" + cells[firstText].trim() + "', column " + (firstNumber + 1) + " is " + cells[firstNumber].trim()
          + ". A header holds only column names, a row only numbers; is the first row damaged?");
    }
    if (cells.length != columns) {
      throw new DatasetException(file, "the header (line " + lineNo + ") has " + cells.length
          + " columns but the rows need " + columns + " (the network's features and a label)");
    }
    return true;
  }

  private static float feature(Path file, int lineNo, int column, String cell) throws DatasetException {
    if (!isDecimal(cell)) {
      throw new DatasetException(file, "line " + lineNo + ": not a number in column " + (column + 1) + ": '" + cell
          + "'" + (cell.isEmpty() ? " (an empty cell)" : isNonFiniteWord(cell) ? " (NaN and infinities are not data)" : ""));
    }
    float value = Float.parseFloat(cell);
    if (!Float.isFinite(value)) {
      throw new DatasetException(file, "line " + lineNo + ", column " + (column + 1) + ": " + cell
          + " is too large for a float (at most " + Float.MAX_VALUE + ")");
    }
    return value;
  }

  private static int label(Path file, int lineNo, int column, String cell, int classes) throws DatasetException {
    if (!isInteger(cell)) {
      throw new DatasetException(file, "line " + lineNo + ", column " + (column + 1) + ": label '" + cell
          + "' is not an integer class");
    }
    int value;
    try {
      value = Integer.parseInt(cell);
    } catch (NumberFormatException e) {
      value = -1; // more digits than an int: outside the classes too
    }
    if (value < 0 || value >= classes) {
      throw new DatasetException(file, "line " + lineNo + ": label " + cell + " is outside the network's "
          + classes + " classes (column " + (column + 1) + ")");
    }
    return value;
  }

  private static boolean isNonFiniteWord(String cell) {
    String s = cell.toLowerCase(Locale.ROOT).replace("+", "").replace("-", "");
    return s.equals("nan") || s.equals("inf") || s.equals("infinity");
  }

  /** {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?}: what CSV writers print. */
  static boolean isDecimal(String s) {
    int i = 0;
    int n = s.length();
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    int digits = 0;
    while (i < n && isDigit(s.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int exponent = 0;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        exponent++;
      }
      if (exponent == 0) {
        return false;
      }
    }
    return i == n;
  }

  private static boolean isInteger(String s) {
    int i = s.startsWith("+") || s.startsWith("-") ? 1 : 0;
    if (i == s.length()) {
      return false;
    }
    for (; i < s.length(); i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
