package io.bidisync.job.testutil;

import io.bidisync.embedded.CustomerTables.Row;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.config.WriteOperation;
import io.bidisync.udfs.normalize.ValueComparison;
import io.bidisync.udfs.survivorship.Contribution;
import io.bidisync.udfs.survivorship.Rule;
import io.bidisync.udfs.survivorship.Survivorship;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Inspects the real databases after a run — final rows and the audit trail of every row change —
 * and reports, per system, whether the job kept its promises. It knows nothing of the job's state:
 * everything is judged from what the databases saw.
 *
 * <ul>
 *   <li><b>duplicates created</b>: job INSERTs of a match key the system already had a row for at
 *       that moment;
 *   <li><b>missing</b>: an insert-enabled system without a row for a key that exists elsewhere,
 *       although it never had a row with that key (so it cannot have left it);
 *   <li><b>unconverged</b>: rows of one key in write-enabled systems whose shared attributes differ
 *       (after each attribute's comparison normaliser);
 *   <li><b>stale</b>: a row of a write-enabled system whose value differs (after the comparison
 *       normaliser) from the key's survivorship result over the final rows of <em>all</em> systems,
 *       read-only ones included — e.g. a change made in a read-only system that never reached the
 *       writable ones, or a value that should have lost. The result is the production {@link
 *       Survivorship} over every final row of the key, each attribute with the time the job gives
 *       it: the commit time of the last change by someone other than the job (0 before the job
 *       started: its snapshot carries no time); a value the job wrote keeps the time of its origin,
 *       taken as the latest change by someone else that set that value before the job's write (the
 *       audit trail does not say which one the job copied; the latest can only make the job's copy
 *       look newer, never older, so a correct run is never flagged);
 *   <li><b>lost updates</b>: a job UPDATE that replaced a value with one that was written before it
 *       (by commit time; only for attributes with rule {@code most-recent}) — the job overwrote a
 *       change it should have kept;
 *   <li><b>resurrected</b>: a job INSERT of a key into a system that deleted it, or moved its row
 *       away, while the key lived on elsewhere.
 * </ul>
 */
public final class InvariantChecker {
    private static final int MAX_DETAILS = 20;

    /** Figures of one system. */
    public record SystemFigures(
            String system,
            int rowsBefore,
            int rowsAfter,
            int keysAfter,
            int keysWithSeveralRowsBefore,
            int keysWithSeveralRowsAfter,
            int jobInserts,
            int jobUpdates,
            int jobDeletes,
            int externalChanges,
            int duplicatesCreated,
            int missing,
            int unconverged,
            int stale,
            int lostUpdates,
            int resurrected) {

        int violations() {
            return duplicatesCreated + missing + unconverged + stale + lostUpdates + resurrected;
        }
    }

    /** What the check found. */
    public record Report(List<SystemFigures> systems, List<String> details) {
        public boolean clean() {
            return systems.stream().allMatch(s -> s.violations() == 0);
        }

        public int total(java.util.function.ToIntFunction<SystemFigures> figure) {
            return systems.stream().mapToInt(figure).sum();
        }

        /** Fails with the printed report if any promise was broken. */
        public Report assertClean() {
            if (!clean()) {
                throw new AssertionError("Invariants violated:\n" + this);
            }
            return this;
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            out.append(
                    String.format(
                            "%-8s %6s %6s %6s %9s %6s %6s %6s %7s %6s %7s %6s %6s %6s %6s%n",
                            "system",
                            "rows<",
                            "rows>",
                            "keys",
                            "multi<,>",
                            "ins",
                            "upd",
                            "del",
                            "ext",
                            "dupl",
                            "missing",
                            "diff",
                            "stale",
                            "lost",
                            "resur"));
            for (SystemFigures f : systems) {
                out.append(
                        String.format(
                                "%-8s %6d %6d %6d %4d,%-4d %6d %6d %6d %7d %6d %7d %6d %6d %6d %6d%n",
                                f.system(),
                                f.rowsBefore(),
                                f.rowsAfter(),
                                f.keysAfter(),
                                f.keysWithSeveralRowsBefore(),
                                f.keysWithSeveralRowsAfter(),
                                f.jobInserts(),
                                f.jobUpdates(),
                                f.jobDeletes(),
                                f.externalChanges(),
                                f.duplicatesCreated(),
                                f.missing(),
                                f.unconverged(),
                                f.stale(),
                                f.lostUpdates(),
                                f.resurrected()));
            }
            out.append(
                    "(rows< before the job, rows> after; multi = keys with several rows; ins/upd/del = the job's writes;"
                            + " ext = changes by others; dupl = duplicates the job created; diff = unconverged keys;"
                            + " stale = rows that differ from the survivorship result over all systems;"
                            + " lost = lost updates; resur = resurrected)\n");
            details.forEach(d -> out.append("  ").append(d).append('\n'));
            return out.toString();
        }
    }

