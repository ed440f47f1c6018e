package dev.shortcut.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {
  @Test
  void medianOfAnOddCountIsTheMiddleValueWhateverTheOrder() {
    Summary s = Summary.of(5, 1, 4, 2, 3);
    assertEquals(3, s.median());
    assertEquals(1, s.min());
    assertEquals(5, s.max());
    assertEquals(List.of(5.0, 1.0, 4.0, 2.0, 3.0), s.values(), "trials stay in the order they were taken");
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
    assertEquals(2.5, Summary.of(4, 1, 3, 2).median());
  }

  @Test
  void quartilesInterpolateBetweenOrderStatisticsAsNumpyDoes() {
    // numpy.percentile([1, 2, 3, 4, 10], [25, 75]) == [2.0, 4.0]; of [1, 2, 3, 4]: [1.75, 3.25].
    Summary five = Summary.of(10, 1, 2, 3, 4);
    assertEquals(2.0, five.q1(), 1e-12);
    assertEquals(4.0, five.q3(), 1e-12);
    Summary four = Summary.of(1, 2, 3, 4);
    assertEquals(1.75, four.q1(), 1e-12);
    assertEquals(3.25, four.q3(), 1e-12);
  }

  @Test
  void oneOutlierLeavesTheMedianAndShowsInTheRange() {
    Summary calm = Summary.of(100, 101, 99, 100, 100);
    Summary disturbed = Summary.of(100, 101, 99, 100, 20);
    assertEquals(calm.median(), disturbed.median());
    assertEquals(20, disturbed.min());
  }

  @Test
  void ratioIsOfMediansAndItsRangePairsTheExtremes() {
    Summary shortcut = Summary.of(300, 310, 290, 305, 295);
    Summary pytorch = Summary.of(100, 90, 110, 105, 95);
    assertEquals(3.0, shortcut.ratioOfMedians(pytorch), 1e-12);
    assertArrayEquals(new double[] {290.0 / 110, 310.0 / 90}, shortcut.ratioRange(pytorch), 1e-12);
  }

  @Test
  void aSingleTrialIsItsOwnSummaryAndNoneIsAnError() {
    Summary one = Summary.of(7);
    assertEquals(7, one.median());
    assertEquals(7, one.q1());
    assertEquals(7, one.q3());
    assertThrows(IllegalArgumentException.class, Summary::of);
  }
}
