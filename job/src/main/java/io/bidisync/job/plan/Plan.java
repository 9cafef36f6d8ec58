package io.bidisync.job.plan;

import io.bidisync.job.deadletter.DeadLetter;
import io.bidisync.job.golden.GoldenRecord;
import io.bidisync.job.golden.WriteIntent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the job would do on the systems' current contents: the golden records and the writes its
 * golden stage decided, none of them made.
 *
 * @param name the sync's name
 * @param attributes the global attribute names, in attribute order
 * @param rows per system (configuration order), the rows its table held when the plan started
 * @param goldenRecords every golden record
 * @param writes the decided writes, in the order they were decided
 * @param blocked the inserts the target's duplicate guard would block, as {@code system/goldenKey}
 * @param deadLetters the records the job could not process
 */
public record Plan(
        String name,
        List<String> attributes,
        Map<String, Long> rows,
        List<GoldenRecord> goldenRecords,
        List<WriteIntent> writes,
        Set<String> blocked,
        List<DeadLetter> deadLetters) {

    /** One system's figures. */
    public record SystemSummary(
            String system,
            long rows,
            long linked,
            long goldenRecords,
            long inserts,
            long updates,
            long deletes,
            long blockedInserts,
            long unmatched,
            long deadLetters) {}

    /**
     * One attribute a write would set: {@code current} is the row's value ({@code null} for an
     * insert).
     */
    public record ValueChange(
            String system,
            String operation,
            String goldenKey,
            String row,
            Long expectedVersion,
            String attribute,
            String current,
            String planned,
            boolean blocked) {}

    public boolean isBlocked(WriteIntent write) {
        return write.operation() == WriteIntent.Operation.INSERT
                && blocked.contains(write.system() + '/' + write.goldenKey());
    }

    /** Per system, in configuration order. */
    public List<SystemSummary> summaries() {
        List<SystemSummary> out = new ArrayList<>();
        for (String system : rows.keySet()) {
            String prefix = system + '/';
            long linked = 0;
            long golden = 0;
            long unmatched = 0;
            for (GoldenRecord g : goldenRecords) {
                long here = Arrays.stream(g.links()).filter(l -> l.startsWith(prefix)).count();
                linked += here;
                golden += here > 0 ? 1 : 0;
                unmatched += here == 1 && g.links().length == 1 ? 1 : 0;
            }
            long inserts = 0;
            long updates = 0;
            long deletes = 0;
            long blockedInserts = 0;
            for (WriteIntent w : writes) {
                if (!w.system().equals(system)) {
                    continue;
                }
                switch (w.operation()) {
                    case INSERT -> {
                        if (isBlocked(w)) {
                            blockedInserts++;
                        } else {
                            inserts++;
                        }
                    }
                    case UPDATE -> updates++;
                    case DELETE -> deletes++;
                }
            }
            long dead = deadLetters.stream().filter(d -> system.equals(d.system())).count();
            out.add(
                    new SystemSummary(
                            system,
                            rows.get(system),
                            linked,
                            golden,
                            inserts,
                            updates,
                            deletes,
                            blockedInserts,
                            unmatched,
                            dead));
        }
        return out;
    }

    /**
     * The golden records that merge more than one row: rows of several systems, or several rows of
     * one system (its internal duplicates).
     */
    public List<GoldenRecord> matchGroups() {
        return goldenRecords.stream().filter(g -> g.links().length > 1).toList();
    }

    /**
     * Every attribute value the writes would set: for an update the values that differ from the
     * row's, for an insert every value, for a delete one entry without attribute.
     */
    public List<ValueChange> valueChanges() {
        List<ValueChange> out = new ArrayList<>();
        for (WriteIntent w : writes) {
            boolean blockedInsert = isBlocked(w);
            if (w.operation() == WriteIntent.Operation.DELETE) {
                out.add(change(w, null, null, null, blockedInsert));
                continue;
            }
            for (int i = 0; i < w.values().length; i++) {
                String current = i < w.expectedValues().length ? w.expectedValues()[i] : null;
                String planned = w.values()[i];
                boolean insert = w.operation() == WriteIntent.Operation.INSERT;
                if ((insert && planned != null) || (!insert && !Objects.equals(current, planned))) {
                    out.add(change(w, attributes.get(i), current, planned, blockedInsert));
                }
            }
        }
        return out;
    }

    private static ValueChange change(
            WriteIntent w, String attribute, String current, String planned, boolean blocked) {
        return new ValueChange(
                w.system(),
                w.operation().name().toLowerCase(),
                w.goldenKey(),
                w.localId(),
                w.expectedVersion(),
                attribute,
                current,
                planned,
                blocked);
    }
}
