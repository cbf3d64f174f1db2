package dev.modelserving.beam.pipeline.record;

/** The parser's package-private checks, for tests in other packages. */
public final class RecordParserAccess {
  private RecordParserAccess() {}

  public static boolean isNonFinite(Object value) {
    return RecordParser.isNonFinite(value);
  }
}
