package io.bidisync.job.testutil;

import io.bidisync.embedded.CustomerTables.Row;
import io.bidisync.udfs.normalize.Normalizer;

import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Canaries: new customers a test inserts into one system after the action whose absence of effect
 * it asserts, and waits for in the others. The job reads a system's changes in commit order and
 * emits a golden record only once the watermark over <em>all</em> systems has passed its change, so
 * a canary's arrival proves that every change committed before it — in any system — has been
 * processed and what it caused written; only then is "nothing else happened" worth asserting. A
 * fixed sleep proves nothing when the job is slow.
 *
 * <p>One canary would prove that only for the golden subtask (and writer) its key is on: each batch
 * holds a canary for every subtask at every parallelism the tests use (1 to 4, or {@code
 * -Dbidisync.parallelism}).
 *
 * <p>Canaries are ordinary customers ({@value #PREFIX}…{@code @example.com}, a name, nothing else)
 * and stay in the databases: the invariant checker judges them like any other; tests that count
 * rows or writes leave them out ({@link #without}, {@link AuditEvent#isCanary()}).
 */
public final class Canary {
    /** How every canary's e-mail address begins. */
    public static final String PREFIX = "canary-";

    private static final AtomicInteger BATCHES = new AtomicInteger();
    private static final int MAX_PARALLELISM =
            Math.max(4, Integer.getInteger("bidisync.parallelism", 2));

    private Canary() {}

    /**
     * Fresh canary e-mail addresses (new in this JVM), at least one on every golden subtask at
     * every parallelism from 1 to 4 (the golden stage is keyed by the normalised e-mail).
     */
    public static List<String> emails() {
        int batch = BATCHES.incrementAndGet();
        Set<String> uncovered = new HashSet<>();
        for (int p = 1; p <= MAX_PARALLELISM; p++) {
            for (int subtask = 0; subtask < p; subtask++) {
                uncovered.add(p + "/" + subtask);
            }
        }
        List<String> emails = new ArrayList<>();
        for (int i = 0; !uncovered.isEmpty(); i++) {
            String email = PREFIX + batch + "-" + i + "@example.com";
            String key = Normalizer.EMAIL.normalize(email);
            boolean covers = false;
            for (int p = 1; p <= MAX_PARALLELISM; p++) {
                int subtask =
                        KeyGroupRangeAssignment.assignKeyToParallelOperator(
                                key, KeyGroupRangeAssignment.computeDefaultMaxParallelism(p), p);
                covers |= uncovered.remove(p + "/" + subtask);
            }
            if (covers) {
                emails.add(email);
            }
        }
        return emails;
    }

    /** Whether an e-mail address (any spelling) or match key is a canary's. */
    public static boolean isCanary(String email) {
        String key = Normalizer.EMAIL.normalize(email);
        return key != null && key.startsWith(PREFIX);
    }

    public static boolean isCanary(Row row) {
        return isCanary(row.email());
    }

    /** The rows without canaries. */
    public static List<Row> without(List<Row> rows) {
        return rows.stream().filter(r -> !isCanary(r)).toList();
    }

    /** An INSERT of canary customers: e-mail and name. */
    public static String insert(
            String table, String emailColumn, String nameColumn, List<String> emails) {
        List<String> values = new ArrayList<>();
        for (String email : emails) {
            values.add("('" + email + "', 'Canary')");
        }
        return "INSERT INTO "
                + table
                + " ("
                + emailColumn
                + ", "
                + nameColumn
                + ") VALUES "
                + String.join(", ", values);
    }

    /** Something that inserts canaries. */
    @FunctionalInterface
    public interface Sender {
        void insert(List<String> emails) throws Exception;
    }

    /**
     * Sends a batch of canaries with {@code sender} and waits until each of {@code targets} (name →
     * its rows) holds every one of them; returns their e-mail addresses.
     */
    public static List<String> send(
            String from, Sender sender, Map<String, Callable<List<Row>>> targets, Duration timeout)
            throws Exception {
        List<String> emails = emails();
        sender.insert(emails);
        for (Map.Entry<String, Callable<List<Row>>> target : targets.entrySet()) {
            Await.until(
                    "the canaries from " + from + " in " + target.getKey(),
                    timeout,
                    () -> missing(emails, target.getValue().call()).isEmpty(),
                    () -> "missing " + missing(emails, target.getValue().call()));
        }
        return emails;
    }

    private static List<String> missing(List<String> emails, List<Row> rows) {
        Set<String> there = new HashSet<>();
        for (Row row : rows) {
            there.add(row.email());
        }
        return emails.stream().filter(e -> !there.contains(e)).toList();
    }
}
