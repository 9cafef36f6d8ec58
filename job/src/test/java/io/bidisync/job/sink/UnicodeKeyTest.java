package io.bidisync.job.sink;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.database.JobTables;
import io.bidisync.job.database.SqlDialect;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.job.golden.WriteIntent.Operation;
import io.bidisync.job.testutil.LocalMariaDb;
import io.bidisync.job.testutil.SyncedSystem;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.job.testutil.TestServers;
import io.bidisync.udfs.normalize.KeySpellings;
import io.bidisync.udfs.normalize.Normalizer;

import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One normalised key in Java and in each database, whatever the database's locale or the column's
 * collation: spellings of a key in composed and decomposed form (NFC, NFD) and in the letters whose
 * lower case depends on a locale or on context (Turkish İ and ı, German ß and ẞ, Greek final sigma)
 * normalise in SQL to the key Java computes, so they make one golden record, and the duplicate
 * guard blocks an insert whose key differs from a stored row's only so — and no other insert.
 */
class UnicodeKeyTest {
    /** Spellings of one key each: the shared ones, and other letters that are keys of their own. */
    static final List<List<String>> SAME_KEY =
            Stream.concat(
                            KeySpellings.SAME_KEY.stream(),
                            Stream.of(
                                    List.of("jose@example.com"),
                                    List.of("\u0131stanbul@x.tr", "\u0131STANBUL@x.tr"),
                                    List.of("strasse@x.de", "STRASSE@x.de"),
                                    List.of("ase@x.no")))
                    .toList();

    /** Where a key is stored: a database with its locale, a column with its collation. */
    enum Target {
        POSTGRES_C("LC_COLLATE 'C' LC_CTYPE 'C'"),
        POSTGRES_C_UTF8("LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"),
        POSTGRES_ICU_TURKISH("LOCALE_PROVIDER icu ICU_LOCALE 'tr-TR' LOCALE 'C.UTF-8'"),
        MARIADB_GENERAL_CI("utf8mb4_general_ci"),
        MARIADB_BIN("utf8mb4_bin"),
        MARIADB_TURKISH_CI("utf8mb4_turkish_ci"),
        MARIADB_UCA1400("utf8mb4_uca1400_ai_ci");

        /** PostgreSQL: the database's locale; MariaDB: the key column's collation. */
        final String locale;

        Target(String locale) {
            this.locale = locale;
        }

        boolean postgres() {
            return name().startsWith("POSTGRES");
        }

        String database() {
            return "keys_" + ordinal();
        }
    }

