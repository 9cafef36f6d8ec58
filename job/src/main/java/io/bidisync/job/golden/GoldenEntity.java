package io.bidisync.job.golden;

import io.bidisync.job.audit.AuditEntry.Action;
import io.bidisync.job.config.DeletePolicy;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.config.WriteOperation;
import io.bidisync.job.identity.LinkChange;
import io.bidisync.udfs.hash.ValueHash;
import io.bidisync.udfs.survivorship.Contribution;
import io.bidisync.udfs.survivorship.Survivorship;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The decisions about one golden record, in plain Java: links in, writes out. It holds the working
 * copy of the record's state while a change or a timer of its key is handled; the Flink function
 * ({@link GoldenRecordFunction}) loads it from keyed state, hands it the change or the timer,
 * stores it back and registers the timers it asks for ({@link #timers()}).
 *
 * <p>Changes are applied to the links at once; nothing is decided until the watermark has passed
 * the latest change plus the completeness delay (a timer). Then the record is resolved by
 * survivorship and compared with each system's rows: a linked row whose values differ gets a
 * conditional UPDATE carrying the version last seen; a system that may be written and has no row
 * gets one guarded INSERT, and a pending-insert marker blocks a second one until the inserted row
 * comes back through CDC (retried with doubling waits a bounded number of times, held without a
 * timeout while the mass-change breaker holds it, not sent again once the database rejected it).
 *
 * <p>The job's own writes coming back (the same fingerprint as what was written) are echoes: they
 * refresh the row's version and values but are not observations, so they never outrank a change
 * someone else made and never start another round of writes. A record the job keeps rewriting
 * without any outside change is frozen (the loop breaker).
 *
 * <p>End of life: the state ends when the last link is gone and no insert is pending — after the
 * insert timeout if a system left it (an insert of the job may still come back).
 */
final class GoldenEntity {
    private static final Logger LOG = LoggerFactory.getLogger(GoldenEntity.class);

    /** The watermark once every source has ended. */
    static final long END_OF_INPUT = Long.MAX_VALUE;

    /** What the record's decisions produce besides its state. */
    interface Outputs {
        /** A write to make. */
        void write(WriteIntent intent);

        /** An entry of the write audit (asked only when auditing). */
        void audit(
                long time,
                String system,
                String row,
                String action,
                Long version,
                String reason,
                String detail);

        /** The golden record as published (golden output), or its end. */
        void golden(GoldenRecord record);

        /** A dead letter about the record (loop breaker, an insert given up). */
        void deadLetter(String systems, String operation, String reason, String payload);

        /** The job's own write came back. */
        void echo();

        /** A change arrived behind the watermark. */
        void late();

        /** The loop breaker froze the record. */
        void frozen();

        /** The record was resolved after the completeness gate. */
        void emitted();
    }

    private final GoldenRules rules;
    private final AuditText text;

    private String key;
    private final Map<String, Link> links = new TreeMap<>();
    private final Map<String, TargetState> targets = new TreeMap<>();
    private GoldenStatus status;
    private LoopGuard loopGuard;
    private Long keptUntil;
    private Long published;

    GoldenEntity(GoldenRules rules) {
        this.rules = rules;
        this.text = new AuditText(rules);
    }

    /** Makes this the working copy of golden record {@code key}'s state ({@code null}: none). */
    void load(String key, GoldenState state) {
        this.key = key;
        links.clear();
        targets.clear();
        status = null;
        loopGuard = null;
        keptUntil = null;
        published = null;
        if (state == null) {
            return;
        }
        GoldenState s = state.widened(rules.attributes());
        for (Link link : s.links()) {
            links.put(link.system() + '/' + link.localId(), link);
        }
        for (int i = 0; i < s.targets().length; i++) {
            targets.put(s.targetSystems()[i], s.targets()[i]);
        }
        status = s.status();
        loopGuard = s.loopGuard();
        keptUntil = s.keptUntil();
        published = s.published();
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
                targets.keySet().toArray(new String[0]),
                targets.values().toArray(new TargetState[0]),
                status,
                keptUntil,
                loopGuard,
                published);
    }

    /** Whether the record has changes waiting for completeness. */
    boolean waiting() {
        return status != null && status.waiting();
    }

    /**
     * The event times at which the record must be looked at again: when it is due, when a pending
     * insert times out, when a freeze ends, when a record kept for its left-markers ends.
     */
    SortedSet<Long> timers() {
        SortedSet<Long> out = new TreeSet<>();
        if (waiting()) {
            out.add(status.due(rules.delayMillis(), rules.maxWaitMillis()));
        }
        for (TargetState t : targets.values()) {
            if (t.insertPending() && !t.held() && t.pendingInsertAt() != END_OF_INPUT) {
                out.add(insertDeadline(t));
            }
        }
        if (loopGuard != null && loopGuard.frozenUntil() != TargetState.NONE) {
            out.add(loopGuard.frozenUntil());
        }
        if (keptUntil != null) {
            out.add(keptUntil);
        }
        return out;
    }

    /**
     * Applies a change of the links (or a notice about an insert) at watermark {@code watermark}.
     */
    void apply(LinkChange change, long watermark, Outputs out) {
        if (change.kind() == LinkChange.Kind.INSERT_HELD
                || change.kind() == LinkChange.Kind.INSERT_REJECTED) {
            insertOutcome(change, out);
            return;
        }
        String linkId = change.linkId();
        switch (change.kind()) {
            case UPSERT -> {
                if (upsert(change, linkId, out)) {
                    loopGuard = null;
                }
            }
            case DELETED, MOVED_OUT -> left(change, linkId, out);
            case INSERT_HELD, INSERT_REJECTED -> throw new IllegalStateException();
        }
        if (clearIfEnded(Math.max(change.eventTime(), watermark))) {
            return;
        }
        if (change.eventTime() < watermark) {
            out.late();
        }
        status = statusOrIdle().withChange(change.eventTime());
    }

    /**
     * Looks at the record at event time {@code timestamp}: decides what is due, retries or gives up
     * inserts that timed out, ends a freeze, ends a record kept for its left-markers.
     */
    void fire(long timestamp, long watermark, Outputs out) {
        boolean evaluate = false;
        if (waiting() && timestamp >= status.due(rules.delayMillis(), rules.maxWaitMillis())) {
            evaluate = true;
            status = status.emitted();
        }
        for (Map.Entry<String, TargetState> e : new ArrayList<>(targets.entrySet())) {
            TargetState t = e.getValue();
            if (t.insertPending()
                    && !t.held()
                    && t.pendingInsertAt() != END_OF_INPUT
                    && insertDeadline(t) <= timestamp) {
                if (t.attempts() >= rules.insertAttempts()) {
                    giveUp(e.getKey(), t, timestamp, out);
                } else {
                    LOG.info(
                            "Insert into {} for key {} not confirmed by CDC within {} ms; retrying"
                                    + " if the row is still missing (the insert stays guarded)",
                            e.getKey(),
                            key,
                            insertDeadline(t) - t.pendingInsertAt());
                    putTarget(e.getKey(), t.retrying());
                    evaluate = true;
                }
            }
        }
        if (loopGuard != null
                && loopGuard.frozenUntil() != TargetState.NONE
                && timestamp >= loopGuard.frozenUntil()) {
            loopGuard = null;
            evaluate = true;
        }
        if (evaluate) {
            // The watermark can be far beyond the timer (a snapshot row fires once the log has
            // caught up with its read): stamp pending inserts with the watermark, or their timeout
            // would already have passed.
            decide(Math.max(timestamp, watermark), out);
        }
        clearIfEnded(timestamp);
    }

    private void left(LinkChange change, String linkId, Outputs out) {
        loopGuard = null;
        links.remove(linkId);
        if (rules.auditing()) {
            out.audit(
                    change.eventTime(),
                    change.system(),
                    change.localId(),
                    Action.LEFT,
                    null,
                    change.kind() == LinkChange.Kind.DELETED
                            ? "row deleted"
                            : "its match key changed",
                    null);
        }
        putTarget(change.system(), targetOf(change.system()).asLeft());
        if (change.kind() == LinkChange.Kind.DELETED
                && rules.system(change.system()).deletes() == DeletePolicy.PROPAGATE) {
            status = statusOrIdle().withDeleteRequested(true);
        }
        if (links.isEmpty()) {
            if (rules.publishing() && published != null) {
                published = null;
                out.golden(GoldenRecord.gone(key, change.eventTime()));
            }
            if (rules.auditing()) {
                out.audit(
                        change.eventTime(),
                        null,
                        null,
                        Action.TOMBSTONE,
                        null,
                        "no row has this match key any more",
                        null);
            }
        }
    }

    /**
     * What became of the pending insert into a system, as its writer or the mass-change breaker
     * recorded it in that system's writes table: held (it waits, without timing out, until the
     * breaker lets it go) or rejected by the database (the same values are not sent again; the
     * writer has dead-lettered it). A notice about an insert no longer pending changes nothing.
     */
    private void insertOutcome(LinkChange notice, Outputs out) {
        TargetState t = targetOf(notice.system());
        if (!t.insertPending()) {
            return;
        }
        boolean held = notice.kind() == LinkChange.Kind.INSERT_HELD;
        putTarget(notice.system(), held ? t.asHeld() : t.asRefused());
        if (rules.auditing()) {
            out.audit(
                    notice.eventTime(),
                    notice.system(),
                    null,
                    Action.INSERT_OUTCOME,
                    null,
                    held
                            ? "the insert is held by the mass-change breaker"
                            : "the database rejected the insert (dead letter); its values are not"
                                    + " sent again",
                    null);
        }
    }

    /**
     * Applies a new or changed record; returns whether it is an outside change: one someone other
     * than the job made (the identity stage tells the job's own writes by the writes table), also
     * while the job's write to that row is on its way.
     */
    private boolean upsert(LinkChange change, String linkId, Outputs out) {
        boolean[] mask = rules.mask(change.system());
        Link previous = links.get(linkId);
        long[] changedAt = new long[change.values().length];
        boolean outside;
        boolean echo = false;
        if (previous == null) {
            TargetState target = targetOf(change.system());
            echo =
                    target.insertPending()
                            && target.insertedHash() == fingerprint(change.values(), mask);
            outside = !echo && change.outside();
            if (echo) {
                // Our own insert: its values are the golden record's, as old as at their source.
                out.echo();
                changedAt = withTimes(changedAt, target.insertedAt(), mask);
            } else {
                // A new row, or one whose match key changed: its values are as old as they are
                // in their own system.
                changedAt = change.changedAt().clone();
            }
            if (!target.isEmpty()) {
                // The system has a row of the golden record: nothing to insert or retry there.
                putTarget(change.system(), target.withoutInsert());
            }
        } else if (previous.writePending()
                && previous.writtenHash() == fingerprint(change.values(), mask)) {
            // Our own write: the row now holds values as old as they are at their source.
            out.echo();
            echo = true;
            outside = false;
            changedAt = withTimes(previous.changedAt(), previous.writtenAt(), mask);
        } else if (change.origin() == LinkChange.Origin.RESTATED) {
            // The identity stage could not tell which values changed: it dated them all.
            outside = true;
            changedAt = change.changedAt().clone();
        } else {
            outside = change.outside();
            for (int i = 0; i < changedAt.length; i++) {
                boolean same = rules.comparison().same(i, previous.values()[i], change.values()[i]);
                // A changed value is as old as the identity stage says: the commit time, or for
                // the job's own write (recognised by the writes table, also after a restore that
                // forgot the write was pending) the time at its source.
                changedAt[i] =
                        same
                                ? previous.changedAt()[i]
                                : i < change.changedAt().length
                                        ? change.changedAt()[i]
                                        : change.eventTime();
            }
        }
        links.put(
                linkId,
                new Link(
                        change.system(),
                        change.localId(),
                        change.values(),
                        changedAt,
                        change.version(),
                        0L,
                        new long[0],
                        false));
        if (rules.auditing()) {
            out.audit(
                    change.eventTime(),
                    change.system(),
                    change.localId(),
                    echo ? Action.ECHO_SUPPRESSED : Action.CONTRIBUTED,
                    change.version(),
                    echo
                            ? "the job's own write came back"
                            : previous == null
                                    ? "a row with this match key"
                                    : outside
                                            ? "changed"
                                            : "the job's write, as the target stored it",
                    echo ? null : text.values(change.values(), mask));
        }
        return outside;
    }

    /**
     * Stops sending an insert that was never confirmed, however often it was sent: its values are
     * not sent again (until they change), and a dead letter says so, once.
     */
    private void giveUp(String system, TargetState t, long time, Outputs out) {
        putTarget(system, t.asRefused());
        String reason =
                "insert into "
                        + system
                        + " sent "
                        + t.attempts()
                        + " times and never confirmed by its change (writer.insert-attempts);"
                        + " not sent again until the golden record's values change";
        LOG.warn("Golden record {}: {}", key, reason);
        if (rules.auditing()) {
            out.audit(time, system, null, Action.INSERT_OUTCOME, null, reason, null);
        }
        out.deadLetter(system, "insert", reason, "attempts: " + t.attempts());
    }

    /** Resolves the golden record and emits the writes that bring every system in line with it. */
    private void decide(long time, Outputs out) {
        List<Link> all = new ArrayList<>(links.values());
        if (all.isEmpty()) {
            return;
        }
        out.emitted();
        LoopGuard guard = loopGuard == null ? LoopGuard.CLEAR : loopGuard;
        if (guard.frozenAt(time)) {
            return;
        }
        GoldenStatus s = statusOrIdle();
        List<WriteIntent> intents;
        if (s.deleteRequested()) {
            intents = deletes(all, time);
            status = s.withDeleteRequested(false);
            // The entity is gone: whatever survives (a conflicting change) is never re-inserted.
            for (SystemConfig system : rules.systems()) {
                putTarget(system.name(), targetOf(system.name()).asLeft());
            }
        } else {
            Survivorship.Golden golden = resolve(all);
            publish(all, golden, time, out);
            intents = writes(all, golden, time);
            if (rules.auditing()) {
                out.audit(time, null, null, Action.RESOLVED, null, null, text.explain(golden));
            }
        }
        if (intents.isEmpty()) {
            return;
        }
        guard =
                guard.counting(
                        intents.size(), time, rules.loopWindowMillis(), text.history(intents));
        if (guard.writes() > rules.maxLoopWrites()) {
            freeze(guard, all, time, out);
            return;
        }
        loopGuard = guard;
        for (WriteIntent intent : intents) {
            remember(intent);
            out.write(intent);
            if (rules.auditing()) {
                out.audit(
                        time,
                        intent.system(),
                        intent.localId(),
                        Action.DECIDED,
                        intent.expectedVersion(),
                        text.reason(intent),
                        intent.operation().name().toLowerCase()
                                + " "
                                + text.values(intent.values(), rules.mask(intent.system())));
            }
        }
    }

    /** Sends the golden record to the golden output, unless that is what it last sent. */
    private void publish(List<Link> all, Survivorship.Golden golden, long time, Outputs out) {
        if (!rules.publishing()) {
            return;
        }
        String[] linked =
                all.stream()
                        .map(l -> l.system() + '/' + l.localId())
                        .sorted()
                        .toArray(String[]::new);
        long fingerprint = 31 * ValueHash.of(golden.values()) + ValueHash.of(linked);
        if (published == null || published != fingerprint) {
            published = fingerprint;
            out.golden(new GoldenRecord(key, false, golden.values(), linked, time));
        }
    }

    private Survivorship.Golden resolve(List<Link> all) {
        List<Contribution> contributions = new ArrayList<>(all.size());
        for (Link link : all) {
            contributions.add(
                    new Contribution(
                            link.system(), link.localId(), link.values(), link.changedAt()));
        }
        return rules.survivorship().resolveGolden(contributions);
    }

    /** The UPDATEs and INSERTs that bring every system in line with the golden record. */
    private List<WriteIntent> writes(List<Link> all, Survivorship.Golden golden, long time) {
        List<WriteIntent> intents = new ArrayList<>();
        for (SystemConfig system : rules.systems()) {
            boolean[] mask = rules.mask(system.name());
            String[] desired = project(golden.values(), mask);
            long[] times = golden.changedAt();
            boolean linked = false;
            for (Link link : all) {
                if (!link.system().equals(system.name())) {
                    continue;
                }
                linked = true;
                if (!system.mayWrite(WriteOperation.UPDATE)
                        || rules.comparison().sameAll(link.values(), desired, mask)
                        || (link.writePending()
                                && link.writtenHash() == fingerprint(desired, mask))) {
                    continue;
                }
                intents.add(
                        new WriteIntent(
                                system.name(),
                                WriteIntent.Operation.UPDATE,
                                key,
                                link.localId(),
                                link.version(),
                                link.values(),
                                desired,
                                times,
                                time));
            }
            if (!linked && system.mayWrite(WriteOperation.INSERT)) {
                TargetState target = targetOf(system.name());
                if (!target.left()
                        && !target.insertPending()
                        && !target.refuses(fingerprint(desired, mask))) {
                    intents.add(
                            new WriteIntent(
                                    system.name(),
                                    WriteIntent.Operation.INSERT,
                                    key,
                                    null,
                                    null,
                                    new String[0],
                                    desired,
                                    times,
                                    time));
                }
            }
        }
        return intents;
    }

    /** Conditional DELETEs of the remaining rows, where their systems allow deletes. */
    private List<WriteIntent> deletes(List<Link> remaining, long time) {
        List<WriteIntent> intents = new ArrayList<>();
        for (Link link : remaining) {
            if (rules.system(link.system()).mayWrite(WriteOperation.DELETE)) {
                intents.add(
                        new WriteIntent(
                                link.system(),
                                WriteIntent.Operation.DELETE,
                                key,
                                link.localId(),
                                link.version(),
                                link.values(),
                                new String[0],
                                new long[0],
                                time));
            }
        }
        return intents;
    }

    /** Remembers a write: its fingerprint for the echo, or the pending insert. */
    private void remember(WriteIntent intent) {
        boolean[] mask = rules.mask(intent.system());
        switch (intent.operation()) {
            case UPDATE -> {
                String linkId = intent.system() + '/' + intent.localId();
                links.put(
                        linkId,
                        links.get(linkId)
                                .withWrite(
                                        fingerprint(intent.values(), mask), intent.valueTimes()));
            }
            case INSERT ->
                    putTarget(
                            intent.system(),
                            targetOf(intent.system())
                                    .withInsert(
                                            intent.eventTime(),
                                            fingerprint(intent.values(), mask),
                                            intent.valueTimes()));
            case DELETE -> {
                // Nothing to remember: the row's delete comes back through CDC.
            }
        }
    }

    /**
     * Stops writing a golden record the job keeps rewriting without any outside change, reports it
     * as a dead letter with its recent writes, and tries again after the freeze (or at the next
     * outside change).
     */
    private void freeze(LoopGuard guard, List<Link> all, long time, Outputs out) {
        loopGuard = guard.frozen(time + rules.freezeMillis());
        out.frozen();
        String reason =
                "rewritten "
                        + guard.writes()
                        + " times within "
                        + rules.loopWindow()
                        + " without an outside change (targets that keep changing what they are"
                        + " given?); frozen for "
                        + rules.freeze();
        LOG.warn("Golden record {} frozen: {}", key, reason);
        if (rules.auditing()) {
            out.audit(time, null, null, Action.FROZEN, null, reason, null);
        }
        out.deadLetter(
                String.join(",", all.stream().map(Link::system).distinct().sorted().toList()),
                "loop",
                reason,
                String.join(" | ", guard.history()));
    }

    /** Clears all state of a golden record without links and without pending inserts. */
    private boolean clearIfEnded(long now) {
        if (!links.isEmpty()) {
            keptUntil = null;
            return false;
        }
        boolean left = false;
        for (TargetState t : targets.values()) {
            if (t.insertPending()) {
                return false;
            }
            left |= t.left();
        }
        // The last record left, but a row the job inserted elsewhere may still come back through
        // CDC (after a restore the job may not know it inserted it). Keep the left-markers until
        // the insert timeout, or that row would look like a new entity and be copied back into
        // the system that deleted it.
        if (left && (keptUntil == null || now < keptUntil)) {
            if (keptUntil == null) {
                keptUntil = now + rules.insertTimeoutMillis();
            }
            return false;
        }
        links.clear();
        targets.clear();
        status = null;
        loopGuard = null;
        keptUntil = null;
        published = null;
        return true;
    }

    /**
     * When a pending insert is tried again (or given up): the insert timeout after it was sent,
     * doubling with every attempt. Never for one decided at the end of input (bounded sources, as
     * in the plan): nothing can come back, and a retry would be decided at once, again and again.
     */
    private long insertDeadline(TargetState t) {
        if (t.pendingInsertAt() == END_OF_INPUT) {
            return Long.MAX_VALUE;
        }
        long wait = rules.insertTimeoutMillis() << Math.min(Math.max(t.attempts() - 1, 0), 16);
        return t.pendingInsertAt() + wait;
    }

    /**
     * What recognises the job's own write when it comes back: the values the target's mapping
     * covers, compared as the comparison rules compare them. Only asked where a write is pending.
     */
    private long fingerprint(String[] values, boolean[] mask) {
        return ValueHash.of(rules.comparison().canonical(values, mask));
    }

    /** {@code base} with the attributes selected by {@code mask} taken from {@code times}. */
    private static long[] withTimes(long[] base, long[] times, boolean[] mask) {
        long[] out = base.clone();
        for (int i = 0; i < out.length && i < times.length; i++) {
            if (mask[i]) {
                out[i] = times[i];
            }
        }
        return out;
    }

    private static String[] project(String[] golden, boolean[] mask) {
        String[] out = new String[golden.length];
        for (int i = 0; i < golden.length; i++) {
            out[i] = mask[i] ? golden[i] : null;
        }
        return out;
    }

    private TargetState targetOf(String system) {
        TargetState t = targets.get(system);
        return t == null ? TargetState.EMPTY : t;
    }

    private void putTarget(String system, TargetState t) {
        if (t.isEmpty()) {
            targets.remove(system);
        } else {
            targets.put(system, t);
        }
    }

    private GoldenStatus statusOrIdle() {
        return status == null ? GoldenStatus.IDLE : status;
    }
}
