package io.bidisync.job.identity;

/**
 * What the identity stage remembers about one source record.
 *
 * @param matchKey the golden record the record is linked to
 * @param version the last version seen, {@code null} without a version column
 * @param valuesHash fingerprint of the last values seen, to drop repeated deliveries
 * @param values the last values seen, in attribute order
 * @param changedAt per attribute, the commit time at which the record's value last changed (0 for
 *     snapshot values): the age its values carry into another golden record when the match key
 *     changes
 */
public record RecordIdentity(
        String matchKey, Long version, long valuesHash, String[] values, long[] changedAt) {}
