package io.bidisync.job.golden;

import java.util.Arrays;

/**
 * One source record linked to a golden record, as the golden stage keeps it.
 *
 * @param system the record's system
 * @param localId its primary key there
 * @param values its mapped values as last seen through CDC (raw, not normalised)
 * @param changedAt per attribute, the commit time at which someone other than the job last changed
 *     the value (0 for snapshot values): what {@code most-recent} survivorship compares
 * @param version its version as last seen through CDC; {@code null} without a version column
 * @param writtenHash fingerprint of the values the job last wrote to it, valid while {@code
 *     writePending}
 * @param writtenAt per attribute, when the values the job last wrote were changed at their source:
 *     the age they have in this row once the write comes back
 * @param writePending whether a job write to this row has not yet come back through CDC
 */
public record Link(
        String system,
        String localId,
        String[] values,
        long[] changedAt,
        Long version,
        long writtenHash,
        long[] writtenAt,
        boolean writePending) {

    /** The link with room for {@code attributes} values (see {@link GoldenState#widened}). */
    Link widened(int attributes) {
        return values.length >= attributes
                ? this
                : new Link(
                        system,
                        localId,
                        Arrays.copyOf(values, attributes),
                        Arrays.copyOf(changedAt, attributes),
                        version,
                        writtenHash,
                        writtenAt,
                        writePending);
    }

    Link withWrite(long hash, long[] valueTimes) {
        return new Link(system, localId, values, changedAt, version, hash, valueTimes, true);
    }
}
