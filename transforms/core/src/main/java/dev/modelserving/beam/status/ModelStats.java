package dev.modelserving.beam.status;

import static dev.modelserving.beam.status.StatusEncoding.number;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** What one model did since it became current: the sum of its {@link BatchStats}. Mutable. */
final class ModelStats {
  long scored;
  long won;
  long failed;
  long calls;
  long latencyMinMicros;
  long latencyMaxMicros;
  long latencySumMicros;

  void add(BatchStats b) {
    scored += b.getScored();
    won += b.getWon();
    failed += b.getFailed();
    if (b.getCalls() > 0) {
      latencyMinMicros = calls == 0 ? b.getLatencyMinMicros() : Math.min(latencyMinMicros, b.getLatencyMinMicros());
      latencyMaxMicros = calls == 0 ? b.getLatencyMaxMicros() : Math.max(latencyMaxMicros, b.getLatencyMaxMicros());
      latencySumMicros += b.getLatencySumMicros();
      calls += b.getCalls();
    }
  }

  ModelStatusReport.Model report(ModelInfo info, long sinceMillis) {
    return new ModelStatusReport.Model(info, sinceMillis, scored, won, failed, calls, latencyMinMicros,
        latencyMaxMicros, latencySumMicros);
  }

  void encode(OutputStream out) throws IOException {
    number(scored, out);
    number(won, out);
    number(failed, out);
    number(calls, out);
    number(latencyMinMicros, out);
    number(latencyMaxMicros, out);
    number(latencySumMicros, out);
  }

  static ModelStats decode(InputStream in) throws IOException {
    ModelStats s = new ModelStats();
    s.scored = number(in);
    s.won = number(in);
    s.failed = number(in);
    s.calls = number(in);
    s.latencyMinMicros = number(in);
    s.latencyMaxMicros = number(in);
    s.latencySumMicros = number(in);
    return s;
  }
}
