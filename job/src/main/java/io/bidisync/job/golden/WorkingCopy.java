package io.bidisync.job.golden;

import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The state of the golden record whose key is being handled, as plain fields: loaded from the keyed
 * state before a change or a timer, stored back after. {@link GoldenEntity} decides on it.
 */
final class WorkingCopy {
    private final int attributes;

    String key;
    final Map<String, Link> links = new TreeMap<>();
    final Targets targets;
    GoldenStatus status;
    LoopGuard loopGuard;
    Long keptUntil;
    Long published;

    WorkingCopy(int attributes, long insertTimeoutMillis) {
        this.attributes = attributes;
        this.targets = new Targets(insertTimeoutMillis);
    }

    /** Makes this the working copy of golden record {@code key}'s state ({@code null}: none). */
    void load(String key, GoldenState state) {
        this.key = key;
        clear();
        if (state == null) {
            return;
        }
        GoldenState s = state.widened(attributes);
        for (Link link : s.links()) {
            links.put(link.system() + '/' + link.localId(), link);
        }
        targets.load(s.targetSystems(), s.targets());
        status = s.status();
        loopGuard = s.loopGuard();
        keptUntil = s.keptUntil();
        published = s.published();
    }

    /** Forgets everything: the record has ended. */
    void clear() {
        links.clear();
        targets.clear();
        status = null;
        loopGuard = null;
        keptUntil = null;
        published = null;
    }

    /** The state to keep; {@code null} when the record has ended. */
    GoldenState state() {
        if (links.isEmpty()
                && targets.isEmpty()
                && status == null
                && loopGuard == null
                && keptUntil == null
                && published == null) {
            return null;
        }
        return new GoldenState(
                links.values().toArray(new Link[0]),
                targets.systems(),
                targets.states(),
                status,
                keptUntil,
                loopGuard,
                published);
    }

    /** Whether the record has changes waiting for completeness. */
    boolean waiting() {
        return status != null && status.waiting();
    }

    /** The event times at which the record must be looked at again. */
    SortedSet<Long> timers(long delayMillis, long maxWaitMillis) {
        SortedSet<Long> out = new TreeSet<>();
        if (waiting()) {
            out.add(status.due(delayMillis, maxWaitMillis));
        }
        targets.addTimers(out);
        if (loopGuard != null && loopGuard.frozenUntil() != TargetState.NONE) {
            out.add(loopGuard.frozenUntil());
        }
        if (keptUntil != null) {
            out.add(keptUntil);
        }
        return out;
    }
}
