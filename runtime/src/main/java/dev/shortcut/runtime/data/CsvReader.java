package dev.shortcut.runtime.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads comma-separated values (RFC 4180), UTF-8 text, into a {@link Dataset}: feature columns and
 * either a class label column or target columns, each chosen by name (from the header) or by index.
 *
 * <pre>{@code
 * Dataset iris = CsvReader.classification("species").read(file);        // features: every other column
 * Dataset houses = CsvReader.regression("price").features("rooms", "area").read(file);
 * Dataset test = CsvReader.classification("species").classes(iris.classNames()).read(testFile);
 * }</pre>
 *
 * <p>Fields may be quoted ({@code "a, b"}, with {@code ""} for a quote inside, line breaks
 * included). Features and targets are decimal numbers ({@code -1.5}, {@code 2e-3}) that fit a
 * float: {@code NaN}, infinities and overflowing values are refused, as are binary files. Class
 * labels are integers {@code 0 .. k-1}, or any text: text labels become classes in sorted order,
 * kept as {@link Dataset#classNames()} (pass them to {@link Options#classes} to read another file
 * with the same mapping). Every rejected cell is named by its line and column (both from 1).
 *
 * <p>The first line is a header when columns are chosen by name, or, otherwise, when none of its
 * cells (the label's aside) is a number; a first line that mixes names and numbers there is a
 * damaged row, not a header.
 */
public final class CsvReader {
  private CsvReader() {}

  /**
   * Reads a classification set of integer labels, for a network of {@code expectedFeatures}
   * inputs: {@code classification(labelColumn).classCount(classes).expectedFeatures(expectedFeatures)}.
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
    return classification(labelColumn).classCount(classes).expectedFeatures(expectedFeatures).read(file);
  }

  /** A classification set whose labels are in the header's column {@code name}. */
  public static Options classification(String labelColumn) {
    return new Options(List.of(Column.named(labelColumn)), true);
  }

  /** A classification set whose labels are in column {@code index} (from 0; negative counts from the end). */
  public static Options classification(int labelColumn) {
    return new Options(List.of(Column.at(labelColumn)), true);
  }

  /** A regression set whose targets are the header's columns {@code names}, in that order. */
  public static Options regression(String... targetColumns) {
    return new Options(columns(targetColumns), false);
  }

  /** A regression set whose targets are columns {@code indices} (from 0; negative counts from the end). */
  public static Options regression(int... targetColumns) {
    return new Options(columns(targetColumns), false);
  }

  private static List<Column> columns(String... names) {
    if (names.length == 0) {
      throw new IllegalArgumentException("name at least one column");
    }
    return Arrays.stream(names).map(Column::named).toList();
  }

  private static List<Column> columns(int... indices) {
    if (indices.length == 0) {
      throw new IllegalArgumentException("name at least one column");
    }
    return Arrays.stream(indices).mapToObj(Column::at).toList();
  }

  /** A column chosen by header name or by index (negative from the end). */
  private record Column(String name, int index) {
    static Column named(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("a column name is not blank, got '" + name + "'");
      }
      return new Column(name.trim(), 0);
    }

    static Column at(int index) {
      return new Column(null, index);
    }

    @Override
    public String toString() {
      return name != null ? "'" + name + "'" : Integer.toString(index);
    }
  }

  /**
   * What to read from a CSV file; immutable, each method returns a new configuration. Made by
   * {@link #classification} or {@link #regression}.
   */
  public static final class Options {
    private final List<Column> outputs;
    private final boolean classification;
    private List<Column> features;
    private List<String> classes = List.of();
    private int classCount;
    private int expectedFeatures;
    private Boolean header;
    private char delimiter = ',';

    private Options(List<Column> outputs, boolean classification) {
      this.outputs = outputs;
      this.classification = classification;
    }

    private Options copy() {
      Options o = new Options(outputs, classification);
      o.features = features;
      o.classes = classes;
      o.classCount = classCount;
      o.expectedFeatures = expectedFeatures;
      o.header = header;
      o.delimiter = delimiter;
      return o;
    }

    /** The feature columns by header name, in this order (default: every column that is not a label or target). */
    public Options features(String... names) {
      Options o = copy();
      o.features = columns(names);
      return o;
    }

    /** The feature columns by index, in this order (negative counts from the end). */
    public Options features(int... indices) {
      Options o = copy();
      o.features = columns(indices);
      return o;
    }

    /**
     * Fixes the classes of text labels, in this order (label {@code i} is {@code names.get(i)}):
     * a test file is then read with its training set's mapping, and a label outside it is an error.
     */
    public Options classes(List<String> names) {
      requireClassification("classes");
      if (names.isEmpty() || new TreeSet<>(names).size() != names.size()) {
        throw new IllegalArgumentException("class names must be distinct, and at least one, got " + names);
      }
      Options o = copy();
      o.classes = List.copyOf(names);
      return o;
    }

    /** Integer labels in {@code [0, classes)} (the network's outputs): any other label is an error. */
    public Options classCount(int classes) {
      requireClassification("classCount");
      if (classes < 1) {
        throw new IllegalArgumentException("a network has ≥ 1 class, got " + classes);
      }
      Options o = copy();
      o.classCount = classes;
      return o;
    }

    /** The network's input width: a file with another number of features is an error. */
    public Options expectedFeatures(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("a network takes ≥ 1 feature, got " + count);
      }
      Options o = copy();
      o.expectedFeatures = count;
      return o;
    }

    /** Whether the first line is a header (default: when columns are named, or when it holds no number). */
    public Options header(boolean present) {
      Options o = copy();
      o.header = present;
      return o;
    }

    /** The field separator (default {@code ,}; {@code ;} and tab are common too). */
    public Options delimiter(char delimiter) {
      if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
        throw new IllegalArgumentException("'" + delimiter + "' cannot separate fields");
      }
      Options o = copy();
      o.delimiter = delimiter;
      return o;
    }

    private void requireClassification(String what) {
      if (!classification) {
        throw new IllegalArgumentException(what + "(...) is for class labels; this reads regression targets");
      }
    }

    private boolean byName() {
      return outputs.stream().anyMatch(c -> c.name() != null)
          || features != null && features.stream().anyMatch(c -> c.name() != null);
    }

    /**
     * Reads {@code file}.
     *
     * @throws DatasetException naming the file, and the line and column of a bad cell
     * @throws IllegalArgumentException when columns are named but {@code header(false)} says
     *     there is no header
     */
    public Dataset read(Path file) throws DatasetException {
      if (Boolean.FALSE.equals(header) && byName()) {
        throw new IllegalArgumentException("columns are chosen by name, but header(false) says the file has no header");
      }
      return new Reading(this, file).read();
    }
  }

  /** One read of one file. */
  private static final class Reading {
    private final Options o;
    private final Path file;
    private int columns;
    private int[] featureAt;
    private int[] outputAt;
    private int[] numeric;
    private final List<float[]> rows = new ArrayList<>();
    private final List<float[]> targets = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private final List<Integer> labelLines = new ArrayList<>();

    Reading(Options o, Path file) {
      this.o = o;
      this.file = file;
    }

    Dataset read() throws DatasetException {
      Records records = null;
      try (BufferedReader reader = Files.newBufferedReader(file)) {
        records = new Records(file, reader, o.delimiter);
        List<String> first = records.next();
        if (first == null) {
          throw new DatasetException(file, "no data rows");
        }
        boolean isHeader = resolve(first, records.line());
        if (!isHeader) {
          row(first, records.line());
        }
        List<String> cells;
        while ((cells = records.next()) != null) {
          row(cells, records.line());
        }
      } catch (NoSuchFileException e) {
        throw new DatasetException(file, "no such file");
      } catch (CharacterCodingException e) {
        throw new DatasetException(file, "is not UTF-8 text after line " + (records == null ? 0 : records.line())
            + ": a CSV file is text" + binaryHint(), e);
      } catch (DatasetException e) {
        throw e;
      } catch (IOException e) {
        throw new DatasetException(file, "cannot read: " + e.getMessage(), e);
      }
      if (rows.isEmpty()) {
        throw new DatasetException(file, "no data rows");
      }
      int width = featureAt.length;
      float[] features = new float[rows.size() * width];
      for (int i = 0; i < rows.size(); i++) {
        System.arraycopy(rows.get(i), 0, features, i * width, width);
      }
      String name = file.getFileName().toString();
      if (!o.classification) {
        float[] t = new float[rows.size() * outputAt.length];
        for (int i = 0; i < rows.size(); i++) {
          System.arraycopy(targets.get(i), 0, t, i * outputAt.length, outputAt.length);
        }
        return Dataset.regression(name, features, width, t, outputAt.length);
      }
      return classes(name, features, width);
    }

    /**
     * Resolves the columns against the first record; answers whether it is a header. Indices are
     * resolved against the expected column count when the network's width is given.
     */
    private boolean resolve(List<String> first, int line) throws DatasetException {
      boolean byName = o.byName();
      boolean isHeader = o.header != null ? o.header : byName || judgedHeader(first, line);
      int cells = first.size();
      if (o.expectedFeatures > 0 && o.features == null && !byName) {
        columns = o.expectedFeatures + o.outputs.size();
        if (isHeader && cells != columns) {
          throw new DatasetException(file, "the header (line " + line + ") has " + cells + " columns but the rows need "
              + columns + " (the network's features and " + (o.classification ? "a label" : "the targets") + ")");
        }
      } else {
        columns = cells;
      }
      Map<String, Integer> names = new HashMap<>();
      if (isHeader) {
        for (int c = 0; c < first.size(); c++) {
          String n = first.get(c).trim();
          names.merge(n, c, (a, b) -> -1); // -1 marks a name given to two columns
        }
      }
      outputAt = new int[o.outputs.size()];
      for (int i = 0; i < outputAt.length; i++) {
        outputAt[i] = index(o.outputs.get(i), names, first, line);
      }
      if (o.features != null) {
        featureAt = new int[o.features.size()];
        for (int i = 0; i < featureAt.length; i++) {
          featureAt[i] = index(o.features.get(i), names, first, line);
        }
      } else {
        List<Integer> rest = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
          final int column = c;
          if (Arrays.stream(outputAt).noneMatch(a -> a == column)) {
            rest.add(c);
          }
        }
        featureAt = rest.stream().mapToInt(Integer::intValue).toArray();
      }
      if (featureAt.length == 0) {
        throw new DatasetException(file, "has no feature column: every column is " + (o.classification
            ? "the label" : "a target"));
      }
      int[] all = new int[featureAt.length + outputAt.length];
      System.arraycopy(featureAt, 0, all, 0, featureAt.length);
      System.arraycopy(outputAt, 0, all, featureAt.length, outputAt.length);
      int[] sorted = all.clone();
      Arrays.sort(sorted);
      for (int i = 1; i < sorted.length; i++) {
        if (sorted[i] == sorted[i - 1]) {
          throw new IllegalArgumentException("column " + (sorted[i] + 1) + " of " + file + " is chosen twice (as "
              + "a feature and " + (o.classification ? "the label" : "a target") + ", or twice as one)");
        }
      }
      if (o.expectedFeatures > 0 && featureAt.length != o.expectedFeatures) {
        throw new DatasetException(file, "has " + featureAt.length + " feature columns but the network takes "
            + o.expectedFeatures);
      }
      numeric = o.classification ? featureAt : all;
      return isHeader;
    }

    /** A column's index in a record of {@code columns} cells. */
    private int index(Column c, Map<String, Integer> names, List<String> header, int line) throws DatasetException {
      if (c.name() != null) {
        Integer at = names.get(c.name());
        if (at == null) {
          throw new DatasetException(file, "the header (line " + line + ") has no column '" + c.name() + "'; its "
              + "columns are " + header.stream().map(String::trim).toList());
        }
        if (at < 0) {
          throw new DatasetException(file, "the header (line " + line + ") names two columns '" + c.name()
              + "'; choose them by index");
        }
        return at;
      }
      int at = c.index() < 0 ? columns + c.index() : c.index();
      if (at < 0 || at >= columns) {
        throw new DatasetException(file, "has no column " + c.index() + ": line " + line + " has " + columns
            + " columns");
      }
      return at;
    }

    /**
     * Whether an unnamed first line is a header: none of its cells, the label's aside (text
     * labels are words too), is a number. One that mixes names and numbers is a damaged row.
     */
    private boolean judgedHeader(List<String> cells, int line) throws DatasetException {
      int label = -1;
      if (o.classification && o.classCount == 0) {
        int index = o.outputs.get(0).index();
        label = index < 0 ? cells.size() + index : index;
      }
      int numbers = 0;
      int judged = 0;
      int firstNumber = -1;
      int firstText = -1;
      for (int c = 0; c < cells.size(); c++) {
        if (c == label) {
          continue;
        }
        judged++;
        if (isDecimal(cells.get(c).trim())) {
          numbers++;
          firstNumber = firstNumber < 0 ? c : firstNumber;
        } else {
          firstText = firstText < 0 ? c : firstText;
        }
      }
      if (numbers == judged) {
        return false;
      }
      if (numbers > 0) {
        throw new DatasetException(file, "line " + line + " mixes names and numbers: column " + (firstText + 1)
            + " is '" + cells.get(firstText).trim() + "', column " + (firstNumber + 1) + " is "
            + cells.get(firstNumber).trim() + ". A header holds only column names, a row only numbers; is the "
            + "first row damaged?");
      }
      return true;
    }

    private void row(List<String> cells, int line) throws DatasetException {
      if (cells.size() != columns) {
        if (o.expectedFeatures > 0 && o.features == null && !o.byName()) {
          throw new DatasetException(file, "line " + line + " has " + (cells.size() - o.outputs.size())
              + " features but the network takes " + o.expectedFeatures + " (" + cells.size() + " columns, expected "
              + columns + ")");
        }
        throw new DatasetException(file, "line " + line + " has " + cells.size() + " columns, but the file's first "
            + "line has " + columns);
      }
      float[] row = new float[featureAt.length];
      for (int i = 0; i < featureAt.length; i++) {
        row[i] = number(line, featureAt[i], cells.get(featureAt[i]).trim());
      }
      if (o.classification) {
        labels.add(cells.get(outputAt[0]).trim());
        labelLines.add(line);
      } else {
        float[] t = new float[outputAt.length];
        for (int i = 0; i < outputAt.length; i++) {
          t[i] = number(line, outputAt[i], cells.get(outputAt[i]).trim());
        }
        targets.add(t);
      }
      rows.add(row);
      if ((long) rows.size() * featureAt.length > IdxReader.MAX_ELEMENTS) {
        throw new DatasetException(file, "more than " + rows.size() + " rows of " + featureAt.length
            + " features: more values than one data set holds");
      }
    }

    /** The labels as classes: the given names, integers, or sorted text. */
    private Dataset classes(String name, float[] features, int width) throws DatasetException {
      int column = outputAt[0] + 1;
      int[] classOf = new int[labels.size()];
      if (!o.classes.isEmpty()) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < o.classes.size(); i++) {
          index.put(o.classes.get(i), i);
        }
        for (int i = 0; i < classOf.length; i++) {
          Integer c = index.get(labels.get(i));
          if (c == null) {
            throw new DatasetException(file, "line " + labelLines.get(i) + ", column " + column + ": label '"
                + labels.get(i) + "' is not one of the classes " + o.classes);
          }
          classOf[i] = c;
        }
        return Dataset.classification(name, features, width, classOf, o.classes.size()).withClassNames(o.classes);
      }
      boolean integers = o.classCount > 0 || labels.stream().allMatch(CsvReader::isInteger);
      if (integers) {
        int max = 0;
        for (int i = 0; i < classOf.length; i++) {
          classOf[i] = label(labelLines.get(i), column, labels.get(i));
          max = Math.max(max, classOf[i]);
        }
        return Dataset.classification(name, features, width, classOf, o.classCount > 0 ? o.classCount : max + 1);
      }
      List<String> names = new ArrayList<>(new TreeSet<>(labels));
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < names.size(); i++) {
        index.put(names.get(i), i);
      }
      for (int i = 0; i < classOf.length; i++) {
        if (labels.get(i).isEmpty()) {
          throw new DatasetException(file, "line " + labelLines.get(i) + ", column " + column + ": the label is empty");
        }
        classOf[i] = index.get(labels.get(i));
      }
      return Dataset.classification(name, features, width, classOf, names.size()).withClassNames(names);
    }

    private int label(int line, int column, String cell) throws DatasetException {
      if (!isInteger(cell)) {
        throw new DatasetException(file, "line " + line + ", column " + column + ": label '" + cell
            + "' is not an integer class");
      }
      int value;
      try {
        value = Integer.parseInt(cell);
      } catch (NumberFormatException e) {
        value = -1; // more digits than an int: outside the classes too
      }
      if (o.classCount > 0 && (value < 0 || value >= o.classCount)) {
        throw new DatasetException(file, "line " + line + ": label " + cell + " is outside the network's "
            + o.classCount + " classes (column " + column + ")");
      }
      if (value < 0) {
        throw new DatasetException(file, "line " + line + ", column " + column + ": label " + cell
            + " is not a class index (0, 1, ...)");
      }
      return value;
    }

    private float number(int line, int column, String cell) throws DatasetException {
      if (!isDecimal(cell)) {
        throw new DatasetException(file, "line " + line + ": not a number in column " + (column + 1) + ": '" + cell
            + "'" + (cell.isEmpty() ? " (an empty cell)" : isNonFiniteWord(cell) ? " (NaN and infinities are not data)"
            : ""));
      }
      float value = Float.parseFloat(cell);
      if (!Float.isFinite(value)) {
        throw new DatasetException(file, "line " + line + ", column " + (column + 1) + ": " + cell
            + " is too large for a float (at most " + Float.MAX_VALUE + ")");
      }
      return value;
    }
  }

  /**
   * The records of a CSV text: fields split at the delimiter outside quotes, {@code ""} inside
   * quotes for one quote, line breaks inside quotes kept. Blank lines are skipped. {@link #line()}
   * is the line the last record began on.
   */
  private static final class Records {
    private final Path file;
    private final BufferedReader reader;
    private final char delimiter;
    private int lineNo;
    private int recordLine;

    Records(Path file, BufferedReader reader, char delimiter) {
      this.file = file;
      this.reader = reader;
      this.delimiter = delimiter;
    }

    int line() {
      return recordLine;
    }

    /** The next record's fields, or null at the end. */
    List<String> next() throws IOException {
      String line;
      do {
        line = nextLine();
        if (line == null) {
          return null;
        }
      } while (line.isBlank());
      recordLine = lineNo;
      List<String> cells = new ArrayList<>();
      StringBuilder cell = new StringBuilder();
      boolean quoted = false;
      int i = 0;
      while (true) {
        if (i == line.length()) {
          if (!quoted) {
            cells.add(cell.toString());
            return cells;
          }
          String more = nextLine();
          if (more == null) {
            throw new DatasetException(file, "line " + recordLine + ": a quoted field is never closed (a '\"' is "
                + "missing)");
          }
          cell.append('\n');
          line = more;
          i = 0;
          continue;
        }
        char ch = line.charAt(i++);
        if (quoted) {
          if (ch == '"') {
            if (i < line.length() && line.charAt(i) == '"') {
              cell.append('"');
              i++;
            } else {
              quoted = false;
            }
          } else {
            cell.append(ch);
          }
        } else if (ch == '"' && cell.toString().isBlank()) {
          quoted = true;
          cell.setLength(0);
        } else if (ch == delimiter) {
          cells.add(cell.toString());
          cell.setLength(0);
        } else {
          cell.append(ch);
        }
      }
    }

    private String nextLine() throws IOException {
      String line = reader.readLine();
      if (line == null) {
        return null;
      }
      lineNo++;
      if (lineNo == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1); // a byte-order mark some editors write
      }
      if (line.indexOf('\0') >= 0) {
        throw new DatasetException(file, "line " + lineNo + " holds binary data (a NUL byte): a CSV file is text"
            + binaryHint());
      }
      return line;
    }
  }

  private static String binaryHint() {
    return " (is this a binary file? IDX files are read by IdxReader)";
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
