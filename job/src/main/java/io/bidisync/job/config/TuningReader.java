package io.bidisync.job.config;

import java.time.Duration;
import java.util.Set;

/**
 * Reads the sections that tune how the job runs, each optional with a default for every key: {@code
 * completeness}, {@code writer}, {@code loop-breaker} and {@code safety}.
 */
final class TuningReader {
    static final Set<String> COMPLETENESS_KEYS =
            Set.of("delay", "max-wait", "heartbeat-interval", "heartbeat-table");
    static final Set<String> WRITER_KEYS =
            Set.of(
                    "batch-size",
                    "flush-interval",
                    "max-retries",
                    "retry-backoff",
                    "max-backoff",
                    "outage-timeout",
                    "writes-table",
                    "insert-timeout",
                    "insert-attempts");
    static final Set<String> LOOP_BREAKER_KEYS = Set.of("max-writes", "window", "freeze");
    static final Set<String> SAFETY_KEYS = Set.of("max-writes-per-system", "window");

    private TuningReader() {}

    /** {@code completeness}; its defaults when the section is absent. */
    static SyncConfig.Completeness completeness(YamlNode file) {
        YamlNode node = file.map("completeness", false);
        Duration delay = Duration.ofSeconds(1);
        Duration maxWait = null;
        Duration heartbeat = Duration.ofMillis(500);
        String table = "bidisync_heartbeat";
        if (node != null) {
            node.rejectUnknownKeys(COMPLETENESS_KEYS);
            delay = node.duration("delay", delay);
            maxWait = node.duration("max-wait", null);
            heartbeat = node.duration("heartbeat-interval", heartbeat);
            String t = node.identifier("heartbeat-table", false);
            table = t == null ? table : t;
            if (heartbeat.isZero()) {
                node.problem("heartbeat-interval", "must be greater than 0");
            }
        }
        if (maxWait == null) {
            // Long enough that a steady trickle of changes does not emit every record early.
            maxWait =
                    delay.multipliedBy(10).compareTo(Duration.ofSeconds(10)) > 0
                            ? delay.multipliedBy(10)
                            : Duration.ofSeconds(10);
        } else if (maxWait.compareTo(delay) < 0) {
            file.problem(
                    "completeness.max-wait",
                    "must not be shorter than completeness.delay (" + delay + ")");
        }
        return new SyncConfig.Completeness(delay, maxWait, heartbeat, table);
    }

    /** {@code writer}; its defaults when the section is absent. */
    static SyncConfig.Writer writer(YamlNode file) {
        YamlNode node = file.map("writer", false);
        int batchSize = 500;
        Duration flushInterval = Duration.ofMillis(200);
        int maxRetries = 3;
        Duration backoff = Duration.ofMillis(500);
        Duration maxBackoff = Duration.ofSeconds(10);
        Duration outageTimeout = Duration.ofMinutes(5);
        Duration insertTimeout = Duration.ofMinutes(5);
        int insertAttempts = 4;
        String writesTable = "bidisync_writes";
        if (node != null) {
            node.rejectUnknownKeys(WRITER_KEYS);
            batchSize = node.wholeNumber("batch-size", batchSize, 1);
            flushInterval = node.duration("flush-interval", flushInterval);
            maxRetries = node.wholeNumber("max-retries", maxRetries, 0);
            backoff = node.duration("retry-backoff", backoff);
            maxBackoff = node.duration("max-backoff", maxBackoff);
            outageTimeout = node.duration("outage-timeout", outageTimeout);
            insertTimeout = node.duration("insert-timeout", insertTimeout);
            insertAttempts = node.wholeNumber("insert-attempts", insertAttempts, 1);
            String t = node.identifier("writes-table", false);
            writesTable = t == null ? writesTable : t;
        }
        return new SyncConfig.Writer(
                batchSize,
                flushInterval,
                maxRetries,
                backoff,
                maxBackoff,
                outageTimeout,
                writesTable,
                insertTimeout,
                insertAttempts);
    }

    /** {@code loop-breaker}; its defaults when the section is absent. */
    static SyncConfig.LoopBreaker loopBreaker(YamlNode file) {
        YamlNode node = file.map("loop-breaker", false);
        int maxWrites = 20;
        Duration window = Duration.ofMinutes(1);
        Duration freeze = Duration.ofHours(1);
        if (node != null) {
            node.rejectUnknownKeys(LOOP_BREAKER_KEYS);
            maxWrites = node.wholeNumber("max-writes", maxWrites, 1);
            window = node.duration("window", window);
            freeze = node.duration("freeze", freeze);
        }
        return new SyncConfig.LoopBreaker(maxWrites, window, freeze);
    }

    /**
     * {@code safety: { max-writes-per-system: 5% | 500, window: 10m }}; null (the breaker is off)
     * when the section is absent.
     */
    static SyncConfig.Safety safety(YamlNode file) {
        YamlNode node = file.map("safety", false);
        if (node == null) {
            return null;
        }
        node.rejectUnknownKeys(SAFETY_KEYS);
        Duration window = node.duration("window", Duration.ofMinutes(10));
        YamlNode.ShareOrCount limit = node.shareOrCount("max-writes-per-system", "the rows");
        return limit == null ? null : new SyncConfig.Safety(limit.percent(), limit.count(), window);
    }
}