    private final SyncRun run;
    private final SyncConfig config;
    private final ValueComparison comparison;
    private final List<String> details = new ArrayList<>();

    private InvariantChecker(SyncRun run) {
        this.run = run;
        this.config = run.config();
        this.comparison = config.comparison();
    }

    public static Report check(SyncRun run) throws SQLException {
        return new InvariantChecker(run).check();
    }

    private Report check() throws SQLException {
        Map<String, List<Row>> after = new LinkedHashMap<>();
        Map<String, List<AuditEvent>> audits = new LinkedHashMap<>();
        for (String system : run.systemNames()) {
            after.put(system, run.rows(system));
            audits.put(system, run.audit(system));
        }
        Map<String, Integer> duplicates = duplicatesCreated(audits);
        Map<String, Integer> missing = missing(after, audits);
        Map<String, Integer> unconverged = unconverged(after);
        Map<String, Integer> stale = stale(after, audits);
        Map<String, Integer> lost = lostUpdates(audits);
        Map<String, Integer> resurrected = resurrected(audits);

        List<SystemFigures> figures = new ArrayList<>();
        for (String system : run.systemNames()) {
            List<AuditEvent> events = audits.get(system);
            figures.add(
                    new SystemFigures(
                            system,
                            run.rowsBefore(system).size(),
                            after.get(system).size(),
                            byKey(after.get(system)).size(),
                            several(run.rowsBefore(system)),
                            several(after.get(system)),
                            (int) events.stream().filter(e -> e.byJob() && e.isInsert()).count(),
                            (int) events.stream().filter(e -> e.byJob() && e.isUpdate()).count(),
                            (int) events.stream().filter(e -> e.byJob() && e.isDelete()).count(),
                            (int) events.stream().filter(e -> !e.byJob()).count(),
                            duplicates.getOrDefault(system, 0),
                            missing.getOrDefault(system, 0),
                            unconverged.getOrDefault(system, 0),
                            stale.getOrDefault(system, 0),
                            lost.getOrDefault(system, 0),
                            resurrected.getOrDefault(system, 0)));
        }
        return new Report(figures, List.copyOf(details));
    }

    /** A row's normalised match key, as the job computes it from the configuration. */
    private String key(Row row) {
        return key(row.values().toArray(String[]::new));
    }

    /** The match key of values in attribute order; null without values or with a blank part. */
    private String key(String[] values) {
        return values == null ? null : config.matchKey().of(values, config.matchKeyIndexes());
    }

    private Map<String, List<Row>> byKey(List<Row> rows) {
        Map<String, List<Row>> out = new LinkedHashMap<>();
        for (Row row : rows) {
            String key = key(row);
            if (key != null) {
                out.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
            }
        }
        return out;
    }

    private int several(List<Row> rows) {
        return (int) byKey(rows).values().stream().filter(r -> r.size() > 1).count();
    }

