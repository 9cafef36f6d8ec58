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
import java.util.SortedSet;

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
 * someone else made and never start another round of writes; an update's echo does not even wait
 * for completeness (no timer, no second resolution: half of the work of a change that is written).
 * A record the job keeps rewriting without any outside change is frozen (the loop breaker).
 *
 * <p>End of life: the state ends when the last link is gone and no insert is pending — after the
 * insert timeout if a system left it (an insert of the job may still come back).
 */
final class GoldenEntity {
    private static final Logger LOG = LoggerFactory.getLogger(GoldenEntity.class);

    private final GoldenRules rules;
    private final AuditText text;
    private final WriteDecisions decisions;

    private final WorkingCopy copy;

    GoldenEntity(GoldenRules rules) {
        this.rules = rules;
        this.text = new AuditText(rules);
        this.decisions = new WriteDecisions(rules);
        this.copy = new WorkingCopy(rules.attributes(), rules.insertTimeoutMillis());
    }

    /** Makes the working copy golden record {@code key}'s state ({@code null}: none). */
    void load(String key, GoldenState state) {
        copy.load(key, state);
    }

    /** The state to keep; {@code null} when the record has ended. */
    GoldenState state() {
        return copy.state();
    }

    /** Whether the record has changes waiting for completeness. */
    boolean waiting() {
        return copy.waiting();
    }

