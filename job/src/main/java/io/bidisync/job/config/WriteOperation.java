package io.bidisync.job.config;

/** What the job may do to a system's table. */
public enum WriteOperation {
    INSERT,
    UPDATE,
    DELETE
}