    private Map<String, Integer> duplicatesCreated(Map<String, List<AuditEvent>> audits) {
        Map<String, Integer> out = new HashMap<>();
        for (Map.Entry<String, List<AuditEvent>> audit : audits.entrySet()) {
            String system = audit.getKey();
            Map<String, String> keyOfRow = new HashMap<>();
            Map<String, Integer> rowsOfKey = new HashMap<>();
            for (AuditEvent e : audit.getValue()) {
                String key = key(e.after());
                if (e.isInsert()
                        && e.byJob()
                        && key != null
                        && rowsOfKey.getOrDefault(key, 0) > 0) {
                    out.merge(system, 1, Integer::sum);
                    detail(
                            "duplicate: job inserted %s into %s (row %s) while it had a row with that key",
                            key, system, e.pk());
                }
                String previous =
                        e.isDelete() || key == null
                                ? keyOfRow.remove(e.pk())
                                : keyOfRow.put(e.pk(), key);
                if (previous != null) {
                    rowsOfKey.merge(previous, -1, Integer::sum);
                }
                if (!e.isDelete() && key != null) {
                    rowsOfKey.merge(key, 1, Integer::sum);
                }
            }
        }
        return out;
    }

    private Map<String, Integer> missing(
            Map<String, List<Row>> after, Map<String, List<AuditEvent>> audits) {
        Set<String> allKeys = new HashSet<>();
        after.values().forEach(rows -> allKeys.addAll(byKey(rows).keySet()));
        Map<String, Integer> out = new HashMap<>();
        for (String system : run.systemNames()) {
            if (!config.system(system).mayWrite(WriteOperation.INSERT)) {
                continue;
            }
            Set<String> everHad = new HashSet<>();
            for (AuditEvent e : audits.get(system)) {
                everHad.add(key(e.before()));
                everHad.add(key(e.after()));
            }
            Set<String> has = byKey(after.get(system)).keySet();
            for (String key : allKeys) {
                if (!has.contains(key) && !everHad.contains(key)) {
                    out.merge(system, 1, Integer::sum);
                    detail("missing: %s has no row for %s", system, key);
                }
            }
        }
        return out;
    }

    private Map<String, Integer> unconverged(Map<String, List<Row>> after) {
        Map<String, List<Row>> rowsOfKey = new LinkedHashMap<>();
        // By identity: rows of different systems may be equal records.
        Map<Row, String> systemOf = new IdentityHashMap<>();
        for (String system : run.systemNames()) {
            if (!config.system(system).mayWrite(WriteOperation.UPDATE)) {
                continue;
            }
            for (Row row : after.get(system)) {
                if (key(row) != null) {
                    rowsOfKey.computeIfAbsent(key(row), k -> new ArrayList<>()).add(row);
                    systemOf.put(row, system);
                }
            }
        }
        Map<String, Integer> out = new HashMap<>();
        rowsOfKey.forEach(
                (key, rows) -> {
                    Row first = rows.get(0);
                    for (Row row : rows) {
                        SystemConfig a = config.system(systemOf.get(first));
                        SystemConfig b = config.system(systemOf.get(row));
                        for (int i = 0; i < SyncedSystem.ATTRIBUTES.size(); i++) {
                            String attribute = SyncedSystem.ATTRIBUTES.get(i);
                            if (a.columns().containsKey(attribute)
                                    && b.columns().containsKey(attribute)
                                    && !comparison.same(
                                            i, first.values().get(i), row.values().get(i))) {
                                out.merge(systemOf.get(row), 1, Integer::sum);
                                detail(
                                        "unconverged: %s %s %s=%s but %s %s=%s",
                                        key,
                                        systemOf.get(first),
                                        attribute,
                                        first.values().get(i),
                                        systemOf.get(row),
                                        attribute,
                                        row.values().get(i));
                                break;
                            }
                        }
                    }
                });
        return out;
    }

