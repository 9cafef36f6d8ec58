package io.bidisync.job.golden;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.udfs.hash.ValueHash;
import io.bidisync.udfs.mapping.PrimaryKey;
import io.bidisync.udfs.normalize.ValueComparison;
import io.bidisync.udfs.survivorship.Contribution;
import io.bidisync.udfs.survivorship.Survivorship;
import io.bidisync.udfs.types.StoredType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the golden stage's decisions follow, taken once from the configuration: survivorship, the
 * comparison of values, each system's mapped attributes and permissions, the completeness gate, the
 * insert timeouts and the loop breaker.
 */
final class GoldenRules {
    private final SyncConfig config;
    private final boolean publishing;
    private final Survivorship survivorship;
    private final ValueComparison comparison;
    private final Map<String, boolean[]> masks = new HashMap<>();
    private final Map<String, boolean[]> updateMasks = new HashMap<>();

    /** Per system with lossy mappings: per attribute, what its column stores (else null). */
    private final Map<String, StoredType[]> stored = new HashMap<>();

    /**
     * @param publishing whether golden records are published (golden output)
     */
    GoldenRules(SyncConfig config, boolean publishing) {
        this.config = config;
        this.publishing = publishing;
        this.survivorship = config.survivorship();
        this.comparison = config.comparison();
        for (SystemConfig system : config.systems().values()) {
            boolean[] mask = system.mapping(config.attributes()).mask();
            masks.put(system.name(), mask);
            boolean[] updatable = mask.clone();
            PrimaryKey key = system.key(config.attributes());
            for (int part = 0; part < key.size(); part++) {
                if (key.attributeOf(part) >= 0) {
                    updatable[key.attributeOf(part)] = false;
                }
            }
            updateMasks.put(system.name(), updatable);
            if (!system.lossy().isEmpty()) {
                stored.put(system.name(), system.storedTypes(config.attributes()));
            }
        }
    }

    /**
     * What recognises the job's own write when it comes back: the values the target's mapping
     * covers, as the target stores them, compared as the comparison rules compare them.
     */
    long fingerprint(String system, String[] values, boolean[] mask) {
        return ValueHash.of(comparison.canonical(asStored(system, values), mask));
    }

    /** Whether two rows' values are the same for the system, as it stores them. */
    boolean same(String system, String[] a, String[] b, boolean[] mask) {
        return comparison.sameAll(asStored(system, a), asStored(system, b), mask);
    }

    /** The values as the system's columns store them: lossy mappings narrowed. */
    String[] asStored(String system, String[] values) {
        StoredType[] columns = stored.get(system);
        if (columns == null) {
            return values;
        }
        String[] out = values.clone();
        for (int i = 0; i < out.length && i < columns.length; i++) {
            if (columns[i] != null) {
                out[i] = columns[i].narrow(config.attributes().type(i), out[i]);
            }
        }
        return out;
    }

    /**
     * The golden record of these links, by survivorship. A value of a lossy mapping takes part only
     * where it is not what the golden record's value becomes in that column: otherwise it is the
     * job's own write (or an old copy) cut by the column, and would beat the full value it came
     * from wherever it ties.
     */
    Survivorship.Golden resolve(Collection<Link> links) {
        if (stored.isEmpty()) {
            return survivorship.resolveGolden(contributions(links, null));
        }
        Survivorship.Golden without = survivorship.resolveGolden(contributions(links, noLossy()));
        return survivorship.resolveGolden(contributions(links, changedFrom(without.values())));
    }

    /** Which value of a link takes part in survivorship. */
    @FunctionalInterface
    private interface TakesPart {
        boolean test(StoredType column, int attribute, String value);
    }

    private static TakesPart noLossy() {
        return (column, attribute, value) -> false;
    }

    /** A lossy value takes part where it is not {@code golden}'s value as its column stores it. */
    private TakesPart changedFrom(String[] golden) {
        return (column, i, value) ->
                !comparison.same(i, value, column.narrow(config.attributes().type(i), golden[i]));
    }

    /** The links as contributions; a lossy value only where {@code takesPart} says so. */
    private List<Contribution> contributions(Collection<Link> links, TakesPart takesPart) {
        List<Contribution> contributions = new ArrayList<>(links.size());
        for (Link link : links) {
            String[] values = link.values();
            StoredType[] columns = stored.get(link.system());
            if (takesPart != null && columns != null) {
                values = values.clone();
                for (int i = 0; i < values.length && i < columns.length; i++) {
                    if (columns[i] != null
                            && values[i] != null
                            && !takesPart.test(columns[i], i, values[i])) {
                        values[i] = null;
                    }
                }
            }
            contributions.add(
                    new Contribution(link.system(), link.localId(), values, link.changedAt()));
        }
        return contributions;
    }

    Survivorship survivorship() {
        return survivorship;
    }

    ValueComparison comparison() {
        return comparison;
    }

    /** Which attributes the system maps. */
    boolean[] mask(String system) {
        return masks.get(system);
    }

    /**
     * Which attributes an UPDATE of the system's rows can change: the mapped ones but those its
     * primary-key columns carry (a row's key is its identity; it is set by the INSERT only).
     */
    boolean[] updateMask(String system) {
        return updateMasks.get(system);
    }

    Collection<SystemConfig> systems() {
        return config.systems().values();
    }

    SystemConfig system(String name) {
        return config.system(name);
    }

    int attributes() {
        return config.attributes().size();
    }

    String attributeName(int index) {
        return config.attributes().name(index);
    }

    boolean publishing() {
        return publishing;
    }

    boolean auditing() {
        return config.audit() != null;
    }

    long delayMillis() {
        return config.completeness().delay().toMillis();
    }

    long maxWaitMillis() {
        return config.completeness().maxWait().toMillis();
    }

    long insertTimeoutMillis() {
        return config.writer().insertTimeout().toMillis();
    }

    int insertAttempts() {
        return config.writer().insertAttempts();
    }

    int maxLoopWrites() {
        return config.loopBreaker().maxWrites();
    }

    Duration loopWindow() {
        return config.loopBreaker().window();
    }

    long loopWindowMillis() {
        return config.loopBreaker().window().toMillis();
    }

    Duration freeze() {
        return config.loopBreaker().freeze();
    }

    long freezeMillis() {
        return config.loopBreaker().freeze().toMillis();
    }
}
