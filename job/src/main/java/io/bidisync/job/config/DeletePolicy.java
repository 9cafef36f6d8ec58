package io.bidisync.job.config;

/** What happens elsewhere when a record is deleted in a system. */
public enum DeletePolicy {
    /** Unlink the record and keep the golden record; never re-insert it into that system. */
    IGNORE,
    /** Also delete the linked rows in the other systems, each conditional on its version. */
    PROPAGATE
}