    /**
     * Rows of write-enabled systems that differ from their key's survivorship result over the final
     * rows of every system (read-only ones included).
     */
    private Map<String, Integer> stale(
            Map<String, List<Row>> after, Map<String, List<AuditEvent>> audits) {
        Map<String, TreeSet<Long>> setAt = outsideChangeTimes(audits);
        Map<String, List<Contribution>> contributions = new LinkedHashMap<>();
        // (system, row) pairs: rows of different systems may be equal records.
        Map<String, List<Map.Entry<String, Row>>> writableRows = new LinkedHashMap<>();
        for (String system : run.systemNames()) {
            Map<String, long[]> times = valueTimes(audits.get(system), setAt);
            boolean writable = config.system(system).mayWrite(WriteOperation.UPDATE);
            for (Row row : after.get(system)) {
                String key = key(row);
                if (key == null) {
                    continue;
                }
                long[] changedAt =
                        times.getOrDefault(row.id(), new long[SyncedSystem.ATTRIBUTES.size()]);
                // The checker knows the four attributes of the test tables; a configuration may
                // have more (appended ones), which it leaves unjudged.
                int attributes = config.attributes().size();
                contributions
                        .computeIfAbsent(key, k -> new ArrayList<>())
                        .add(
                                new Contribution(
                                        system,
                                        row.id(),
                                        Arrays.copyOf(
                                                row.values().toArray(String[]::new), attributes),
                                        Arrays.copyOf(changedAt, attributes)));
                if (writable) {
                    writableRows
                            .computeIfAbsent(key, k -> new ArrayList<>())
                            .add(Map.entry(system, row));
                }
            }
        }
        Survivorship survivorship = config.survivorship();
        Map<String, Integer> out = new HashMap<>();
        writableRows.forEach(
                (key, rows) -> {
                    Survivorship.Golden golden = survivorship.resolveGolden(contributions.get(key));
                    for (Map.Entry<String, Row> entry : rows) {
                        String system = entry.getKey();
                        Row row = entry.getValue();
                        SystemConfig s = config.system(system);
                        for (int i = 0; i < SyncedSystem.ATTRIBUTES.size(); i++) {
                            String attribute = SyncedSystem.ATTRIBUTES.get(i);
                            String expected = golden.values()[i];
                            if (s.columns().containsKey(attribute)
                                    && !comparison.same(i, expected, row.values().get(i))) {
                                out.merge(system, 1, Integer::sum);
                                detail(
                                        "stale: %s %s row %s %s='%s', but survivorship over all systems gives '%s' (from %s, changed at %d)",
                                        key,
                                        system,
                                        row.id(),
                                        attribute,
                                        row.values().get(i),
                                        expected,
                                        golden.sources()[i],
                                        golden.changedAt()[i]);
                                break;
                            }
                        }
                    }
                });
        return out;
    }

    /** The event time the job gives a change by someone else: commit ms, 0 in its snapshot. */
    private long eventTime(AuditEvent e) {
        return e.commitMicros() < run.startedMicros() ? 0 : e.commitMicros() / 1000;
    }

