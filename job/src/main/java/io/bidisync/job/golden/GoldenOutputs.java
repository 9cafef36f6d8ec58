package io.bidisync.job.golden;

/** What a golden record's decisions ({@link GoldenEntity}) produce besides its state. */
interface GoldenOutputs {
    /** A write to make. */
    void write(WriteIntent intent);

    /** An entry of the write audit (asked only when auditing). */
    void audit(
            long time,
            String system,
            String row,
            String action,
            Long version,
            String reason,
            String detail);

    /** The golden record as published (golden output), or its end. */
    void golden(GoldenRecord record);

    /** A dead letter about the record (loop breaker, an insert given up). */
    void deadLetter(String systems, String operation, String reason, String payload);

    /** The job's own write came back. */
    void echo();

    /** A change arrived behind the watermark. */
    void late();

    /** The loop breaker froze the record. */
    void frozen();

    /** The record was resolved after the completeness gate. */
    void emitted();
}
