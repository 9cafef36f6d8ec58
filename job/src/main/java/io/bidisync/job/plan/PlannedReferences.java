package io.bidisync.job.plan;

import io.bidisync.job.config.JobConfig;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.golden.GoldenRecord;
import io.bidisync.job.golden.WriteIntent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A plan's references in each system's own keys. The plan's graph leaves them as golden records
 * (nothing is written, so no parent's insert could come back to link it); here each becomes the
 * target's key of a row of the referenced golden record — the smallest, as the job writes — or,
 * where the target has none yet, {@code (new <golden record>)} when the plan inserts the parent
 * there first, else {@code (unresolved <golden record>)}: the job would hold that write.
 */
final class PlannedReferences {
    private PlannedReferences() {}

    /** The plans with every write's references translated; plans are in job order. */
    static List<Plan> translate(JobConfig job, List<Plan> plans) {
        Map<String, Plan> byEntity = new HashMap<>();
        for (int i = 0; i < plans.size(); i++) {
            byEntity.put(job.entities().get(i).entity(), plans.get(i));
        }
        List<Plan> out = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            SyncConfig config = job.entities().get(i);
            Plan plan = plans.get(i);
            if (config.references().isEmpty()) {
                out.add(plan);
                continue;
            }
            Map<Integer, Keys> keys = new HashMap<>();
            for (int a = 0; a < config.attributes().size(); a++) {
                if (config.isReference(a)) {
                    String target = config.references().get(config.attributes().name(a)).entity();
                    keys.put(a, new Keys(byEntity.get(target)));
                }
            }
            List<WriteIntent> writes =
                    plan.writes().stream().map(w -> translated(w, keys)).toList();
            out.add(
                    new Plan(
                            plan.name(),
                            plan.attributes(),
                            plan.rows(),
                            plan.goldenRecords(),
                            writes,
                            plan.blocked(),
                            plan.deadLetters()));
        }
        return out;
    }

    private static WriteIntent translated(WriteIntent write, Map<Integer, Keys> keys) {
        if (write.operation() == WriteIntent.Operation.DELETE) {
            return write;
        }
        String[] values = write.values().clone();
        String[] expected = write.expectedValues().clone();
        keys.forEach(
                (attribute, of) -> {
                    if (attribute < values.length && values[attribute] != null) {
                        values[attribute] = of.in(write.system(), values[attribute]);
                    }
                    if (attribute < expected.length && expected[attribute] != null) {
                        expected[attribute] = of.in(write.system(), expected[attribute]);
                    }
                });
        return new WriteIntent(
                write.system(),
                write.operation(),
                write.goldenKey(),
                write.localId(),
                write.expectedVersion(),
                expected,
                values,
                write.valueTimes(),
                write.eventTime());
    }

    /** The referenced entity type's rows and planned inserts, per golden record. */
    private static final class Keys {
        private final Map<String, String[]> links = new HashMap<>();
        private final Set<String> inserted = new HashSet<>();

        Keys(Plan referenced) {
            for (GoldenRecord g : referenced.goldenRecords()) {
                links.put(g.id(), g.links());
            }
            for (WriteIntent w : referenced.writes()) {
                if (w.operation() == WriteIntent.Operation.INSERT) {
                    inserted.add(w.system() + '/' + w.goldenKey());
                }
            }
        }

        /** Golden record {@code golden} as system {@code system} knows it. */
        String in(String system, String golden) {
            String prefix = system + '/';
            String smallest = null;
            for (String link : links.getOrDefault(golden, new String[0])) {
                if (link.startsWith(prefix)) {
                    String key = link.substring(prefix.length());
                    if (smallest == null || key.compareTo(smallest) < 0) {
                        smallest = key;
                    }
                }
            }
            if (smallest != null) {
                return smallest;
            }
            return (inserted.contains(prefix + golden) ? "(new " : "(unresolved ") + golden + ")";
        }
    }
}
