package io.bidisync.job.deadletter;

/**
 * A record the job could not process or write, with the reason. Nothing is lost silently: every
 * dead letter is counted and reported with enough to find and replay the record.
 *
 * @param time when it was dead-lettered (ms since the epoch, job clock)
 * @param system the system the record came from or was meant for
 * @param key the record's key: primary key or match key, as known at that stage
 * @param operation what was attempted (parse, insert, update, delete, …)
 * @param reason why it failed, for a person to read
 * @param payload the record itself (the change event or the intended row), as text
 */
public record DeadLetter(
        long time, String system, String key, String operation, String reason, String payload) {}
