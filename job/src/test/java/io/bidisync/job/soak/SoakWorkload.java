package io.bidisync.job.soak;

import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.SyncedSystem;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A seeded random workload over CRM, ERP and read-only Billing: inserts, updates, deletes and
 * match-key changes by the systems' users (the driver), and a concurrent external writer that keeps
 * updating the same rows. The same seed always gives the same operations.
 *
 * <p>Every row the workload creates has an explicit primary key from a range of its own (CRM
 * 100001…, ERP 200001…, Billing 300001…), so the operations never depend on the keys the job's own
 * inserts take, and a log of them replays on fresh databases.
 */
public final class SoakWorkload {
    /** One statement, to be run at {@code atMillis} after the start by {@code thread}. */
    public record Op(long atMillis, int thread, String system, String sql) {
        @Override
        public String toString() {
            return String.format("%6d ms  %-7s %s", atMillis, system, sql);
        }
    }

    public static final int DRIVER = 0;
    public static final int WRITER = 1;

    private static final List<String> SYSTEMS = List.of("crm", "erp", "billing");
    private static final Map<String, Integer> PK_BASE =
            Map.of("crm", 100_000, "erp", 200_000, "billing", 300_000);

    private final Map<String, SyncedSystem> systems;
    private final Random random;
    private final long seed;

    /** The match key of each row the workload created (by primary key), as last set. */
    private final Map<Integer, String> keyOf = new HashMap<>();

    /** The rows the workload created that still exist, by system: primary keys. */
    private final Map<String, List<Integer>> live =
            Map.of(
                    "crm",
                    new ArrayList<>(),
                    "erp",
                    new ArrayList<>(),
                    "billing",
                    new ArrayList<>());

    private int nextValue;
    private int nextKey;

