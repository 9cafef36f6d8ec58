package io.bidisync.job.audit;

/**
 * One line of the write audit: a decision of the golden stage or the outcome of a write.
 *
 * @param eventTime the watermark or commit time the decision was taken at (ms; {@code
 *     Long.MAX_VALUE} at the end of a plan's input)
 * @param goldenId the golden record's id: its normalised match key
 * @param system the system concerned; {@code null} for the golden record itself
 * @param row the row's primary key in {@code system}; {@code null} for a row not inserted yet
 * @param action what happened: see {@link Action}
 * @param expectedVersion the row version the write was conditional on
 * @param resultingVersion the row version after the write, or the new row's key for an insert
 * @param reason why, for a person to read
 * @param detail values: the contributed values, the golden values with the rule and source that
 *     chose each, or the values written
 */
public record AuditEntry(
        long eventTime,
        String goldenId,
        String system,
        String row,
        String action,
        String expectedVersion,
        String resultingVersion,
        String reason,
        String detail) {

    /** The actions an entry records. */
    public static final class Action {
        /** A row of a system changed (or appeared) with this match key: an outside change. */
        public static final String CONTRIBUTED = "contributed";

        /** A row left the golden record: deleted, or its match key changed. */
        public static final String LEFT = "left";

        /** The job's own write came back through CDC and was recognised as such. */
        public static final String ECHO_SUPPRESSED = "echo-suppressed";

        /** The golden record was resolved: its values and the rule and source of each. */
        public static final String RESOLVED = "resolved";

        /** A write was decided (insert, update, delete). */
        public static final String DECIDED = "decided";

        /** Writes were stopped: the golden record kept being rewritten. */
        public static final String FROZEN = "frozen";

        /** The golden record ended: its last row is gone. */
        public static final String TOMBSTONE = "tombstone";

        /**
         * What became of an insert that did not come back: held by the breaker, rejected by the
         * database, or given up after its attempts.
         */
        public static final String INSERT_OUTCOME = "insert-outcome";

        public static final String INSERTED = "inserted";
        public static final String UPDATED = "updated";
        public static final String DELETED = "deleted";

        /** A conditional update or delete found a newer row than the one it was decided on. */
        public static final String CONFLICT = "conflict";

        /** A guarded insert found a row with the same match key. */
        public static final String BLOCKED_INSERT = "blocked-insert";

        private Action() {}
    }
}
