package io.bidisync.job.golden;

import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.config.WriteOperation;
import io.bidisync.udfs.survivorship.Survivorship;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The writes that bring every system in line with a resolved golden record: conditional UPDATEs of
 * linked rows whose values differ, a guarded INSERT where a system may have the record and has no
 * row, or conditional DELETEs when the record was deleted at its source.
 */
final class WriteDecisions {
    private final GoldenRules rules;

    WriteDecisions(GoldenRules rules) {
        this.rules = rules;
    }

    /** The UPDATEs and INSERTs that bring every system in line with the golden record. */
    List<WriteIntent> writes(
            String key,
            Collection<Link> links,
            Targets targets,
            Survivorship.Golden golden,
            long time) {
        List<WriteIntent> intents = new ArrayList<>();
        for (SystemConfig system : rules.systems()) {
            boolean[] mask = rules.mask(system.name());
            boolean[] updatable = rules.updateMask(system.name());
            String[] desired = project(golden.values(), mask);
            long[] times = golden.changedAt();
            boolean linked = false;
            for (Link link : links) {
                if (!link.system().equals(system.name())) {
                    continue;
                }
                linked = true;
                if (!system.mayWrite(WriteOperation.UPDATE)
                        || rules.same(system.name(), link.values(), desired, updatable)
                        || (link.writePending()
                                && link.writtenHash()
                                        == rules.fingerprint(system.name(), desired, updatable))) {
                    continue;
                }
                intents.add(
                        new WriteIntent(
                                system.name(),
                                WriteIntent.Operation.UPDATE,
                                key,
                                link.localId(),
                                link.version(),
                                link.values(),
                                desired,
                                times,
                                time));
            }
            if (!linked && system.mayWrite(WriteOperation.INSERT)) {
                TargetState target = targets.of(system.name());
                if (!target.left()
                        && !target.insertPending()
                        && !target.refuses(rules.fingerprint(system.name(), desired, mask))) {
                    intents.add(
                            new WriteIntent(
                                    system.name(),
                                    WriteIntent.Operation.INSERT,
                                    key,
                                    null,
                                    null,
                                    new String[0],
                                    desired,
                                    times,
                                    time));
                }
            }
        }
        return intents;
    }

    /** Conditional DELETEs of the remaining rows, where their systems allow deletes. */
    List<WriteIntent> deletes(String key, Collection<Link> remaining, long time) {
        List<WriteIntent> intents = new ArrayList<>();
        for (Link link : remaining) {
            if (rules.system(link.system()).mayWrite(WriteOperation.DELETE)) {
                intents.add(
                        new WriteIntent(
                                link.system(),
                                WriteIntent.Operation.DELETE,
                                key,
                                link.localId(),
                                link.version(),
                                link.values(),
                                new String[0],
                                new long[0],
                                time));
            }
        }
        return intents;
    }

    /** The golden values a system maps; {@code null} for the others. */
    private static String[] project(String[] golden, boolean[] mask) {
        String[] out = new String[golden.length];
        for (int i = 0; i < golden.length; i++) {
            out[i] = mask[i] ? golden[i] : null;
        }
        return out;
    }
}