    private SoakWorkload(Map<String, SyncedSystem> systems, long seed) {
        this.systems = systems;
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** The seed rows (24 customers, overlapping across the systems), as SQL per system. */
    public static Map<String, String> seedRows() {
        return Map.of(
                "crm",
                        rows(
                                "INSERT INTO customer (id, email, full_name, phone, city) VALUES ",
                                100_000,
                                1,
                                16,
                                true),
                "erp",
                        rows(
                                "INSERT INTO client (client_no, mail, name, phone, town) VALUES ",
                                200_000,
                                9,
                                24,
                                true),
                "billing",
                        rows(
                                "INSERT INTO account (account_id, email, holder, city) VALUES ",
                                300_000,
                                13,
                                20,
                                false));
    }

    private static String rows(String insert, int base, int from, int to, boolean phone) {
        StringBuilder sql = new StringBuilder(insert);
        for (int i = from; i <= to; i++) {
            sql.append(i > from ? ", " : "")
                    .append("(")
                    .append(base + i)
                    .append(", 'e")
                    .append(i)
                    .append("@example.com', 'Name ")
                    .append(i)
                    .append(phone ? "', '" + i : "")
                    .append("', 'City ")
                    .append(i)
                    .append("')");
        }
        return sql.toString();
    }

    /** The operations of both threads over {@code millis}, merged by time. */
    public static List<Op> generate(
            Map<String, SyncedSystem> systems, long seed, long millis, int opsPerSecond) {
        SoakWorkload w = new SoakWorkload(systems, seed);
        w.live.get("crm").addAll(range(100_000, 1, 16));
        w.live.get("erp").addAll(range(200_000, 9, 24));
        w.live.get("billing").addAll(range(300_000, 13, 20));
        w.live.forEach(
                (system, pks) ->
                        pks.forEach(pk -> w.keyOf.put(pk, "e" + (pk % 1000) + "@example.com")));
        List<Op> ops = new ArrayList<>();
        long interval = 1000L / opsPerSecond;
        for (long t = 0; t < millis; t += 1 + w.random.nextInt((int) (2 * interval))) {
            Op op = w.driverOp(t);
            if (op != null) {
                ops.add(op);
            }
        }
        Random writer = new Random(seed ^ 0x5DEECE66DL);
        for (long t = 0; t < millis; t += 1 + writer.nextInt((int) (2 * interval))) {
            ops.add(w.writerOp(t, writer));
        }
        ops.sort(Comparator.comparingLong(Op::atMillis).thenComparingInt(Op::thread));
        return ops;
    }

    /**
     * Runs the operations against the run's databases, each thread's on a connection of its own,
     * each at its time; returns when both threads are done.
     */
    public static void play(SyncRun run, List<Op> ops) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int thread : new int[] {DRIVER, WRITER}) {
                List<Op> mine = ops.stream().filter(op -> op.thread() == thread).toList();
                done.add(
                        threads.submit(
                                () -> {
                                    execute(run, mine);
                                    return null;
                                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdown();
        }
    }

    private static void execute(SyncRun run, List<Op> ops) throws Exception {
        Map<String, Connection> connections = new HashMap<>();
        long start = System.nanoTime();
        try {
            for (Op op : ops) {
                long wait = op.atMillis() - Duration.ofNanos(System.nanoTime() - start).toMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                Connection c =
                        connections.computeIfAbsent(
                                op.system(),
                                system -> {
                                    try {
                                        return run.connect(system);
                                    } catch (SQLException e) {
                                        throw new IllegalStateException(e);
                                    }
                                });
                try (Statement s = c.createStatement()) {
                    s.executeUpdate(op.sql());
                }
            }
        } finally {
            for (Connection c : connections.values()) {
                c.close();
            }
        }
    }

    private static List<Integer> range(int base, int from, int to) {
        List<Integer> pks = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            pks.add(base + i);
        }
        return pks;
    }

    private Op driverOp(long t) {
        String system = SYSTEMS.get(random.nextInt(SYSTEMS.size()));
        SyncedSystem s = s(system);
        List<Integer> rows = live.get(system);
        int dice = random.nextInt(100);
        if (dice < 15 || rows.isEmpty()) {
            int pk = PK_BASE.get(system) + 1000 + (++nextKey);
            String key = "n" + seed + "x" + nextKey + "@example.com";
            rows.add(pk);
            keyOf.put(pk, key);
            return new Op(t, DRIVER, system, insert(system, pk, key));
        }
        int pk = rows.get(random.nextInt(rows.size()));
        if (dice < 25) {
            rows.remove(Integer.valueOf(pk));
            String sql = "DELETE FROM " + s.table() + " WHERE " + s.primaryKey() + " = " + pk;
            return new Op(t, DRIVER, system, sql);
        }
        if (dice < 35) {
            String key = "k" + seed + "x" + (++nextKey) + "@example.com";
            keyOf.put(pk, key);
            return new Op(t, DRIVER, system, update(system, pk, "email", key));
        }
        if (dice < 40) {
            // Takes the key of another row of the same system: a new internal duplicate. (Never a
            // key only another system has: that would race the job's guarded insert, see
            // docs/how-it-works.md.)
            String key = keyOf.get(rows.get(random.nextInt(rows.size())));
            keyOf.put(pk, key);
            return new Op(t, DRIVER, system, update(system, pk, "email", key.toUpperCase()));
        }
        return new Op(
                t, DRIVER, system, update(system, pk, randomAttribute(system, random), value()));
    }

    private Op writerOp(long t, Random writer) {
        String system = writer.nextBoolean() ? "crm" : "erp";
        int pk =
                PK_BASE.get(system)
                        + (system.equals("crm") ? 1 + writer.nextInt(16) : 9 + writer.nextInt(16));
        return new Op(
                t,
                WRITER,
                system,
                update(
                        system,
                        pk,
                        randomAttribute(system, writer),
                        "w" + seed + "x" + (++nextValue)));
    }

    private String randomAttribute(String system, Random r) {
        List<String> editable =
                system.equals("billing")
                        ? List.of("name", "city")
                        : List.of("name", "phone", "city");
        return editable.get(r.nextInt(editable.size()));
    }

    private String value() {
        return "v" + seed + "x" + (++nextValue);
    }

    private SyncedSystem s(String system) {
        return systems.get(system);
    }

    private String update(String system, int pk, String attribute, String value) {
        SyncedSystem s = s(system);
        return "UPDATE "
                + s.table()
                + " SET "
                + s.column(attribute)
                + " = '"
                + value
                + "', "
                + s.versionColumn()
                + " = "
                + s.versionColumn()
                + " + 1 WHERE "
                + s.primaryKey()
                + " = "
                + pk;
    }

    private String insert(String system, int pk, String email) {
        SyncedSystem s = s(system);
        List<String> columns =
                new ArrayList<>(
                        List.of(
                                s.primaryKey(),
                                s.column("email"),
                                s.column("name"),
                                s.column("city")));
        List<String> values =
                new ArrayList<>(
                        List.of(
                                String.valueOf(pk),
                                "'" + email + "'",
                                "'" + value() + "'",
                                "'" + value() + "'"));
        if (s.column("phone") != null) {
            columns.add(s.column("phone"));
            values.add("'" + value() + "'");
        }
        return "INSERT INTO "
                + s.table()
                + " ("
                + String.join(", ", columns)
                + ") VALUES ("
                + String.join(", ", values)
                + ")";
    }
}
