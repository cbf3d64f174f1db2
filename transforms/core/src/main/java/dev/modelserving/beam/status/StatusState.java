package dev.modelserving.beam.status;

import static dev.modelserving.beam.status.StatusEncoding.info;
import static dev.modelserving.beam.status.StatusEncoding.number;
import static dev.modelserving.beam.status.StatusEncoding.string;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.AtomicCoder;

/**
 * What {@link ModelStatus} knows of one data type, in Beam state: its current models with what
 * each did since it became current, the latest change, and the bookkeeping that keeps duplicate
 * and stale changes out.
 *
 * <ul>
 *   <li>A numbered change (broadcast mode: the admitting step numbers them) is taken if its number
 *       is higher than the last one taken.
 *   <li>An unnumbered change (keyed mode: the data type's first shard reports them) is taken unless
 *       it was applied, by its reporter's wall clock, before the last change taken (delivered out of
 *       order), or it leaves the set as it is (the same models, by uuid, in the same roles: a
 *       duplicate).
 *   <li>Stats of a model that is not current are kept aside ({@value #MAX_PENDING} models at most)
 *       until a change makes it current, since a runner may deliver them before the change; stats
 *       of a model that left the set are dropped.
 * </ul>
 */
final class StatusState {
  static final int MAX_PENDING = 16;
  static final int MAX_DEPARTED = 32;

  long reports;
  String policy = "";
  ModelStatusReport.Change lastChange;
  long lastSequence = -1;
  long lastChangedAtMillis = Long.MIN_VALUE;
  /** The current models by uuid, oldest first. */
  final Map<String, Entry> current = new LinkedHashMap<>();
  final Map<String, ModelStats> pending = new LinkedHashMap<>();
  final Set<String> departed = new LinkedHashSet<>();
  /** The periodic report is set up; the input has ended. */
  boolean started;
  boolean ended;

  /** A current model: identity and role, since when it is current, what it did since then. */
  static final class Entry {
    ModelInfo info;
    final long sinceMillis;
    final ModelStats stats;

    Entry(ModelInfo info, long sinceMillis, ModelStats stats) {
      this.info = info;
      this.sinceMillis = sinceMillis;
      this.stats = stats;
    }
  }

  /** Adds a batch's stats to its model: see the class comment. */
  void add(BatchStats batch) {
    Entry entry = current.get(batch.getUuid());
    if (entry != null) {
      entry.stats.add(batch);
      return;
    }
    if (departed.contains(batch.getUuid())) {
      return;
    }
    ModelStats stats = pending.get(batch.getUuid());
    if (stats == null) {
      if (pending.size() >= MAX_PENDING) {
        Iterator<String> oldest = pending.keySet().iterator();
        oldest.next();
        oldest.remove();
      }
      stats = new ModelStats();
      pending.put(batch.getUuid(), stats);
    }
    stats.add(batch);
  }

  /** Applies a change if it is new (see the class comment); true if it was. */
  boolean apply(ModelSetChange change) {
    if (change.getSequence() >= 0) {
      if (change.getSequence() <= lastSequence) {
        return false;
      }
      lastSequence = change.getSequence();
    } else if (change.getChangedAtMillis() < lastChangedAtMillis || leavesSetAsItIs(change)) {
      return false;
    }
    lastChangedAtMillis = Math.max(lastChangedAtMillis, change.getChangedAtMillis());
    Map<String, Entry> next = new LinkedHashMap<>();
    for (ModelInfo m : change.getModels()) {
      Entry was = current.remove(m.getUuid());
      if (was != null) {
        was.info = m.getLoadedAtMillis() > 0 || was.info.getLoadedAtMillis() == 0
            ? m : m.withLoadedAtMillis(was.info.getLoadedAtMillis());
        next.put(m.getUuid(), was);
      } else {
        ModelStats stats = pending.remove(m.getUuid());
        departed.remove(m.getUuid());
        next.put(m.getUuid(), new Entry(m, change.getChangedAtMillis(), stats == null ? new ModelStats() : stats));
      }
    }
    for (String gone : current.keySet()) {
      departed.add(gone);
    }
    while (departed.size() > MAX_DEPARTED) {
      Iterator<String> oldest = departed.iterator();
      oldest.next();
      oldest.remove();
    }
    current.clear();
    current.putAll(next);
    policy = change.getPolicy();
    lastChange = ModelStatusReport.Change.of(change);
    return true;
  }

  private boolean leavesSetAsItIs(ModelSetChange change) {
    if (lastChange == null || change.getModels().size() != current.size()) {
      return false;
    }
    Iterator<Entry> now = current.values().iterator();
    for (ModelInfo m : change.getModels()) {
      if (!m.sameRole(now.next().info)) {
        return false;
      }
    }
    return true;
  }

  /** A report of the current models, numbered as the next one. */
  ModelStatusReport report(String dataType, ModelStatusReport.Trigger trigger, long nowMillis) {
    List<ModelStatusReport.Model> models = new ArrayList<>(current.size());
    for (Entry e : current.values()) {
      models.add(e.stats.report(e.info, e.sinceMillis));
    }
    return new ModelStatusReport(dataType, ++reports, nowMillis, trigger, policy, lastChange, models);
  }

  /** Encodes the state field by field. */
  static final class StateCoder extends AtomicCoder<StatusState> {
    private static final StateCoder INSTANCE = new StateCoder();

    static StateCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(StatusState s, OutputStream out) throws IOException {
      number(s.reports, out);
      string(s.policy, out);
      out.write(s.lastChange == null ? 0 : 1);
      if (s.lastChange != null) {
        out.write(s.lastChange.getKind().ordinal());
        string(s.lastChange.getModelName(), out);
        string(s.lastChange.getModelVersion(), out);
        string(s.lastChange.getModelUuid(), out);
        number(s.lastChange.getAtMillis(), out);
      }
      number(s.lastSequence, out);
      number(s.lastChangedAtMillis, out);
      number(s.current.size(), out);
      for (Entry e : s.current.values()) {
        info(e.info, out);
        number(e.sinceMillis, out);
        e.stats.encode(out);
      }
      number(s.pending.size(), out);
      for (Map.Entry<String, ModelStats> p : s.pending.entrySet()) {
        string(p.getKey(), out);
        p.getValue().encode(out);
      }
      number(s.departed.size(), out);
      for (String uuid : s.departed) {
        string(uuid, out);
      }
      out.write((s.started ? 1 : 0) | (s.ended ? 2 : 0));
    }

    @Override
    public StatusState decode(InputStream in) throws IOException {
      StatusState s = new StatusState();
      s.reports = number(in);
      s.policy = string(in);
      if (in.read() == 1) {
        s.lastChange = new ModelStatusReport.Change(ModelSetChange.Kind.values()[in.read()], string(in), string(in),
            string(in), number(in));
      }
      s.lastSequence = number(in);
      s.lastChangedAtMillis = number(in);
      long n = number(in);
      for (long i = 0; i < n; i++) {
        ModelInfo m = info(in);
        s.current.put(m.getUuid(), new Entry(m, number(in), ModelStats.decode(in)));
      }
      n = number(in);
      for (long i = 0; i < n; i++) {
        s.pending.put(string(in), ModelStats.decode(in));
      }
      n = number(in);
      for (long i = 0; i < n; i++) {
        s.departed.add(string(in));
      }
      int flags = in.read();
      s.started = (flags & 1) != 0;
      s.ended = (flags & 2) != 0;
      return s;
    }

    @Override
    public void verifyDeterministic() {}
  }
}
