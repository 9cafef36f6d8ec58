package io.bidisync.job.golden;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.udfs.hash.ValueHash;
import io.bidisync.udfs.mapping.PrimaryKey;
import io.bidisync.udfs.normalize.ValueComparison;
import io.bidisync.udfs.survivorship.Contribution;
import io.bidisync.udfs.survivorship.Survivorship;

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
        }
    }

    /**
     * What recognises the job's own write when it comes back: the values the target's mapping
     * covers, compared as the comparison rules compare them.
     */
    long fingerprint(String[] values, boolean[] mask) {
        return ValueHash.of(comparison.canonical(values, mask));
    }

    /** The golden record of these links, by survivorship. */
    Survivorship.Golden resolve(Collection<Link> links) {
        List<Contribution> contributions = new ArrayList<>(links.size());
        for (Link link : links) {
            contributions.add(
                    new Contribution(
                            link.system(), link.localId(), link.values(), link.changedAt()));
        }
        return survivorship.resolveGolden(contributions);
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
