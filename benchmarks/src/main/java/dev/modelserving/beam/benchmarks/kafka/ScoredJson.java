package dev.modelserving.beam.benchmarks.kafka;

/**
 * Reads the two fields the benchmarks need from the serving application's scored-record JSON
 * (see {@code ServingJson.scored}) without parsing it all: the record {@code id}, which is the
 * first field, and the model's {@code uuid}, the only field of that name.
 */
public final class ScoredJson {
  private static final String ID = "\"id\":\"";
  private static final String UUID = "\"uuid\":\"";

  private ScoredJson() {}

  /** The record id, or null if the JSON has none. */
  public static String id(String json) {
    return stringAfter(json, ID);
  }

  /** The uuid of the model that scored the record, or null if the JSON has none. */
  public static String uuid(String json) {
    return stringAfter(json, UUID);
  }

  private static String stringAfter(String json, String key) {
    int at = json.indexOf(key);
    if (at < 0) {
      return null;
    }
    int from = at + key.length();
    int to = json.indexOf('"', from);
    return to < 0 ? null : json.substring(from, to);
  }
}
