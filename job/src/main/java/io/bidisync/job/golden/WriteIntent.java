package io.bidisync.job.golden;

/**
 * A write the golden stage wants done in one system; the writer makes it conditional.
 *
 * @param system the target system
 * @param operation what to do
 * @param goldenKey the golden record's match key (for inserts: the duplicate guard's key)
 * @param localId the target row's primary key; {@code null} for inserts
 * @param expectedVersion the row version last seen through CDC; the write applies only if the row
 *     still has it. {@code null} for inserts and for systems without a version column
 * @param expectedValues the row's mapped values last seen through CDC, in attribute order; used as
 *     the condition for systems without a version column. Empty for inserts
 * @param values the golden values to write, in attribute order ({@code null} where the target does
 *     not map an attribute); empty for deletes
 * @param valueTimes per attribute, when the value to write was changed at its source (the winning
 *     contribution's change time); empty for deletes
 * @param eventTime the watermark time at which the golden record was evaluated
 */
public record WriteIntent(
        String system,
        Operation operation,
        String goldenKey,
        String localId,
        Long expectedVersion,
        String[] expectedValues,
        String[] values,
        long[] valueTimes,
        long eventTime) {

    /** The kind of write. */
    public enum Operation {
        INSERT,
        UPDATE,
        DELETE
    }
}
