package io.bidisync.job.sink;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.database.Database;
import io.bidisync.job.database.SqlDialect;
import io.bidisync.job.database.TableColumns;
import io.bidisync.job.testutil.LocalMariaDb;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.udfs.normalize.CaseMapping;
import io.bidisync.udfs.normalize.Normalizer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The conditional statements and the SQL normalisers in MySQL syntax, against a real MariaDB. */
class MySqlStatementsTest {
    /** Values that trip up SQL normalisers: whitespace kinds, case mappings, digits, signs. */
    static final List<String> TRICKY =
            List.of(
                    " Ann.Lee@Example.COM ",
                    "ann. lee @ example.com\t",
                    "+47 22 33-44 55",
                    "  +47 (0)22 33 ",
                    "\t+47 22",
                    "+ +47",
                    "++47",
                    "+",
                    "NO 912 345 678 MVA",
                    "ÆØÅ Ærlig",
                    "\r\n",
                    "",
                    " ",
                    "Oslo  Sentrum",
                    "x+y",
                    "f\f \ff",
                    "trailing   ",
                    "x\n",
                    "\nx\n",
                    "a \nb",
                    "a\u000b",
                    "a \u000b",
                    "\u00a0nbsp\u00a0",
                    "\u2003em space\u2003",
                    "\u0085nel\u0085",
                    "a\u2028",
                    "İstanbul",
                    "I ı i İ",
                    "ÄẞΩK \u212Aelvin",
                    "Straße STRASSE",
                    "ÀÉÎÕÜ ÑÇ Ǻ Ȁ Ḁ Ạ",
                    "ĲŒ œ ǅǄǆ",
                    "Μάρκος ΟΔΟΣ ΑΣΤΡΟ",
                    "ＡＢＣ１２３",
                    "١٢٣ arabic digits ٤",
                    "Ⓐⓑ",
                    "𐐀𐐁 deseret",
                    "Ꭰ Ꭱ cherokee",
                    "Ა georgian",
                    "😀 Emoji 😀",
                    "é (e\u0301)",
                    "JOSÉ@example.com",
                    "50%_off\\path'quote\"");

    private static LocalMariaDb db;
    private static SyncConfig config;

    private Connection connection;

    @BeforeAll
    static void startDatabase() throws Exception {
        db = LocalMariaDb.shared();
        db.recreateDatabase("crm");
        db.recreateDatabase("erp");
        config = TestConfigs.parse(db.crmErpYaml(""));
    }

    @BeforeEach
    void freshTable() throws Exception {
        db.execute(
                "erp",
                "DROP TABLE IF EXISTS client; "
                        + LocalMariaDb.ERP_CLIENT
                        + "; INSERT INTO client (mail, name, town) VALUES (' Ann@Example.com', 'Ann', 'Oslo')");
    }

    @AfterEach
    void close() throws Exception {
        if (connection != null) {
            connection.close();
        }
    }

    private SqlStatements statements(SystemConfig system) throws SQLException {
        connection = Database.connect(system);
        return new SqlStatements(
                system,
                system.mapping(config.attributes()),
                config.matchKey(),
                TableColumns.read(SqlDialect.MYSQL, connection, system.table()));
    }

    @Test
    void statementsAreMySql() throws Exception {
        SqlStatements sql = statements(config.system("erp"));
        String mail = SqlDialect.MYSQL.normalized(Normalizer.EMAIL, "`mail`");
        assertThat(sql.update())
                .isEqualTo(
                        "UPDATE `erp`.`client` SET `mail` = ?, `name` = ?, `phone` = ?, `town` = ?,"
                                + " `row_version` = COALESCE(`row_version`, 0) + 1"
                                + " WHERE `client_no` = ? AND `row_version` <=> ?");
        assertThat(sql.delete())
                .isEqualTo(
                        "DELETE FROM `erp`.`client` WHERE `client_no` = ? AND `row_version` <=> ?");
        assertThat(sql.insert())
                .isEqualTo(
                        "INSERT INTO `erp`.`client` (`mail`, `name`, `phone`, `town`)"
                                + " SELECT ?, ?, ?, ? FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM `erp`.`client`"
                                + " WHERE CAST("
                                + mail
                                + " AS BINARY) IN (CAST(? AS BINARY), CAST(? AS BINARY)))");
        assertThat(mail)
                .isEqualTo(
                        "REPLACE(LOWER(REPLACE(REGEXP_REPLACE(CONVERT(`mail` USING utf8mb4) COLLATE utf8mb4_unicode_520_ci,"
                                + " CONCAT('[ ', CHAR(9, 10, 12, 13 USING utf8mb4), ']+'), ''),"
                                + " CONCAT('I', CHAR(0xCC87 USING utf8mb4)), CHAR(0xC4B0 USING utf8mb4))),"
                                + " CHAR(0xCF82 USING utf8mb4), CHAR(0xCF83 USING utf8mb4))");
        assertThat(SqlDialect.MYSQL.normalized(Normalizer.TRIM, "`c`"))
                .isEqualTo(
                        "REGEXP_REPLACE(CONVERT(`c` USING utf8mb4) COLLATE utf8mb4_unicode_520_ci,"
                                + " CONCAT('(?s)^[ ', CHAR(9, 10, 12, 13 USING utf8mb4), ']+|[ ',"
                                + " CHAR(9, 10, 12, 13 USING utf8mb4), ']+(?!.)'), '')");
    }

