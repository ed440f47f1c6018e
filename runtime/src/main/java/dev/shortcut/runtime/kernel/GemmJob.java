package dev.shortcut.runtime.kernel;

/** A product split by rows of C; its fields are set per call, so no job object is allocated. */
final class GemmJob implements Workers.Job {
  final FloatProvider provider;
  boolean dot;
  int m;
  int n;
  int k;
  float[] a;
  int aOff;
  int aRow;
  int aCol;
  float[] b;
  int bOff;
  float[] c;
  int cOff;
  boolean accumulate;

  GemmJob(FloatProvider provider) {
    this.provider = provider;
  }

  void set(boolean dot, int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff,
      float[] c, int cOff, boolean accumulate) {
    this.dot = dot;
    this.m = m;
    this.n = n;
    this.k = k;
    this.a = a;
    this.aOff = aOff;
    this.aRow = aRow;
    this.aCol = aCol;
    this.b = b;
    this.bOff = bOff;
    this.c = c;
    this.cOff = cOff;
    this.accumulate = accumulate;
  }

  void clear() {
    a = null;
    b = null;
    c = null;
  }

  @Override
  public void run(int part, int parts) {
    // Row ranges aligned to the 4-row tile, so a split never changes how a row is computed.
    int tiles = (m + 3) / 4;
    int start = Math.min(m, 4 * (int) ((long) tiles * part / parts));
    int end = Math.min(m, 4 * (int) ((long) tiles * (part + 1) / parts));
    if (start < end && dot) {
      provider.dotRows(start, end, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    } else if (start < end) {
      provider.gemm(start, end, n, k, a, aOff, aRow, aCol, b, bOff, c, cOff, accumulate);
    }
  }
}
