package io.bidisync.job.sink;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.database.Database;
import io.bidisync.job.database.SqlDialect;
import io.bidisync.job.database.TableColumns;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.udfs.normalize.Normalizer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The conditional statements and the SQL normalisers, against a real PostgreSQL. */
class SqlStatementsTest {
    private static LocalPostgres pg;
    private static SyncConfig config;

    private Connection connection;

    @BeforeAll
    static void startDatabase() throws Exception {
        pg = LocalPostgres.start("sql");
        pg.createDatabase("erp");
        config = TestConfigs.crmErp(pg.jdbcUrl("erp"), pg.jdbcUrl("erp"));
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        pg.close();
    }

    @BeforeEach
    void freshTable() throws Exception {
        pg.execute(
                "erp",
                "DROP TABLE IF EXISTS client; CREATE TABLE client (client_no serial PRIMARY KEY,"
                        + " mail varchar(60), name varchar(10) NOT NULL, phone text, town text,"
                        + " row_version integer NOT NULL DEFAULT 1);"
                        + " INSERT INTO client (mail, name, town) VALUES (' Ann@Example.com', 'Ann', 'Oslo')");
    }

    private SqlStatements statements(SystemConfig system) throws SQLException {
        connection = Database.connect(system);
        return new SqlStatements(
                system,
                system.mapping(config.attributes()),
                config.matchKey(),
                TableColumns.read(SqlDialect.POSTGRES, connection, system.table()));
    }

