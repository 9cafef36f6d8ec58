package io.bidisync.job.golden;

import io.bidisync.job.audit.AuditEntry.Action;
import io.bidisync.job.config.DeletePolicy;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.identity.LinkChange;
import io.bidisync.udfs.hash.ValueHash;
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

    private final GoldenRules rules;
    private final AuditText text;
    private final WriteDecisions decisions;

    private String key;
    private final Map<String, Link> links = new TreeMap<>();
    private final Targets targets;
    private GoldenStatus status;
    private LoopGuard loopGuard;
    private Long keptUntil;
    private Long published;

    GoldenEntity(GoldenRules rules) {
        this.rules = rules;
        this.text = new AuditText(rules);
        this.decisions = new WriteDecisions(rules);
        this.targets = new Targets(rules.insertTimeoutMillis());
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
        targets.load(s.targetSystems(), s.targets());
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

    /**
     * The event times at which the record must be looked at again: when it is due, when a pending
     * insert times out, when a freeze ends, when a record kept for its left-markers ends.
     */
    SortedSet<Long> timers() {
        SortedSet<Long> out = new TreeSet<>();
        if (waiting()) {
            out.add(status.due(rules.delayMillis(), rules.maxWaitMillis()));
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

    /**
     * Applies a change of the links (or a notice about an insert) at watermark {@code watermark}.
     */
    void apply(LinkChange change, long watermark, GoldenOutputs out) {
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
    void fire(long timestamp, long watermark, GoldenOutputs out) {
        boolean evaluate = false;
        if (waiting() && timestamp >= status.due(rules.delayMillis(), rules.maxWaitMillis())) {
            evaluate = true;
            status = status.emitted();
        }
        for (String system : targets.timedOut(timestamp)) {
            TargetState t = targets.of(system);
            if (t.attempts() >= rules.insertAttempts()) {
                giveUp(system, t, timestamp, out);
            } else {
                LOG.info(
                        "Insert into {} for key {} not confirmed by CDC within {} ms; retrying if"
                                + " the row is still missing (the insert stays guarded)",
                        system,
                        key,
                        targets.deadline(t) - t.pendingInsertAt());
                targets.put(system, t.retrying());
                evaluate = true;
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

    private void left(LinkChange change, String linkId, GoldenOutputs out) {
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
        targets.put(change.system(), targets.of(change.system()).asLeft());
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
    private void insertOutcome(LinkChange notice, GoldenOutputs out) {
        TargetState t = targets.of(notice.system());
        if (!t.insertPending()) {
            return;
        }
        boolean held = notice.kind() == LinkChange.Kind.INSERT_HELD;
        targets.put(notice.system(), held ? t.asHeld() : t.asRefused());
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
    private boolean upsert(LinkChange change, String linkId, GoldenOutputs out) {
        Link previous = links.get(linkId);
        TargetState target = targets.of(change.system());
        Observation seen = Observation.of(change, previous, target, rules);
        if (seen.echo()) {
            out.echo();
        }
        if (previous == null && !target.isEmpty()) {
            // The system has a row of the golden record: nothing to insert or retry there.
            targets.put(change.system(), target.withoutInsert());
        }
        boolean echo = seen.echo();
        boolean outside = seen.outside();
        long[] changedAt = seen.changedAt();
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
                    echo ? null : text.values(change.values(), rules.mask(change.system())));
        }
        return outside;
    }

    /**
     * Stops sending an insert that was never confirmed, however often it was sent: its values are
     * not sent again (until they change), and a dead letter says so, once.
     */
    private void giveUp(String system, TargetState t, long time, GoldenOutputs out) {
        targets.put(system, t.asRefused());
        String reason = text.givenUp(system, t.attempts());
        LOG.warn("Golden record {}: {}", key, reason);
        if (rules.auditing()) {
            out.audit(time, system, null, Action.INSERT_OUTCOME, null, reason, null);
        }
        out.deadLetter(system, "insert", reason, "attempts: " + t.attempts());
    }

    /** Resolves the golden record and emits the writes that bring every system in line with it. */
    private void decide(long time, GoldenOutputs out) {
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
            intents = decisions.deletes(key, all, time);
            status = s.withDeleteRequested(false);
            // The entity is gone: whatever survives (a conflicting change) is never re-inserted.
            for (SystemConfig system : rules.systems()) {
                targets.put(system.name(), targets.of(system.name()).asLeft());
            }
        } else {
            Survivorship.Golden golden = rules.resolve(all);
            publish(all, golden, time, out);
            intents = decisions.writes(key, all, targets, golden, time);
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
    private void publish(List<Link> all, Survivorship.Golden golden, long time, GoldenOutputs out) {
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
                                        rules.fingerprint(intent.values(), mask),
                                        intent.valueTimes()));
            }
            case INSERT ->
                    targets.put(
                            intent.system(),
                            targets.of(intent.system())
                                    .withInsert(
                                            intent.eventTime(),
                                            rules.fingerprint(intent.values(), mask),
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
    private void freeze(LoopGuard guard, List<Link> all, long time, GoldenOutputs out) {
        loopGuard = guard.frozen(time + rules.freezeMillis());
        out.frozen();
        String reason = text.frozen(guard);
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
        if (targets.insertPending()) {
            return false;
        }
        boolean left = targets.anyLeft();
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

    private GoldenStatus statusOrIdle() {
        return status == null ? GoldenStatus.IDLE : status;
    }
}