    /**
     * Per attribute and value (after the comparison normaliser): the event times of the changes by
     * someone other than the job that set it, in any system.
     */
    private Map<String, TreeSet<Long>> outsideChangeTimes(Map<String, List<AuditEvent>> audits) {
        Map<String, TreeSet<Long>> out = new HashMap<>();
        for (List<AuditEvent> events : audits.values()) {
            for (AuditEvent e : events) {
                if (e.byJob() || e.after() == null) {
                    continue;
                }
                for (int i = 0; i < e.after().length; i++) {
                    String value = comparison.canonical(i, e.after()[i]);
                    if (value != null
                            && (e.before() == null
                                    || !Objects.equals(e.before()[i], e.after()[i]))) {
                        out.computeIfAbsent(i + "=" + value, k -> new TreeSet<>())
                                .add(eventTime(e));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Per row (primary key) of one system, as it is at the end: per attribute, the time the job
     * gives its value (see {@link #stale}). A value is as old as the change that last set it (the
     * job, too, counts a change where the value differs); one the job wrote is as old as its
     * origin.
     */
    private Map<String, long[]> valueTimes(
            List<AuditEvent> events, Map<String, TreeSet<Long>> setAt) {
        Map<String, long[]> out = new HashMap<>();
        for (AuditEvent e : events) {
            if (e.isDelete()) {
                out.remove(e.pk());
                continue;
            }
            long[] times = out.computeIfAbsent(e.pk(), pk -> new long[e.after().length]);
            for (int i = 0; i < e.after().length; i++) {
                if (e.before() != null && Objects.equals(e.before()[i], e.after()[i])) {
                    continue;
                }
                if (!e.byJob()) {
                    times[i] = eventTime(e);
                } else {
                    String value = comparison.canonical(i, e.after()[i]);
                    TreeSet<Long> origins = value == null ? null : setAt.get(i + "=" + value);
                    Long origin = origins == null ? null : origins.floor(e.commitMicros() / 1000);
                    times[i] = origin == null ? 0 : origin;
                }
            }
        }
        return out;
    }

    /**
     * When each (attribute, value) was first written by someone other than the job, in µs. Rows
     * committed before the job started reach it through the snapshot, which carries no time: as the
     * job sees them, they were written at 0.
     */
    private Map<String, Long> origins(Map<String, List<AuditEvent>> audits) {
        Map<String, Long> origin = new HashMap<>();
        for (List<AuditEvent> events : audits.values()) {
            for (AuditEvent e : events) {
                if (e.byJob() || e.after() == null) {
                    continue;
                }
                long time = e.commitMicros() < run.startedMicros() ? 0 : e.commitMicros();
                for (int i = 0; i < e.after().length; i++) {
                    String value = comparison.canonical(i, e.after()[i]);
                    if (value != null) {
                        origin.merge(i + "=" + value, time, Math::min);
                    }
                }
            }
        }
        return origin;
    }

    private Map<String, Integer> lostUpdates(Map<String, List<AuditEvent>> audits) {
        Map<String, Long> origin = origins(audits);
        Map<String, Integer> out = new HashMap<>();
        var survivorship = config.survivorship();
        audits.forEach(
                (system, events) -> {
                    for (AuditEvent e : events) {
                        if (!e.byJob() || !e.isUpdate()) {
                            continue;
                        }
                        for (int i = 0; i < SyncedSystem.ATTRIBUTES.size(); i++) {
                            if (survivorship.rule(i) != Rule.MOST_RECENT
                                    || comparison.same(i, e.before()[i], e.after()[i])) {
                                continue;
                            }
                            Long overwritten =
                                    origin.get(i + "=" + comparison.canonical(i, e.before()[i]));
                            Long written =
                                    origin.get(i + "=" + comparison.canonical(i, e.after()[i]));
                            // Commit times are compared at the job's event-time precision:
                            // milliseconds.
                            if (overwritten != null
                                    && written != null
                                    && written / 1000 < overwritten / 1000) {
                                out.merge(system, 1, Integer::sum);
                                detail(
                                        "lost update: job replaced %s %s of row %s, '%s' (written %d) with older '%s' (written %d)",
                                        system,
                                        SyncedSystem.ATTRIBUTES.get(i),
                                        e.pk(),
                                        e.before()[i],
                                        overwritten / 1000,
                                        e.after()[i],
                                        written / 1000);
                            }
                        }
                    }
                });
        return out;
    }

    private Map<String, Integer> resurrected(Map<String, List<AuditEvent>> audits) {
        List<AuditEvent> all = new ArrayList<>();
        audits.values().forEach(all::addAll);
        all.sort(
                Comparator.comparingLong(AuditEvent::commitMicros)
                        .thenComparingLong(AuditEvent::seq));
        Map<String, Integer> liveRows = new HashMap<>();
        Map<String, Set<String>> left = new HashMap<>();
        Map<String, Integer> out = new HashMap<>();
        for (AuditEvent e : all) {
            String before = key(e.before());
            String after = key(e.after());
            if (e.isInsert()
                    && e.byJob()
                    && after != null
                    && left.getOrDefault(after, Set.of()).contains(e.system())) {
                out.merge(e.system(), 1, Integer::sum);
                detail(
                        "resurrected: job inserted %s into %s, which had deleted it or moved it away",
                        after, e.system());
            }
            if (Objects.equals(before, after)) {
                continue;
            }
            if (before != null) {
                if (!e.byJob()) {
                    left.computeIfAbsent(before, k -> new HashSet<>()).add(e.system());
                }
                if (liveRows.merge(before, -1, Integer::sum) <= 0) {
                    liveRows.remove(before);
                    left.remove(before);
                }
            }
            if (after != null) {
                liveRows.merge(after, 1, Integer::sum);
            }
        }
        return out;
    }

    private void detail(String format, Object... args) {
        if (details.size() < MAX_DETAILS) {
            details.add(String.format(format, args));
        }
    }
}