    /** Sets up the target's database with the ERP table, and returns the configuration. */
    private static SyncConfig prepare(Target target) throws Exception {
        if (target.postgres()) {
            LocalPostgres pg = TestServers.of("unicode");
            try (Connection c = pg.connect("postgres");
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + target.database());
                s.execute(
                        "CREATE DATABASE "
                                + target.database()
                                + " ENCODING 'UTF8' TEMPLATE template0 "
                                + target.locale);
            }
            pg.execute(target.database(), SyncedSystem.erp().ddl());
            SyncConfig config =
                    TestConfigs.crmErp(
                            pg.jdbcUrl(target.database()), pg.jdbcUrl(target.database()));
            JobTables.ensure(config);
            return config;
        }
        LocalMariaDb db = LocalMariaDb.shared();
        db.recreateDatabase("crm");
        db.recreateDatabase("erp");
        db.execute(
                "erp",
                LocalMariaDb.ERP_CLIENT.replace(
                        "mail varchar(120)", "mail varchar(120) COLLATE " + target.locale));
        SyncConfig config = TestConfigs.parse(db.crmErpYaml(""));
        JobTables.ensure(config);
        return config;
    }

    private static Connection connect(Target target) throws SQLException {
        return target.postgres()
                ? TestServers.of("unicode").connect(target.database())
                : LocalMariaDb.shared().connect("erp");
    }

    /**
     * Every normaliser's SQL form of every spelling, stored in the key column, is the key Java
     * computes (or one of the forms the guard compares with). MySQL and MariaDB cannot normalise
     * Unicode: there this holds for spellings in NFC or NFD, not for {@code Å} written as U+212B
     * ANGSTROM SIGN, which only the case-insensitive normalisers map to {@code å}.
     */
    @ParameterizedTest
    @EnumSource(Target.class)
    void sqlComputesTheKeyJavaComputes(Target target) throws Exception {
        SyncConfig config = prepare(target);
        SqlDialect dialect = SqlDialect.of(config.system("erp"));
        List<String> spellings = SAME_KEY.stream().flatMap(List::stream).toList();
        List<String> mismatches = new ArrayList<>();
        try (Connection c = connect(target);
                Statement s = c.createStatement()) {
            s.execute("DELETE FROM client");
            try (PreparedStatement insert =
                    c.prepareStatement(
                            "INSERT INTO client (client_no, mail, name) VALUES (?, ?, ?)")) {
                for (int i = 0; i < spellings.size(); i++) {
                    insert.setInt(1, i + 1);
                    insert.setString(2, spellings.get(i));
                    insert.setString(3, "x");
                    insert.executeUpdate();
                }
            }
            for (Normalizer normalizer : Normalizer.values()) {
                try (PreparedStatement select =
                        c.prepareStatement(
                                "SELECT "
                                        + dialect.normalized(normalizer, dialect.quote("mail"))
                                        + " FROM client WHERE client_no = ?")) {
                    for (int i = 0; i < spellings.size(); i++) {
                        if (!target.postgres() && !inNfcOrNfd(spellings.get(i))) {
                            continue;
                        }
                        select.setInt(1, i + 1);
                        try (ResultSet rs = select.executeQuery()) {
                            rs.next();
                            String sql = rs.getString(1);
                            String java = normalizer.normalize(spellings.get(i));
                            if (!dialect.keyParameters(java == null ? "" : java).contains(sql)) {
                                mismatches.add(
                                        normalizer
                                                + " of "
                                                + spellings.get(i)
                                                + ": SQL "
                                                + sql
                                                + ", Java "
                                                + java);
                            }
                        }
                    }
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    /**
     * Spellings of one key are one key in Java (one golden record). With one spelling stored, the
     * writer inserts the key of every spelling: the keys of the stored one's spellings are blocked,
     * every other key is inserted.
     */
    @ParameterizedTest
    @EnumSource(Target.class)
    void theGuardBlocksExactlyTheStoredRowsKey(Target target) throws Exception {
        SyncConfig config = prepare(target);
        Normalizer email = config.matchKey().parts().get(0).normalizer();
        List<String> misjudged = new ArrayList<>();
        for (List<String> spellings : SAME_KEY) {
            Set<String> keys = keys(email, spellings);
            if (keys.size() != 1) {
                misjudged.add("Java: " + spellings + " make keys " + keys);
            }
        }
        List<String> all = SAME_KEY.stream().flatMap(List::stream).toList();
        TestProcessingTimeService time = new TestProcessingTimeService();
        JdbcSyncWriter writer =
                new JdbcSyncWriter(
                        config, config.system("erp"), time, new UnregisteredMetricsGroup(), 0);
        try (Connection c = connect(target)) {
            WriteCounters counters = writer.counters();
            for (List<String> group : SAME_KEY) {
                long ownKeys = keys(email, group).size();
                long otherKeys = keys(email, all).size() - ownKeys;
                for (String stored : group) {
                    try (PreparedStatement reset = c.prepareStatement("DELETE FROM client");
                            PreparedStatement insert =
                                    c.prepareStatement(
                                            "INSERT INTO client (mail, name) VALUES (?, 'x')")) {
                        reset.executeUpdate();
                        insert.setString(1, stored);
                        insert.executeUpdate();
                    }
                    long blocked = counters.insertsBlocked.getCount();
                    long inserted = counters.inserts.getCount();
                    for (String spelling : all) {
                        writer.write(insert(email.normalize(spelling), spelling), null);
                    }
                    writer.flush(false);
                    blocked = counters.insertsBlocked.getCount() - blocked;
                    inserted = counters.inserts.getCount() - inserted;
                    if (blocked != ownKeys || inserted != otherKeys) {
                        misjudged.add(
                                String.format(
                                        "stored %s: %d of its %d keys blocked, %d of %d other keys"
                                                + " inserted",
                                        stored, blocked, ownKeys, inserted, otherKeys));
                    }
                }
            }
        } finally {
            writer.close();
        }
        assertThat(misjudged).isEmpty();
    }

    private static boolean inNfcOrNfd(String text) {
        return java.text.Normalizer.isNormalized(text, java.text.Normalizer.Form.NFC)
                || java.text.Normalizer.isNormalized(text, java.text.Normalizer.Form.NFD);
    }

    private static Set<String> keys(Normalizer normalizer, List<String> spellings) {
        Set<String> keys = new LinkedHashSet<>();
        spellings.forEach(s -> keys.add(normalizer.normalize(s)));
        return keys;
    }

    private static WriteIntent insert(String key, String mail) {
        return new WriteIntent(
                "erp",
                Operation.INSERT,
                key,
                null,
                null,
                new String[0],
                new String[] {mail, "x", null, null},
                new long[4],
                0);
    }
}