    /**
     * The event times at which the record must be looked at again: when it is due, when a pending
     * insert times out, when a freeze ends, when a record kept for its left-markers ends.
     */
    SortedSet<Long> timers() {
        return copy.timers(rules.delayMillis(), rules.maxWaitMillis());
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
        boolean settled = false;
        switch (change.kind()) {
            case UPSERT -> {
                boolean known = copy.links.containsKey(linkId);
                Observation seen = upsert(change, linkId, out);
                if (seen.outside()) {
                    copy.loopGuard = null;
                }
                // The job's own update, back as it was written: the row now holds the golden
                // record's values, so deciding again would find nothing to do. (An insert's echo
                // is decided on: it adds a row to the golden record, which the golden output
                // shows.)
                settled = seen.echo() && known;
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
        if (settled && !waiting()) {
            return;
        }
        copy.status = statusOrIdle().withChange(change.eventTime());
    }

    /**
     * Looks at the record at event time {@code timestamp}: decides what is due, retries or gives up
     * inserts that timed out, ends a freeze, ends a record kept for its left-markers.
     */
    void fire(long timestamp, long watermark, GoldenOutputs out) {
        boolean evaluate = false;
        if (waiting() && timestamp >= copy.status.due(rules.delayMillis(), rules.maxWaitMillis())) {
            evaluate = true;
            copy.status = copy.status.emitted();
        }
        for (String system : copy.targets.timedOut(timestamp)) {
            TargetState t = copy.targets.of(system);
            if (t.attempts() >= rules.insertAttempts()) {
                giveUp(system, t, timestamp, out);
            } else {
                LOG.info(
                        "Insert into {} for key {} not confirmed by CDC within {} ms; retrying if"
                                + " the row is still missing (the insert stays guarded)",
                        system,
                        copy.key,
                        copy.targets.deadline(t) - t.pendingInsertAt());
                copy.targets.put(system, t.retrying());
                evaluate = true;
            }
        }
        if (copy.loopGuard != null
                && copy.loopGuard.frozenUntil() != TargetState.NONE
                && timestamp >= copy.loopGuard.frozenUntil()) {
            copy.loopGuard = null;
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
        copy.loopGuard = null;
        copy.links.remove(linkId);
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
        copy.targets.put(change.system(), copy.targets.of(change.system()).asLeft());
        if (change.kind() == LinkChange.Kind.DELETED
                && rules.system(change.system()).deletes() == DeletePolicy.PROPAGATE) {
            copy.status = statusOrIdle().withDeleteRequested(true);
        }
        if (copy.links.isEmpty()) {
            if (rules.publishing() && copy.published != null) {
                copy.published = null;
                out.golden(GoldenRecord.gone(copy.key, change.eventTime()));
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
        TargetState t = copy.targets.of(notice.system());
        if (!t.insertPending()) {
            return;
        }
        boolean held = notice.kind() == LinkChange.Kind.INSERT_HELD;
        copy.targets.put(notice.system(), held ? t.asHeld() : t.asRefused());
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
     * Applies a new or changed record; returns what it is: an echo of the job's own write, or an
     * outside change (one someone other than the job made — the identity stage tells the job's own
     * writes by the writes table — also while the job's write to that row is on its way).
     */
    private Observation upsert(LinkChange change, String linkId, GoldenOutputs out) {
        Link previous = copy.links.get(linkId);
        TargetState target = copy.targets.of(change.system());
        Observation seen = Observation.of(change, previous, target, rules);
        if (seen.echo()) {
            out.echo();
        }
        if (previous == null && !target.isEmpty()) {
            // The system has a row of the golden record: nothing to insert or retry there.
            copy.targets.put(change.system(), target.withoutInsert());
        }
        boolean echo = seen.echo();
        boolean outside = seen.outside();
        long[] changedAt = seen.changedAt();
        copy.links.put(
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
        return seen;
    }

    /**
     * Stops sending an insert that was never confirmed, however often it was sent: its values are
     * not sent again (until they change), and a dead letter says so, once.
     */
    private void giveUp(String system, TargetState t, long time, GoldenOutputs out) {
        copy.targets.put(system, t.asRefused());
        String reason = text.givenUp(system, t.attempts());
        LOG.warn("Golden record {}: {}", copy.key, reason);
        if (rules.auditing()) {
            out.audit(time, system, null, Action.INSERT_OUTCOME, null, reason, null);
        }
        out.deadLetter(system, "insert", reason, "attempts: " + t.attempts());
    }

    /** Resolves the golden record and emits the writes that bring every system in line with it. */
    private void decide(long time, GoldenOutputs out) {
        List<Link> all = new ArrayList<>(copy.links.values());
        if (all.isEmpty()) {
            return;
        }
        out.emitted();
        LoopGuard guard = copy.loopGuard == null ? LoopGuard.CLEAR : copy.loopGuard;
        if (guard.frozenAt(time)) {
            return;
        }
        GoldenStatus s = statusOrIdle();
        List<WriteIntent> intents;
        if (s.deleteRequested()) {
            intents = decisions.deletes(copy.key, all, time);
            copy.status = s.withDeleteRequested(false);
            // The entity is gone: whatever survives (a conflicting change) is never re-inserted.
            for (SystemConfig system : rules.systems()) {
                copy.targets.put(system.name(), copy.targets.of(system.name()).asLeft());
            }
        } else {
            Survivorship.Golden golden = rules.resolve(all);
            publish(all, golden, time, out);
            intents = decisions.writes(copy.key, all, copy.targets, golden, time);
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
            freeze(guard, intents, all, time, out);
            return;
        }
        copy.loopGuard = guard;
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
        if (copy.published == null || copy.published != fingerprint) {
            copy.published = fingerprint;
            out.golden(new GoldenRecord(copy.key, false, golden.values(), linked, time));
        }
    }

    /** Remembers a write: its fingerprint for the echo, or the pending insert. */
    private void remember(WriteIntent intent) {
        boolean[] mask = rules.mask(intent.system());
        switch (intent.operation()) {
            case UPDATE -> {
                String linkId = intent.system() + '/' + intent.localId();
                copy.links.put(
                        linkId,
                        copy.links
                                .get(linkId)
                                .withWrite(
                                        rules.fingerprint(
                                                intent.system(),
                                                intent.values(),
                                                rules.updateMask(intent.system())),
                                        intent.valueTimes()));
            }
            case INSERT ->
                    copy.targets.put(
                            intent.system(),
                            copy.targets
                                    .of(intent.system())
                                    .withInsert(
                                            intent.eventTime(),
                                            rules.fingerprint(
                                                    intent.system(), intent.values(), mask),
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
    private void freeze(
            LoopGuard guard,
            List<WriteIntent> tripping,
            List<Link> all,
            long time,
            GoldenOutputs out) {
        copy.loopGuard = guard.frozen(time + rules.freezeMillis());
        out.frozen();
        String reason = text.frozen(guard);
        LOG.warn("Golden record {} frozen: {}", copy.key, reason);
        if (rules.auditing()) {
            out.audit(time, null, null, Action.FROZEN, null, reason, null);
        }
        out.deadLetter(
                String.join(",", all.stream().map(Link::system).distinct().sorted().toList()),
                "loop",
                reason,
                text.loopReport(guard, tripping));
    }

    /** Clears all state of a golden record without links and without pending inserts. */
    private boolean clearIfEnded(long now) {
        if (!copy.links.isEmpty()) {
            copy.keptUntil = null;
            return false;
        }
        if (copy.targets.insertPending()) {
            return false;
        }
        boolean left = copy.targets.anyLeft();
        // The last record left, but a row the job inserted elsewhere may still come back through
        // CDC (after a restore the job may not know it inserted it). Keep the left-markers until
        // the insert timeout, or that row would look like a new entity and be copied back into
        // the system that deleted it.
        if (left && (copy.keptUntil == null || now < copy.keptUntil)) {
            if (copy.keptUntil == null) {
                copy.keptUntil = now + rules.insertTimeoutMillis();
            }
            return false;
        }
        copy.clear();
        return true;
    }

    private GoldenStatus statusOrIdle() {
        return copy.status == null ? GoldenStatus.IDLE : copy.status;
    }
}
