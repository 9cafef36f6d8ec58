package io.bidisync.job.golden;

import io.bidisync.udfs.survivorship.Survivorship;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The golden stage's decisions in words, for the write audit, {@code bidisync explain} and the loop
 * breaker's dead letters. Kept beside the decisions, not inside them.
 */
final class AuditText {
    private final GoldenRules rules;

    AuditText(GoldenRules rules) {
        this.rules = rules;
    }

    /** Per attribute: the golden value, the rule that chose it and the row it comes from. */
    String explain(Survivorship.Golden golden) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < golden.values().length; i++) {
            if (i > 0) {
                out.append("; ");
            }
            out.append(rules.attributeName(i)).append(" = ");
            if (golden.sources()[i] == null) {
                out.append("(none: no system has a value)");
            } else {
                out.append('\'')
                        .append(golden.values()[i])
                        .append("' from ")
                        .append(golden.sources()[i])
                        .append(" by ")
                        .append(rules.survivorship().rule(i).configName());
            }
        }
        return out.toString();
    }

    /** Why a write was decided. */
    String reason(WriteIntent intent) {
        return switch (intent.operation()) {
            case INSERT -> "no row in " + intent.system() + " has this match key";
            case DELETE -> "the golden record was deleted at its source";
            case UPDATE -> {
                List<String> differing = new ArrayList<>();
                boolean[] mask = rules.mask(intent.system());
                for (int i = 0; i < intent.values().length; i++) {
                    if (mask[i]
                            && !rules.comparison()
                                    .same(i, intent.expectedValues()[i], intent.values()[i])) {
                        differing.add(rules.attributeName(i));
                    }
                }
                yield "the row differs from the golden record in " + String.join(", ", differing);
            }
        };
    }

    /** The mapped values as {@code name='value'} pairs. */
    String values(String[] values, boolean[] mask) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < values.length && i < mask.length; i++) {
            if (mask[i]) {
                parts.add(
                        rules.attributeName(i)
                                + "="
                                + (values[i] == null ? "null" : "'" + values[i] + "'"));
            }
        }
        return String.join(", ", parts);
    }

    /** Why an insert that was never confirmed is not sent again. */
    String givenUp(String system, int attempts) {
        return "insert into "
                + system
                + " sent "
                + attempts
                + " times and never confirmed by its change (writer.insert-attempts);"
                + " not sent again until the golden record's values change";
    }

    /** Why the loop breaker froze a golden record. */
    String frozen(LoopGuard guard) {
        return "rewritten "
                + guard.writes()
                + " times within "
                + rules.loopWindow()
                + " without an outside change (targets that keep changing what they are"
                + " given?); frozen for "
                + rules.freeze();
    }

    /**
     * The writes as the loop guard remembers them: when, what and which row, not the values. Every
     * golden record the job writes keeps these in its state until the next outside change.
     */
    String[] history(List<WriteIntent> intents) {
        String[] entries = new String[intents.size()];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = entry(intents.get(i));
        }
        return entries;
    }

    /**
     * The loop breaker's dead letter: the writes {@code guard} remembers, the last ones ({@code
     * tripping}, those that tripped it) with the values they would have written.
     */
    String loopReport(LoopGuard guard, List<WriteIntent> tripping) {
        String[] remembered = guard.history();
        List<String> entries =
                new ArrayList<>(
                        Arrays.asList(remembered)
                                .subList(0, Math.max(0, remembered.length - tripping.size())));
        for (WriteIntent intent : tripping) {
            entries.add(entry(intent) + " " + Arrays.toString(intent.values()));
        }
        return String.join(" | ", entries);
    }

    private static String entry(WriteIntent intent) {
        return intent.eventTime()
                + " "
                + intent.operation()
                + " "
                + intent.system()
                + (intent.localId() == null ? "" : "/" + intent.localId());
    }
}
