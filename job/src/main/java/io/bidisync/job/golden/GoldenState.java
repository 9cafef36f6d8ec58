package io.bidisync.job.golden;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * Everything the golden stage keeps for one match key, as one state value: read once and written
 * once per event or timer. Separate Flink states (a map of links, a map of targets, four values)
 * cost about twenty RocksDB reads, writes and iterators per event, which limited the stage (see
 * docs/performance.md); an entity has a handful of links, so one value stays small.
 *
 * @param links the linked source records
 * @param targetSystems the systems of {@code targets}, in the same order
 * @param targets pending inserts and left-markers
 * @param status when the golden record is due; {@code null} when idle
 * @param keptUntil when a golden record without links, kept for its left-markers, is cleared;
 *     {@code null} if not kept
 * @param loopGuard the job's writes since the last outside change; {@code null} if none
 * @param published the fingerprint of what was last published (golden output); {@code null} if
 *     nothing was
 */
@TypeInfo(GoldenStateSerializer.Factory.class)
public record GoldenState(
        Link[] links,
        String[] targetSystems,
        TargetState[] targets,
        GoldenStatus status,
        Long keptUntil,
        LoopGuard loopGuard,
        Long published) {

    /**
     * The state with room for {@code attributes} values per link: state written before attributes
     * were appended holds fewer. The new ones are unknown until a row brings them (as old as the
     * job). Times of the job's own writes ({@code writtenAt}, {@code insertedAt}) are only read as
     * far as they reach.
     */
    GoldenState widened(int attributes) {
        Link[] wide = links;
        for (int i = 0; i < links.length; i++) {
            Link link = links[i].widened(attributes);
            if (link != links[i]) {
                if (wide == links) {
                    wide = links.clone();
                }
                wide[i] = link;
            }
        }
        return wide == links
                ? this
                : new GoldenState(
                        wide, targetSystems, targets, status, keptUntil, loopGuard, published);
    }
}