    /**
     * Every normaliser's SQL form gives exactly what the Java one gives (blank: '' for null), for
     * the values that trip up SQL normalisers, composed and decomposed.
     */
    @ParameterizedTest
    @EnumSource(Normalizer.class)
    void sqlNormalisersAgreeWithJava(Normalizer normalizer) throws Exception {
        List<String> samples = new ArrayList<>(MySqlStatementsTest.TRICKY);
        MySqlStatementsTest.TRICKY.forEach(
                t -> samples.add(java.text.Normalizer.normalize(t, java.text.Normalizer.Form.NFD)));
        try (Connection c = pg.connect("erp");
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT "
                                        + SqlDialect.POSTGRES.normalized(normalizer, "v")
                                        + " FROM (SELECT CAST(? AS text) AS v) sample")) {
            for (String sample : samples) {
                ps.setString(1, sample);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String sql = rs.getString(1);
                    String java = normalizer.normalize(sample);
                    String expected = java == null && normalizer != Normalizer.NONE ? "" : java;
                    if (normalizer == Normalizer.NONE && java == null) {
                        expected = sample;
                    }
                    assertThat(sql).as("%s of '%s'", normalizer, sample).isEqualTo(expected);
                }
            }
        }
    }

    /**
     * The case-insensitive normaliser's SQL form is Java's for every code point of the planes in
     * use (0 to 3 and 14; 4 to 13 are unassigned, 15 and 16 private): the case mapping and
     * Unicode's NFC (PostgreSQL's tables and the JDK's) agree.
     */
    @Test
    void lowerAgreesWithJavaForEveryCodePoint() throws Exception {
        List<String> mismatches = new ArrayList<>();
        try (Connection c = pg.connect("erp");
                ResultSet rs =
                        c.createStatement()
                                .executeQuery(
                                        "SELECT i, v FROM (SELECT i, "
                                                + SqlDialect.POSTGRES.normalized(
                                                        Normalizer.LOWER, "chr(i)")
                                                + " AS v FROM generate_series(1, 917999) i"
                                                + " WHERE i NOT BETWEEN 55296 AND 57343"
                                                + " AND i NOT BETWEEN 262144 AND 917503) x"
                                                + " WHERE v IS DISTINCT FROM chr(i)")) {
            java.util.Set<Integer> changed = new java.util.HashSet<>();
            while (rs.next()) {
                int codePoint = rs.getInt(1);
                changed.add(codePoint);
                String java = Normalizer.LOWER.normalize(Character.toString(codePoint));
                if (!(java == null ? "" : java).equals(rs.getString(2))) {
                    mismatches.add(
                            String.format(
                                    "U+%04X: SQL %s, Java %s", codePoint, rs.getString(2), java));
                }
            }
            for (int codePoint = 1; codePoint <= 0xE01EF; codePoint++) {
                if (codePoint >= 0xD800 && codePoint <= 0xDFFF
                        || codePoint >= 0x40000 && codePoint <= 0xDFFFF
                        || changed.contains(codePoint)) {
                    continue;
                }
                String text = Character.toString(codePoint);
                if (!text.equals(Normalizer.LOWER.normalize(text))) {
                    mismatches.add(String.format("U+%04X: SQL keeps it, Java does not", codePoint));
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void updateAppliesOnlyToTheVersionLastSeen() throws Exception {
        SqlStatements sql = statements(config.system("erp"));
        assertThat(sql.update())
                .isEqualTo(
                        "UPDATE \"public\".\"client\" SET \"mail\" = ?, \"name\" = ?, \"phone\" = ?, \"town\" = ?,"
                                + " \"row_version\" = COALESCE(\"row_version\", 0) + 1"
                                + " WHERE \"client_no\" = ? AND \"row_version\" IS NOT DISTINCT FROM ?");
        assertThat(update(sql, 2L)).isZero();
        assertThat(update(sql, 1L)).isEqualTo(1);
        assertThat(update(sql, 1L)).isZero();
        assertThat(value("SELECT town || '/' || row_version FROM client WHERE client_no = 1"))
                .isEqualTo("Bergen/2");
    }

    private int update(SqlStatements sql, long version) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql.update())) {
            ps.setString(1, "ann@example.com");
            ps.setString(2, "Ann");
            ps.setString(3, null);
            ps.setString(4, "Bergen");
            ps.setString(5, "1");
            ps.setLong(6, version);
            return ps.executeUpdate();
        }
    }

    @Test
    void insertIsBlockedByARowWithTheSameNormalisedKey() throws Exception {
        SqlStatements sql = statements(config.system("erp"));
        assertThat(insert(sql, "ANN@example.com ", "ann@example.com", "Ann")).isNull();
        String pk = insert(sql, "bob@example.com", "bob@example.com", "Bob");
        assertThat(pk).isEqualTo("2");
        assertThat(value("SELECT mail || '/' || row_version FROM client WHERE client_no = 2"))
                .isEqualTo("bob@example.com/1");
    }

    @Test
    void valueTooLongFailsInsteadOfBeingCut() throws Exception {
        SqlStatements sql = statements(config.system("erp"));
        assertThatThrownBy(
                        () -> insert(sql, "carl@example.com", "carl@example.com", "Carl Christian"))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("22"));
    }

    private String insert(SqlStatements sql, String mail, String key, String name)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql.insert())) {
            ps.setString(1, mail);
            ps.setString(2, name);
            ps.setString(3, "555");
            ps.setString(4, "Oslo");
            ps.setString(5, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void withoutVersionColumnUpdateComparesEveryMappedColumn() throws Exception {
        SyncConfig versionless =
                TestConfigs.parse(
                        TestConfigs.crmErpYaml(pg.jdbcUrl("erp"), pg.jdbcUrl("erp"), "")
                                .replace("    version-column: row_version\n", ""));
        SqlStatements sql = statements(versionless.system("erp"));
        String[] seen = {" Ann@Example.com", "Ann", null, "Oslo"};
        String[] stale = {" Ann@Example.com", "Ann", null, "Molde"};
        assertThat(updateWithout(sql, stale)).isZero();
        assertThat(updateWithout(sql, seen)).isEqualTo(1);
        assertThat(value("SELECT town || '/' || row_version FROM client WHERE client_no = 1"))
                .isEqualTo("Bergen/1");
    }

    @Test
    void withoutVersionColumnColumnsWithoutEqualityCompareByValue() throws Exception {
        pg.execute(
                "erp",
                "ALTER TABLE client ALTER COLUMN phone TYPE json USING '{\"a\": 1, \"b\": [2]}',"
                        + " ALTER COLUMN town TYPE point USING point(1.5, 2)");
        SyncConfig versionless =
                TestConfigs.parse(
                        TestConfigs.crmErpYaml(pg.jdbcUrl("erp"), pg.jdbcUrl("erp"), "")
                                .replace("    version-column: row_version\n", ""));
        SqlStatements sql = statements(versionless.system("erp"));
        String[] next = {"ann@example.com", "Ann", "{\"c\": true}", "(3,4)"};
        // The job's form of what it last saw: keys sorted, no spaces; the point as it reads.
        String[] seen = {" Ann@Example.com", "Ann", "{\"a\":1,\"b\":[2]}", "(1.5,2)"};
        String[] stale = {" Ann@Example.com", "Ann", "{\"a\":1,\"b\":[3]}", "(1.5,2)"};
        assertThat(update(sql, next, stale)).isZero();
        assertThat(update(sql, next, seen)).isEqualTo(1);
        assertThat(value("SELECT phone::text || ' ' || town::text FROM client"))
                .isEqualTo("{\"c\": true} (3,4)");
    }

    private int update(SqlStatements sql, String[] values, String[] expected) throws SQLException {
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

    private int updateWithout(SqlStatements sql, String[] expected) throws SQLException {
        return update(sql, new String[] {"ann@example.com", "Ann", null, "Bergen"}, expected);
    }

    private String value(String query) throws SQLException {
        try (Connection c = pg.connect("erp");
                ResultSet rs = c.createStatement().executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
