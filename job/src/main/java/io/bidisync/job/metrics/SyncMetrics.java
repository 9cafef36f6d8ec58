package io.bidisync.job.metrics;

import org.apache.flink.metrics.MetricGroup;

/**
 * Names of the job's own metrics (docs/operations.md, "Metrics"). They live under the operator's
 * metric group, in a group {@value #GROUP}, per system where they are about one system, so the
 * dashboard shows e.g. {@code bidisync.system.crm.updates} on the writer of {@code crm}.
 */
public final class SyncMetrics {
    public static final String GROUP = "bidisync";

    /** Change records read from a system (parsed, before identity). */
    public static final String RECORDS_IN = "recordsIn";

    /** Records whose match key is null or blank after normalisation: not synced. */
    public static final String RECORDS_WITHOUT_MATCH_KEY = "recordsWithoutMatchKey";

    /** Duplicate deliveries of a version already seen (CDC replay, snapshot→stream overlap). */
    public static final String DUPLICATES_DROPPED = "duplicatesDropped";

    /** Golden records evaluated after the completeness gate opened. */
    public static final String GOLDEN_EMITTED = "goldenRecordsEmitted";

    /** Golden records with a change that waits for the watermark (a gauge). */
    public static final String WAITING_FOR_COMPLETENESS = "recordsWaitingForCompleteness";

    /** Changes that arrived behind the watermark; processed at once. */
    public static final String LATE_RECORDS = "lateRecords";

    /** Golden records frozen by the loop breaker (rewritten without any outside change). */
    public static final String GOLDEN_FROZEN = "goldenRecordsFrozen";

    /** CDC events recognised as the job's own writes coming back. */
    public static final String ECHOES_SUPPRESSED = "echoesSuppressed";

    /** Rows inserted by the job. */
    public static final String INSERTS = "inserts";

    /** Rows updated by the job. */
    public static final String UPDATES = "updates";

    /** Rows deleted by the job (delete policy {@code propagate}). */
    public static final String DELETES = "deletes";

    /** Conditional UPDATE/DELETEs that found a newer version: not applied. */
    public static final String CONFLICTS = "conflicts";

    /** Conditional INSERTs that found a row with the same match key: not applied. */
    public static final String INSERTS_BLOCKED = "insertsBlocked";

    /**
     * Changes and writes whose reference stayed unresolved past its wait (each also a dead letter).
     */
    public static final String UNRESOLVED_REFERENCES = "unresolvedReferences";

    /** Records sent to the dead-letter output. */
    public static final String DEAD_LETTERS = "deadLetters";

    /**
     * How far a system's watermark lags behind the job's clock, in ms (a gauge); -1 until the
     * system's snapshot is read and its log streams.
     */
    public static final String WATERMARK_LAG = "watermarkLagMs";

    /**
     * Writes the mass-change breaker holds back from a system (a gauge): above 0, writing to it is
     * stopped until an operator confirms or raises the limit.
     */
    public static final String WRITES_HELD = "writesHeld";

    private SyncMetrics() {}

    /** The metric group of one system under an operator's group. */
    public static MetricGroup forSystem(MetricGroup operatorGroup, String system) {
        return operatorGroup.addGroup(GROUP).addGroup("system", system);
    }

    /** The job's metric group under an operator's group, for metrics not about one system. */
    public static MetricGroup of(MetricGroup operatorGroup) {
        return operatorGroup.addGroup(GROUP);
    }
}
