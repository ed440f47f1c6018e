package dev.shortcut.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12, item 2: CSV columns by name or index, quoted fields, text labels, regression targets. */
class CsvColumnsTest {
  @TempDir Path dir;

  private Path csv(String text) throws IOException {
    return Files.writeString(dir.resolve("data.csv"), text, StandardCharsets.UTF_8);
  }

  @Test
  void textLabelsBecomeSortedClassesWhoseNamesAreKept() throws IOException {
    Path file = csv("sepal,petal,species\n5.1,1.4,setosa\n6.2,4.5,versicolor\n5.0,1.3,setosa\n6.9,5.7,virginica\n");
    Dataset d = CsvReader.classification("species").read(file);
    assertEquals(List.of("setosa", "versicolor", "virginica"), d.classNames());
    assertArrayEquals(new int[] {0, 1, 0, 2}, d.labels());
    assertArrayEquals(new float[] {5.1f, 1.4f, 6.2f, 4.5f, 5.0f, 1.3f, 6.9f, 5.7f}, d.features());
    assertEquals(3, d.classes());
    // Another file with the first's mapping, though it lacks a class and lists them in another order.
    Path test = Files.writeString(dir.resolve("test.csv"), "species,sepal,petal\nvirginica,7,6\nsetosa,5,1\n");
    Dataset t = CsvReader.classification("species").classes(d.classNames()).read(test);
    assertArrayEquals(new int[] {2, 0}, t.labels());
    assertEquals(d.classNames(), t.classNames());
    Path unknown = Files.writeString(dir.resolve("u.csv"), "species,sepal,petal\nsetosa,1,2\nrose,7,6\n");
    DatasetException e = assertThrows(DatasetException.class,
        () -> CsvReader.classification("species").classes(d.classNames()).read(unknown));
    assertTrue(e.getMessage().contains("line 3, column 1: label 'rose' is not one of the classes [setosa, "
        + "versicolor, virginica]"), e.getMessage());
  }

  @Test
  void columnsByNameInAnyOrderAndRegressionTargets() throws IOException {
    Path file = csv("id,area,rooms,price,year\n1,70.5,3,250000,1990\n2,120,5,480000.5,2005\n");
    Dataset d = CsvReader.regression("price").features("rooms", "area").read(file);
    assertEquals(2, d.width());
    assertArrayEquals(new float[] {3, 70.5f, 5, 120}, d.features());
    assertArrayEquals(new float[] {250000, 480000.5f}, d.targets());
    assertEquals(1, d.targetWidth());
    Dataset two = CsvReader.regression("price", "year").features("area").read(file);
    assertArrayEquals(new float[] {250000, 1990, 480000.5f, 2005}, two.targets());
    Dataset byIndex = CsvReader.regression(-2).features(1, 2).read(file);
    assertArrayEquals(d.targets(), byIndex.targets());
    assertArrayEquals(new float[] {70.5f, 3, 120, 5}, byIndex.features());
    DatasetException e = assertThrows(DatasetException.class, () -> CsvReader.regression("prize").read(file));
    assertTrue(e.getMessage().contains("no column 'prize'; its columns are [id, area, rooms, price, year]"),
        e.getMessage());
  }

  @Test
  void quotedFieldsHoldDelimitersQuotesAndLineBreaks() throws IOException {
    Path file = csv("\"width, cm\",\"say \"\"hi\"\"\",label\n"
        + "\"1.5\",2,\"a, b\"\n"
        + "3,\"4\",\"two\nlines\"\n"
        + "5,6,\"say \"\"hi\"\"\"\n");
    Dataset d = CsvReader.classification(-1).read(file);
    assertArrayEquals(new float[] {1.5f, 2, 3, 4, 5, 6}, d.features());
    assertEquals(List.of("a, b", "say \"hi\"", "two\nlines"), d.classNames());
    assertArrayEquals(new int[] {0, 2, 1}, d.labels());
    Dataset named = CsvReader.classification("label").features("say \"hi\"").read(file);
    assertArrayEquals(new float[] {2, 4, 6}, named.features());
    Path open = csv("a,b,label\n1,2,\"never closed\n3,4,x\n");
    DatasetException e = assertThrows(DatasetException.class, () -> CsvReader.classification(-1).read(open));
    assertTrue(e.getMessage().contains("line 2: a quoted field is never closed"), e.getMessage());
  }

  @Test
  void errorsNameTheLineOfTheRecordAndTheColumn() throws IOException {
    Path file = csv("a,b,label\n1,2,x\n\"multi\nline\",3,y\n4,oops,z\n");
    DatasetException e = assertThrows(DatasetException.class, () -> CsvReader.classification("label").read(file));
    assertTrue(e.getMessage().contains("line 3: not a number in column 1: 'multi\nline'"), e.getMessage());
    Path ragged = csv("a,b,label\n1,2,x\n1,2\n");
    e = assertThrows(DatasetException.class, () -> CsvReader.classification("label").read(ragged));
    assertTrue(e.getMessage().contains("line 3 has 2 columns, but the file's first line has 3"), e.getMessage());
    Path twice = csv("a,a,label\n1,2,x\n");
    e = assertThrows(DatasetException.class, () -> CsvReader.classification("label").features("a").read(twice));
    assertTrue(e.getMessage().contains("names two columns 'a'"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> CsvReader.classification("label").header(false).read(file));
    assertThrows(IllegalArgumentException.class, () -> CsvReader.regression("y").classes(List.of("a")));
    Path negative = csv("1,2,-1\n");
    e = assertThrows(DatasetException.class, () -> CsvReader.classification(-1).read(negative));
    assertTrue(e.getMessage().contains("label -1 is not a class index"), e.getMessage());
  }

  @Test
  void integerLabelsWithoutAHeaderAndOtherDelimiters() throws IOException {
    Dataset d = CsvReader.classification(0).read(csv("2,0.5,1\n0,1,1\n"));
    assertArrayEquals(new int[] {2, 0}, d.labels());
    assertEquals(3, d.classes(), "integer labels: classes 0 .. max");
    assertEquals(List.of(), d.classNames());
    Dataset semicolons = CsvReader.regression("y").delimiter(';').read(csv("x;y\n\"1,5\";2\n".replace("\"1,5\"",
        "1.5")));
    assertArrayEquals(new float[] {1.5f}, semicolons.features());
    assertArrayEquals(new float[] {2}, semicolons.targets());
    Dataset headerless = CsvReader.regression(1).header(false).read(csv("1,2\n3,4\n"));
    assertEquals(2, headerless.size());
  }
}
