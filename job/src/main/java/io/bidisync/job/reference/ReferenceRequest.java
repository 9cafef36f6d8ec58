package io.bidisync.job.reference;

/**
 * A record's reference, to be resolved: record {@code referrer} holds, in attribute {@code
 * attribute}, the primary key of row {@code referenced} of its own system.
 *
 * @param referenced the referenced row's key in the identity stage of its entity type ({@code
 *     system/localId})
 * @param referrer the referring record's key in its identity stage ({@code system/localId})
 * @param attribute the reference attribute's index
 */
public record ReferenceRequest(String referenced, String referrer, int attribute) {}