    /**
     * Every normaliser's SQL form gives what the Java one gives (blank: '' for null), for a value
     * bound as a parameter and for the same value stored in a case-insensitive utf8mb4 column; for
     * a value stored decomposed (NFD), that in NFD (the guard compares with both forms).
     */
    @ParameterizedTest
    @EnumSource(Normalizer.class)
    void sqlNormalisersAgreeWithJava(Normalizer normalizer) throws Exception {
        db.execute(
                "erp",
                "DROP TABLE IF EXISTS sample;"
                        + " CREATE TABLE sample (id int PRIMARY KEY, v varchar(100))"
                        + " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci");
        List<String> mismatches = new ArrayList<>();
        try (Connection c = db.connect("erp");
                PreparedStatement param =
                        c.prepareStatement(
                                "SELECT " + SqlDialect.MYSQL.normalized(normalizer, "?"));
                PreparedStatement insert =
                        c.prepareStatement("INSERT INTO sample (id, v) VALUES (?, ?)");
                PreparedStatement stored =
                        c.prepareStatement(
                                "SELECT "
                                        + SqlDialect.MYSQL.normalized(normalizer, "`v`")
                                        + " FROM sample WHERE id = ?")) {
            List<String> samples = new ArrayList<>(TRICKY);
            TRICKY.forEach(
                    t ->
                            samples.add(
                                    java.text.Normalizer.normalize(
                                            t, java.text.Normalizer.Form.NFD)));
            for (int i = 0; i < samples.size(); i++) {
                String sample = samples.get(i);
                String java = normalizer.normalize(sample);
                String expected =
                        java == null ? (normalizer == Normalizer.NONE ? sample : "") : java;
                param.setString(1, sample);
                insert.setInt(1, i);
                insert.setString(2, sample);
                insert.executeUpdate();
                stored.setInt(1, i);
                for (PreparedStatement ps : List.of(param, stored)) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        String sql = rs.getString(1);
                        if (!SqlDialect.MYSQL.keyParameters(expected).contains(sql)) {
                            mismatches.add(
                                    normalizer
                                            + " of ["
                                            + sample
                                            + "]: SQL ["
                                            + sql
                                            + "], Java ["
                                            + expected
                                            + "]");
                        }
                    }
                }
            }
        }
        // Without Unicode normalisation in SQL: a value partly decomposed (é composed, then e +
        // U+0301) and, where no case mapping covers it, a character NFC replaces (U+212A KELVIN
        // SIGN, which NFC makes K).
        List<String> known = new ArrayList<>(List.of("é (e\u0301)]"));
        if (normalizer == Normalizer.TRIM || normalizer == Normalizer.NONE) {
            known.add("\u212Aelvin]");
        }
        assertThat(mismatches)
                .allMatch(m -> known.stream().anyMatch(m::contains), "only the known differences");
    }

    /**
     * {@code LOWER} in the collation, with the mappings beyond it, is {@link CaseMapping}, for
     * every code point: the claim the MySQL dialect rests on.
     */
    @Test
    void lowerCaseIsTheCaseMappingForEveryCodePoint() throws Exception {
        String character = "CONVERT(CHAR(seq USING utf32) USING utf8mb4)";
        List<String> mismatches = new ArrayList<>();
        try (Connection c = db.connect("erp");
                ResultSet rs =
                        c.createStatement()
                                .executeQuery(
                                        "SELECT seq, v FROM (SELECT seq, "
                                                + SqlDialect.MYSQL.normalized(
                                                        Normalizer.LOWER, character)
                                                + " AS v, "
                                                + character
                                                + " AS c FROM seq_1_to_1114111"
                                                + " WHERE seq < 55296 OR seq > 57343) x"
                                                + " WHERE CAST(v AS BINARY) <> CAST(c AS BINARY)")) {
            int changed = 0;
            while (rs.next()) {
                int codePoint = rs.getInt(1);
                String sql = rs.getString(2);
                if (Normalizer.WHITESPACE_CHARS.indexOf(codePoint) >= 0) {
                    continue;
                }
                changed++;
                String expected = Character.toString(CaseMapping.map(codePoint));
                if (!expected.equals(sql)) {
                    mismatches.add(
                            String.format("U+%04X: SQL %s, table %s", codePoint, sql, expected));
                }
            }
            assertThat(changed).isEqualTo(CaseMapping.sources().codePoints().count());
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void updateAppliesOnlyToTheVersionLastSeen() throws Exception {
        SqlStatements sql = statements(config.system("erp"));
        assertThat(update(sql, 2L)).isZero();
        assertThat(update(sql, 1L)).isEqualTo(1);
        assertThat(update(sql, 1L)).isZero();
        assertThat(value("SELECT CONCAT(town, '/', row_version) FROM client WHERE client_no = 1"))
                .isEqualTo("Bergen/2");
        // An expected NULL version matches a NULL version (NULL-safe comparison).
        db.execute(
                "erp",
                "ALTER TABLE client MODIFY row_version int NULL; UPDATE client SET row_version = NULL");
        try (PreparedStatement ps = connection.prepareStatement(sql.update())) {
            bindUpdate(ps, "Hamar");
            ps.setNull(6, java.sql.Types.BIGINT);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        assertThat(value("SELECT CONCAT(town, '/', row_version) FROM client WHERE client_no = 1"))
                .isEqualTo("Hamar/1");
    }

    private int update(SqlStatements sql, long version) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql.update())) {
            bindUpdate(ps, "Bergen");
            ps.setLong(6, version);
            return ps.executeUpdate();
        }
    }

    private static void bindUpdate(PreparedStatement ps, String town) throws SQLException {
        ps.setString(1, "ann@example.com");
        ps.setString(2, "Ann");
        ps.setString(3, null);
        ps.setString(4, town);
        ps.setString(5, "1");
    }

    @Test
    void deleteAppliesOnlyToTheVersionLastSeen() throws Exception {
        SqlStatements sql = statements(config.system("erp"));
        try (PreparedStatement ps = connection.prepareStatement(sql.delete())) {
            ps.setString(1, "1");
            ps.setLong(2, 7);
            assertThat(ps.executeUpdate()).isZero();
            ps.setLong(2, 1);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        assertThat(value("SELECT count(*) FROM client")).isEqualTo("0");
    }

    /**
     * The guard compares the normalised key exactly: a row that normalises to the same key blocks
     * the insert, a row whose key differs only in an accent (equal in the column's collation) does
     * not. Inserted rows return their new key, also in a batch, as the writer runs them.
     */
    @Test
    void insertIsBlockedOnlyByARowWithTheSameNormalisedKey() throws Exception {
        db.execute("erp", "INSERT INTO client (mail, name) VALUES ('JOSÉ@example.com', 'José')");
        SqlStatements sql = statements(config.system("erp"));
        connection.setAutoCommit(false);
        List<String> keys = new ArrayList<>();
        int[] counts;
        try (PreparedStatement ps =
                connection.prepareStatement(sql.insert(), Statement.RETURN_GENERATED_KEYS)) {
            addInsert(ps, "ANN@example.com ", "ann@example.com", "Ann");
            addInsert(ps, "bob@example.com", "bob@example.com", "Bob");
            addInsert(ps, "jose@example.com", "jose@example.com", "Jose");
            addInsert(ps, "josé@example.com", "josé@example.com", "José");
            addInsert(ps, "Bob@Example.com", "bob@example.com", "Bob");
            counts = ps.executeBatch();
            try (ResultSet rs = ps.getGeneratedKeys()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        connection.commit();
        assertThat(counts).containsExactly(0, 1, 1, 0, 0);
        assertThat(keys).containsExactly("3", "4");
        assertThat(
                        value(
                                "SELECT GROUP_CONCAT(CONCAT(client_no, '=', mail, '/', row_version) ORDER BY client_no)"
                                        + " FROM client"))
                .isEqualTo(
                        "1= Ann@Example.com/1,2=JOSÉ@example.com/1,3=bob@example.com/1,4=jose@example.com/1");
    }

    private static void addInsert(PreparedStatement ps, String mail, String key, String name)
            throws SQLException {
        ps.setString(1, mail);
        ps.setString(2, name);
        ps.setString(3, "555");
        ps.setString(4, "Oslo");
        ps.setString(5, key);
        ps.setString(6, SqlDialect.MYSQL.keyParameters(key).get(1));
        ps.addBatch();
    }

    @Test
    void aValueTheColumnCannotHoldFailsAsADataError() throws Exception {
        // Even where the server's own sql_mode is not strict: the job's session is.
        String serverMode = value("SELECT @@GLOBAL.sql_mode");
        db.execute("erp", "SET GLOBAL sql_mode = ''");
        try {
            SqlStatements sql = statements(config.system("erp"));
            assertThatThrownBy(
                            () -> {
                                try (PreparedStatement ps =
                                        connection.prepareStatement(sql.insert())) {
                                    addInsert(
                                            ps,
                                            "carl@example.com",
                                            "carl@example.com",
                                            "Carl Christian");
                                    ps.executeUpdate();
                                }
                            })
                    .isInstanceOf(SQLException.class)
                    .satisfies(
                            e -> {
                                assertThat(((SQLException) e).getSQLState()).isEqualTo("22001");
                                assertThat(SqlDialect.MYSQL.isDataError((SQLException) e)).isTrue();
                            });
            // Not class 22/23, but about the value all the same (error 1366, SQLState HY000).
            try (Statement s = connection.createStatement()) {
                assertThatThrownBy(
                                () ->
                                        s.executeUpdate(
                                                "INSERT INTO client (name, row_version) VALUES ('x', 'many')"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(
                                e -> {
                                    assertThat(((SQLException) e).getErrorCode()).isEqualTo(1366);
                                    assertThat(SqlDialect.MYSQL.isDataError((SQLException) e))
                                            .isTrue();
                                });
            }
            assertThat(value("SELECT count(*) FROM client")).isEqualTo("1");
        } finally {
            try (Connection c = db.connect("erp");
                    PreparedStatement ps = c.prepareStatement("SET GLOBAL sql_mode = ?")) {
                ps.setString(1, serverMode);
                ps.execute();
            }
        }
    }

    /**
     * Without a version column, UPDATE compares every mapped column with the values last seen,
     * exactly: a change of case only is a change. An UPDATE that matches but changes nothing counts
     * as applied (found rows, not changed rows).
     */
    @Test
    void withoutVersionColumnUpdateComparesEveryMappedColumnExactly() throws Exception {
        SyncConfig versionless =
                TestConfigs.parse(
                        db.crmErpYaml("").replace("    version-column: row_version\n", ""));
        SqlStatements sql = statements(versionless.system("erp"));
        assertThat(sql.update())
                .endsWith(
                        " WHERE `client_no` = ? AND CAST(CONVERT(`mail` USING utf8mb4) AS BINARY) <=> CAST(? AS BINARY)"
                                + " AND CAST(CONVERT(`name` USING utf8mb4) AS BINARY) <=> CAST(? AS BINARY)"
                                + " AND CAST(CONVERT(`phone` USING utf8mb4) AS BINARY) <=> CAST(? AS BINARY)"
                                + " AND CAST(CONVERT(`town` USING utf8mb4) AS BINARY) <=> CAST(? AS BINARY)");
        String[] seen = {" Ann@Example.com", "Ann", null, "Oslo"};
        String[] otherCase = {" Ann@Example.com", "Ann", null, "OSLO"};
        String[] trailingSpace = {" Ann@Example.com", "Ann ", null, "Oslo"};
        String[] unchanged = {" Ann@Example.com", "Ann", null, "Oslo"};
        assertThat(updateWithout(sql, unchanged, otherCase)).isZero();
        assertThat(updateWithout(sql, unchanged, trailingSpace)).isZero();
        assertThat(updateWithout(sql, unchanged, seen)).isEqualTo(1);
        assertThat(
                        updateWithout(
                                sql, new String[] {"ann@example.com", "Ann", null, "Bergen"}, seen))
                .isEqualTo(1);
        assertThat(value("SELECT CONCAT(mail, '/', town, '/', row_version) FROM client"))
                .isEqualTo("ann@example.com/Bergen/1");
    }

    private int updateWithout(SqlStatements sql, String[] values, String[] expected)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql.update())) {
            int p = 1;
            for (String v : values) {
                ps.setString(p++, v);
            }
            ps.setString(p++, "1");
            for (String v : expected) {
                ps.setString(p++, v);
            }
            return ps.executeUpdate();
        }
    }

    private String value(String query) throws SQLException {
        try (Connection c = db.connect("erp");
                ResultSet rs = c.createStatement().executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
