package io.bidisync.job.golden;

import java.util.Arrays;

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

    /**
     * The write with room for {@code attributes} values: one held in state since before attributes
     * were appended holds fewer (the new ones are not written).
     */
    public WriteIntent widened(int attributes) {
        return new WriteIntent(
                system,
                operation,
                goldenKey,
                localId,
                expectedVersion,
                widen(expectedValues, attributes),
                widen(values, attributes),
                valueTimes.length == 0 || valueTimes.length >= attributes
                        ? valueTimes
                        : Arrays.copyOf(valueTimes, attributes),
                eventTime);
    }

    private static String[] widen(String[] values, int attributes) {
        return values.length == 0 || values.length >= attributes
                ? values
                : Arrays.copyOf(values, attributes);
    }

    /**
     * The row this write is about in its system: its primary key, or for an insert the golden
     * record it inserts (there is no row yet).
     */
    public String targetRow() {
        return operation == Operation.INSERT ? "+" + goldenKey : localId;
    }

    /** The kind of write. */
    public enum Operation {
        INSERT,
        UPDATE,
        DELETE
    }
}
