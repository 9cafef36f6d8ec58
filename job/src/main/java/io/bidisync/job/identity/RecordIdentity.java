package io.bidisync.job.identity;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What the identity stage remembers about one source record.
 *
 * @param matchKey the golden record the record is linked to
 * @param version the last version seen, {@code null} without a version column
 * @param values the last values seen, in attribute order (also what tells a repeated delivery)
 * @param changedAt per attribute, the commit time at which the record's value last changed, 0 for a
 *     value older than the job, or {@link #UNDATED} for a value a snapshot read that no change from
 *     the log has dated yet: the age its values carry into another golden record when the match key
 *     changes
 * @param readAt when a snapshot last read values of the record (0 if none did)
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

    /**
     * The age of a value a snapshot read, until the first change from the log tells whether the
     * snapshot held that change already. Counts as 0 (older than the job) everywhere else.
     */
    static final long UNDATED = -1;

    /** Per attribute, the age survivorship compares: an undated value counts as 0. */
    long[] ages() {
        long[] ages = changedAt;
        for (int i = 0; i < ages.length; i++) {
            if (ages[i] == UNDATED) {
                if (ages == changedAt) {
                    ages = changedAt.clone();
                }
                ages[i] = 0;
            }
        }
        return ages;
    }

    /** Whether only a snapshot has shown the record: none of its values is dated yet. */
    boolean readBySnapshotOnly() {
        for (long t : changedAt) {
            if (t != UNDATED) {
                return false;
            }
        }
        return changedAt.length > 0;
    }
}
