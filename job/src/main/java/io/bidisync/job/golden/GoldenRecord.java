package io.bidisync.job.golden;

/**
 * A golden record as published to the golden output: its best values and the source rows it is made
 * of, or its end.
 *
 * @param id the golden id: the normalised match key
 * @param deleted whether the golden record is gone (its last source row was deleted or now has
 *     another match key); then {@code values} and {@code links} are empty
 * @param values the golden values, in attribute order ({@code null} where no system has one)
 * @param links the source rows, as {@code system/primaryKey}, sorted
 * @param eventTime the commit time of the change that made it so (ms)
 */
public record GoldenRecord(
        String id, boolean deleted, String[] values, String[] links, long eventTime) {

    /** The end of golden record {@code id}. */
    public static GoldenRecord gone(String id, long eventTime) {
        return new GoldenRecord(id, true, new String[0], new String[0], eventTime);
    }
}
