package io.bidisync.job.identity;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What the identity stage remembers about one source record.
 *
 * @param matchKey the golden record the record is linked to
 * @param version the last version seen, {@code null} without a version column
 * @param values the last values seen, in attribute order (also what tells a repeated delivery)
 * @param changedAt per attribute, the commit time at which the record's value last changed (0 for
 *     values read by a snapshot): the age its values carry into another golden record when the
 *     match key changes
 * @param readAt when a snapshot read the values, as long as no change of the record has come from
 *     the log since; 0 once one has
 */
@TypeInfo(RecordIdentitySerializer.Factory.class)
public record RecordIdentity(
        String matchKey, Long version, String[] values, long[] changedAt, long readAt) {

    /**
     * The identity with room for {@code attributes} values: state written before attributes were
     * appended holds fewer (the new ones unknown, as old as the job).
     */
    RecordIdentity widened(int attributes) {
        if (values == null || values.length >= attributes) {
            return this;
        }
        return new RecordIdentity(
                matchKey,
                version,
                java.util.Arrays.copyOf(values, attributes),
                java.util.Arrays.copyOf(changedAt, attributes),
                readAt);
    }

    /** Whether the values are the ones a snapshot read, with no change from the log since. */
    boolean fromSnapshot() {
        return readAt != 0;
    }
}
