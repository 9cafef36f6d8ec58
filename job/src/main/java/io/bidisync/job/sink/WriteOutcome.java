package io.bidisync.job.sink;

import io.bidisync.job.audit.AuditEntry.Action;
import io.bidisync.job.golden.WriteIntent;

/**
 * A write's outcome, after its transaction committed: the rows it affected, and the row's key.
 *
 * @param rows the statement's update count: 1 applied, 0 not (a conflict or a blocked insert)
 * @param detail the new row's key of an applied insert ({@code null} for a blocked one), the row's
 *     key of an update or delete
 */
record WriteOutcome(WriteIntent intent, int rows, String detail) {
    /** What happened, named as the audit names it. */
    String action() {
        boolean applied = rows > 0;
        return switch (intent.operation()) {
            case INSERT -> applied ? Action.INSERTED : Action.BLOCKED_INSERT;
            case UPDATE -> applied ? Action.UPDATED : Action.CONFLICT;
            case DELETE -> applied ? Action.DELETED : Action.CONFLICT;
        };
    }
}
