package dev.shortcut.runtime.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads comma-separated numbers: feature columns and one integer label column. A first line that
 * does not parse as numbers is taken as a header. Every problem names the file and the line.
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
    List<float[]> rows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file)) {
      String line;
      int lineNo = 0;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",", -1);
        int label = labelColumn < 0 ? cells.length + labelColumn : labelColumn;
        if (label < 0 || label >= cells.length) {
          throw new DatasetException(file, "line " + lineNo + " has " + cells.length
              + " columns, so there is no label column " + labelColumn);
        }
        if (cells.length - 1 != expectedFeatures) {
          if (lineNo == 1 && !isNumber(cells[0].trim())) {
            continue; // header
          }
          throw new DatasetException(file, "line " + lineNo + " has " + (cells.length - 1)
              + " features but the network takes " + expectedFeatures);
        }
        float[] row = new float[expectedFeatures];
        int k = 0;
        try {
          for (int c = 0; c < cells.length; c++) {
            if (c != label) {
              row[k++] = Float.parseFloat(cells[c].trim());
            }
          }
        } catch (NumberFormatException e) {
          if (lineNo == 1) {
            continue; // header
          }
          throw new DatasetException(file, "line " + lineNo + ": not a number: " + e.getMessage());
        }
        int value;
        try {
          value = Integer.parseInt(cells[label].trim());
        } catch (NumberFormatException e) {
          throw new DatasetException(file, "line " + lineNo + ": label '" + cells[label].trim() + "' is not an integer");
        }
        if (value < 0 || value >= classes) {
          throw new DatasetException(file, "line " + lineNo + ": label " + value
              + " is outside the network's " + classes + " classes");
        }
        rows.add(row);
        labels.add(value);
      }
    } catch (NoSuchFileException e) {
      throw new DatasetException(file, "no such file");
    } catch (DatasetException e) {
      throw e;
    } catch (IOException e) {
      throw new DatasetException(file, "cannot read: " + e.getMessage(), e);
    }
    if (rows.isEmpty()) {
      throw new DatasetException(file, "no data rows");
    }
    float[] features = new float[rows.size() * expectedFeatures];
    int[] label = new int[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, features, i * expectedFeatures, expectedFeatures);
      label[i] = labels.get(i);
    }
    return Dataset.classification(file.getFileName().toString(), features, expectedFeatures, label, classes);
  }

  private static boolean isNumber(String s) {
    try {
      Float.parseFloat(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
