package io.bidisync.job.golden;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * What a golden record remembers per system beyond its links there ({@link TargetState}): the
 * insert on its way and how long it may stay unconfirmed, inserts that must not be sent again, and
 * whether a row of the system left the record.
 */
final class Targets {
    /** The watermark once every source has ended. */
    static final long END_OF_INPUT = Long.MAX_VALUE;

    private final long insertTimeoutMillis;
    private final Map<String, TargetState> bySystem = new TreeMap<>();

    Targets(long insertTimeoutMillis) {
        this.insertTimeoutMillis = insertTimeoutMillis;
    }

    void load(String[] systems, TargetState[] targets) {
        bySystem.clear();
        for (int i = 0; i < targets.length; i++) {
            bySystem.put(systems[i], targets[i]);
        }
    }

    String[] systems() {
        return bySystem.keySet().toArray(new String[0]);
    }

    TargetState[] states() {
        return bySystem.values().toArray(new TargetState[0]);
    }

    boolean isEmpty() {
        return bySystem.isEmpty();
    }

    void clear() {
        bySystem.clear();
    }

    TargetState of(String system) {
        TargetState t = bySystem.get(system);
        return t == null ? TargetState.EMPTY : t;
    }

    void put(String system, TargetState t) {
        if (t.isEmpty()) {
            bySystem.remove(system);
        } else {
            bySystem.put(system, t);
        }
    }

    /** Whether an insert is on its way to some system. */
    boolean insertPending() {
        for (TargetState t : bySystem.values()) {
            if (t.insertPending()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a row of some system left the record. */
    boolean anyLeft() {
        for (TargetState t : bySystem.values()) {
            if (t.left()) {
                return true;
            }
        }
        return false;
    }

    /** Adds the moments at which pending inserts time out. */
    void addTimers(SortedSet<Long> timers) {
        for (TargetState t : bySystem.values()) {
            if (timesOut(t)) {
                timers.add(deadline(t));
            }
        }
    }

    /** The systems whose pending insert has timed out at {@code timestamp}. */
    List<String> timedOut(long timestamp) {
        List<String> out = new ArrayList<>();
        bySystem.forEach(
                (system, t) -> {
                    if (timesOut(t) && deadline(t) <= timestamp) {
                        out.add(system);
                    }
                });
        return out;
    }

    /**
     * Whether the pending insert can time out: not while the mass-change breaker holds it, never
     * for one decided at the end of input (bounded sources, as in the plan: nothing can come back,
     * and a retry would be decided at once, again and again).
     */
    private static boolean timesOut(TargetState t) {
        return t.insertPending() && !t.held() && t.pendingInsertAt() != END_OF_INPUT;
    }

    /**
     * When a pending insert is tried again (or given up): the insert timeout after it was sent,
     * doubling with every attempt.
     */
    long deadline(TargetState t) {
        long wait = insertTimeoutMillis << Math.min(Math.max(t.attempts() - 1, 0), 16);
        return t.pendingInsertAt() + wait;
    }
}
