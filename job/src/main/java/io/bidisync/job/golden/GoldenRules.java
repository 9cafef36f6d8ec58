package io.bidisync.job.golden;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.udfs.normalize.ValueComparison;
import io.bidisync.udfs.survivorship.Survivorship;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
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

    /**
     * @param publishing whether golden records are published (golden output)
     */
    GoldenRules(SyncConfig config, boolean publishing) {
        this.config = config;
        this.publishing = publishing;
        this.survivorship = config.survivorship();
        this.comparison = config.comparison();
        for (SystemConfig system : config.systems().values()) {
            masks.put(system.name(), system.mapping(config.attributes()).mask());
        }
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
