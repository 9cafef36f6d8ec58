package io.bidisync.udfs.survivorship;

import java.io.Serializable;
import java.util.Collection;
import java.util.List;

/**
 * Chooses the golden value of every attribute from the contributions of the linked records.
 *
 * <p>The result never depends on the order in which contributions arrived: every comparison ends in
 * a total order. Blank values never win over a value (a non-empty older value beats an empty newer
 * one), but an empty string is still a value: where no system has more, it survives, not null.
 *
 * <ul>
 *   <li>{@link Rule#MOST_RECENT}: latest {@code changedAt}; ties (snapshot values all carry time 0)
 *       fall back to the priority order, then the system name, then the local id.
 *   <li>{@link Rule#PRIORITY}: earliest system in the priority order; systems not listed come after
 *       the listed ones, by name; within one system (pre-existing duplicates) the most recent
 *       value, then the lowest local id.
 * </ul>
 */
public final class Survivorship implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Rule[] rules;
    private final List<String> priority;

    /**
     * @param rules the rule per attribute, in attribute order
     * @param priority system names, most trusted first
     */
    public Survivorship(Rule[] rules, List<String> priority) {
        this.rules = rules.clone();
        this.priority = List.copyOf(priority);
    }

    public Rule rule(int attribute) {
        return rules[attribute];
    }

    /**
     * The golden record: per attribute the winning value, when it was changed (the winning
     * contribution's {@code changedAt}; 0 where no contribution has a value) and where it comes
     * from ({@code system/localId}; {@code null} where no contribution has a value).
     */
    public record Golden(String[] values, long[] changedAt, String[] sources) {}

    /** The golden values, in attribute order; {@code null} where no contribution has a value. */
    public String[] resolve(Collection<Contribution> contributions) {
        return resolveGolden(contributions).values();
    }

    /** The golden values with the time each winning value was changed. */
    public Golden resolveGolden(Collection<Contribution> contributions) {
        String[] golden = new String[rules.length];
        long[] changedAt = new long[rules.length];
        String[] sources = new String[rules.length];
        for (int i = 0; i < rules.length; i++) {
            Contribution best = null;
            Contribution bestBlank = null;
            for (Contribution c : contributions) {
                String value = c.values()[i];
                if (value == null) {
                    continue;
                }
                if (value.isBlank()) {
                    if (bestBlank == null || beats(i, c, bestBlank)) {
                        bestBlank = c;
                    }
                } else if (best == null || beats(i, c, best)) {
                    best = c;
                }
            }
            if (best == null) {
                best = bestBlank;
            }
            golden[i] = best == null ? null : best.values()[i];
            changedAt[i] = best == null ? 0 : best.changedAt()[i];
            sources[i] = best == null ? null : best.system() + '/' + best.localId();
        }
        return new Golden(golden, changedAt, sources);
    }

    private boolean beats(int attribute, Contribution a, Contribution b) {
        int cmp;
        if (rules[attribute] == Rule.MOST_RECENT) {
            cmp = Long.compare(a.changedAt()[attribute], b.changedAt()[attribute]);
            if (cmp == 0) {
                cmp = compareSystems(b.system(), a.system());
            }
        } else {
            cmp = compareSystems(b.system(), a.system());
            if (cmp == 0) {
                cmp = Long.compare(a.changedAt()[attribute], b.changedAt()[attribute]);
            }
        }
        if (cmp == 0) {
            cmp = b.localId().compareTo(a.localId());
        }
        return cmp > 0;
    }

    /** Negative when {@code a} is more trusted than {@code b}. */
    private int compareSystems(String a, String b) {
        int cmp = Integer.compare(rank(a), rank(b));
        return cmp != 0 ? cmp : a.compareTo(b);
    }

    private int rank(String system) {
        int index = priority.indexOf(system);
        return index < 0 ? priority.size() : index;
    }
}
