package io.bidisync.job.identity;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What the identity stage remembers about one source record.
 *
 * @param matchKey the golden record the record is linked to
 * @param version the last version seen, {@code null} without a version column
 * @param values the last values seen, in attribute order (also what tells a repeated delivery)
 * @param changedAt per attribute, the commit time at which the record's value last changed (0 for
 *     snapshot values): the age its values carry into another golden record when the match key
 *     changes
 */
@TypeInfo(RecordIdentitySerializer.Factory.class)
public record RecordIdentity(String matchKey, Long version, String[] values, long[] changedAt) {}
