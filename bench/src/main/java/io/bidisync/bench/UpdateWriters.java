package io.bidisync.bench;

import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.SyncedSystem;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The external writers of the steady-state workload: applications updating random customers in both
 * systems at a fixed total rate, each update a single-row autocommit {@code UPDATE} that sets the
 * phone to a value never used before and bumps the row's version, as an application would.
 *
 * <p>Open loop: updates are due on a fixed schedule whatever the databases do, so a slow sync shows
 * up as latency, not as a lower offered rate. Each person is updated in one system only and never
 * twice within a pass over all people, and people with two rows in a system are left out: so every
 * update has exactly one value that must arrive in the other system, and none is legitimately
 * superseded by a later change.
 */
final class UpdateWriters {
    private static final int THREADS_PER_SYSTEM = 2;

    /** How the writers' threads are named, numbered from 0 ({@link ThreadCpu} groups them). */
    static final String THREAD_NAME = "load-generator-";

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final SyncRun run;
    private final Map<String, List<Integer>> keysBySystem;
    private final Map<String, AtomicInteger> next = new HashMap<>();

    private UpdateWriters(SyncRun run, Map<String, List<Integer>> keysBySystem) {
        this.run = run;
        this.keysBySystem = keysBySystem;
        keysBySystem.keySet().forEach(s -> next.put(s, new AtomicInteger()));
    }

    /** Picks the rows to update: people with one row in every system, split between systems. */
    static UpdateWriters of(SyncRun run, long seed) throws SQLException {
        List<String> systems = run.systemNames();
        Map<String, Map<String, Integer>> rowOfPerson = new LinkedHashMap<>();
        for (String system : systems) {
            rowOfPerson.put(system, singleRows(run, run.system(system)));
        }
        List<String> people = new ArrayList<>(rowOfPerson.get(systems.get(0)).keySet());
        people.removeIf(p -> rowOfPerson.values().stream().anyMatch(rows -> !rows.containsKey(p)));
        Collections.sort(people);
        Collections.shuffle(people, new Random(seed));
        Map<String, List<Integer>> keys = new LinkedHashMap<>();
        systems.forEach(s -> keys.put(s, new ArrayList<>()));
        for (int i = 0; i < people.size(); i++) {
            String system = systems.get(i % systems.size());
            keys.get(system).add(rowOfPerson.get(system).get(people.get(i)));
        }
        return new UpdateWriters(run, keys);
    }

    /** Person (normalised e-mail) → primary key, for people with exactly one row. */
    private static Map<String, Integer> singleRows(SyncRun run, SyncedSystem system)
            throws SQLException {
        Map<String, Integer> rows = new HashMap<>();
        Map<String, Integer> count = new HashMap<>();
        try (Connection c = run.connect(system.name());
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT "
                                        + system.primaryKey()
                                        + ", "
                                        + system.emailKey()
                                        + " FROM "
                                        + system.table())) {
            while (rs.next()) {
                rows.put(rs.getString(2), rs.getInt(1));
                count.merge(rs.getString(2), 1, Integer::sum);
            }
        }
        rows.keySet().removeIf(person -> person == null || count.get(person) > 1);
        return rows;
    }

    /**
     * An application's update of one customer: a new phone, the version bumped; parameters phone
     * and primary key (PostgreSQL's limit is measured with the same statement).
     */
    static String phoneUpdate(SyncedSystem s) {
        return "UPDATE "
                + s.table()
                + " SET "
                + s.column("phone")
                + " = ?, "
                + s.versionColumn()
                + " = "
                + s.versionColumn()
                + " + 1 WHERE "
                + s.primaryKey()
                + " = ?";
    }

    /**
     * What the writers did in one step.
     *
     * @param changes how many updates were made
     * @param cpuNanos the CPU time the writers used for them: their threads in this JVM and their
     *     connections' PostgreSQL processes (executing the statements, the audit trigger, the
     *     commits) — the load generator's share of the machine, which no sync can avoid
     */
    record Written(int changes, long cpuNanos) {
        Written plus(Written other) {
            return new Written(changes + other.changes, cpuNanos + other.cpuNanos);
        }
    }

    /**
     * Updates at {@code rate} per second in total for {@code duration}; values are prefixed with
     * {@code tag}.
     */
    Written write(String tag, int rate, Duration duration) throws Exception {
        List<String> systems = new ArrayList<>(keysBySystem.keySet());
        int threads = systems.size() * THREADS_PER_SYSTEM;
        long intervalNanos = (long) (1e9 * threads / rate);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long end = start + duration.toNanos();
        AtomicInteger numbered = new AtomicInteger();
        ExecutorService pool =
                Executors.newFixedThreadPool(
                        threads, r -> new Thread(r, THREAD_NAME + numbered.getAndIncrement()));
        try {
            List<Future<Written>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String system = systems.get(t % systems.size());
                long offset = t * intervalNanos / threads;
                done.add(
                        pool.submit(
                                () -> writeOn(system, tag, start + offset, end, intervalNanos)));
            }
            Written total = new Written(0, 0);
            for (Future<Written> f : done) {
                total = total.plus(f.get());
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }

    private Written writeOn(String system, String tag, long first, long end, long intervalNanos)
            throws SQLException {
        SyncedSystem s = run.system(system);
        List<Integer> keys = keysBySystem.get(system);
        AtomicInteger position = next.get(system);
        int made = 0;
        long threadCpu = THREADS.getCurrentThreadCpuTime();
        try (Connection c = run.connect(system)) {
            long backend;
            try (Statement st = c.createStatement()) {
                st.execute("SET application_name = '" + AuditLog.WRITER + "'");
                try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    backend = rs.getLong(1);
                }
            }
            long backendCpu = CpuTime.processNanos(backend);
            try (PreparedStatement update = c.prepareStatement(phoneUpdate(s))) {
                for (long due = first; due < end; due += intervalNanos) {
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    int i = position.getAndIncrement();
                    update.setString(1, tag + "-" + system + "-" + i);
                    update.setInt(2, keys.get(i % keys.size()));
                    update.executeUpdate();
                    made++;
                }
            }
            // Read before the connection closes: its server process ends with it.
            return new Written(
                    made,
                    CpuTime.processNanos(backend)
                            - backendCpu
                            + THREADS.getCurrentThreadCpuTime()
                            - threadCpu);
        }
    }
}
