package io.bidisync.job.reference;

/**
 * What a referenced row stands for now: the golden record it is linked to.
 *
 * @param referrer the record whose reference this resolves ({@code system/localId})
 * @param attribute the reference attribute's index
 * @param localId the referenced row's primary key in the referrer's system (the raw reference)
 * @param golden the golden record (match key) the row is linked to; {@code null} when the row was
 *     deleted
 * @param eventTime when the row's link last changed (source commit time; 0 for a snapshot row)
 */
public record Resolution(
        String referrer, int attribute, String localId, String golden, long eventTime) {}
