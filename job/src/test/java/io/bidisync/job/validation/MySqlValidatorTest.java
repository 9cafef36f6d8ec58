package io.bidisync.job.validation;

import io.bidisync.job.config.JdbcUrl;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.database.JobTables;
import io.bidisync.job.database.SqlDialect;
import io.bidisync.job.testutil.LocalMariaDb;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.udfs.normalize.Normalizer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dialect choice, and the preflight checks of MySQL/MariaDB write targets on a real MariaDB.
 */
class MySqlValidatorTest {
    private static LocalMariaDb db;

    @BeforeAll
    static void startDatabase() throws Exception {
        db = LocalMariaDb.shared();
    }

    @BeforeEach
    void freshDatabases() throws Exception {
        db.recreateDatabase("crm");
        db.recreateDatabase("erp");
        db.execute("crm", LocalMariaDb.CRM_CUSTOMER);
        db.execute("erp", LocalMariaDb.ERP_CLIENT);
    }

    @Test
    void theUrlChoosesTheDialect() {
        assertThat(SqlDialect.forUrl("jdbc:postgresql://h/db")).isSameAs(SqlDialect.POSTGRES);
        assertThat(SqlDialect.forUrl("jdbc:mariadb://h/db")).isSameAs(SqlDialect.MYSQL);
        assertThat(SqlDialect.forUrl("jdbc:mysql://h/db")).isSameAs(SqlDialect.MYSQL);
        assertThat(SqlDialect.forUrl("jdbc:sqlserver://h")).isNull();
        assertThat(JdbcUrl.parse("jdbc:mariadb://erp-db/erp"))
                .isEqualTo(new JdbcUrl("erp-db", 3306, "erp"));
        assertThat(JdbcUrl.parse("jdbc:mysql://erp-db:3307/erp?sslMode=trust"))
                .isEqualTo(new JdbcUrl("erp-db", 3307, "erp"));
        assertThat(JdbcUrl.parse("jdbc:mariadb:replication://a:3306,b:3306/erp"))
                .isEqualTo(new JdbcUrl("a", 3306, "erp"));
        assertThat(JdbcUrl.parse("jdbc:mariadb://erp-db:3306/"))
                .isEqualTo(new JdbcUrl("erp-db", 3306, null));
        assertThat(JdbcUrl.parse("jdbc:postgresql://crm:5433/crm"))
                .isEqualTo(new JdbcUrl("crm", 5433, "crm"));
        assertThat(JdbcUrl.parse("mysql://x")).isNull();
        assertThat(SqlDialect.MYSQL.quote("full_name")).isEqualTo("`full_name`");
        assertThatThrownBy(() -> SqlDialect.MYSQL.quote("x` OR 1=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid SQL identifier");
        assertThat(SqlDialect.POSTGRES.quote("full_name")).isEqualTo("\"full_name\"");
    }

    @Test
    void aWellPreparedTargetHasNoProblems() throws Exception {
        SyncConfig config = TestConfigs.parse(db.crmErpYaml("dead-letters: { system: erp }\n"));
        DatabaseValidator.Report before = DatabaseValidator.check(config);
        assertThat(before.problems()).isEmpty();
        assertThat(before.warnings())
                .anyMatch(
                        w ->
                                w.equals(
                                        "dead-letters.table: erp.bidisync_dead_letter does not exist yet; the job creates it when it starts"))
                .anyMatch(
                        w ->
                                w.startsWith(
                                        "systems.erp.table: erp.bidisync_heartbeat does not exist yet"));

        JobTables.ensure(config);
        DatabaseValidator.Report after = DatabaseValidator.check(config);
        assertThat(after.problems()).isEmpty();
        // MariaDB before 11.8 cannot use an index for the guard's expression: the advice says how
        // to create one, and the advice is valid DDL.
        String prefix =
                "systems.erp.table: no index on the normalised match key; every guarded INSERT scans erp.client. Create one: ";
        assertThat(after.warnings())
                .anyMatch(w -> w.startsWith(prefix))
                .contains(
                        "systems.erp.columns.name: column 'name' is varchar(10), shorter than"
                                + " another system's column: a longer value is a dead letter there"
                                + " (mark it lossy: [name] to write it cut)")
                .hasSize(3);
        String advice =
                after.warnings().stream()
                        .filter(w -> w.startsWith(prefix))
                        .findFirst()
                        .orElseThrow()
                        .substring(prefix.length());
        String ddl = advice.substring(0, advice.indexOf(" (MySQL"));
        db.execute("erp", ddl);
        db.execute("erp", "INSERT INTO client (mail, name) VALUES (' Ann@Example.COM', 'Ann')");
        try (Connection c = db.connect("erp");
                java.sql.ResultSet rs =
                        c.createStatement()
                                .executeQuery(
                                        "SELECT CAST(mail_bidisync_key AS CHAR) FROM client")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(Normalizer.EMAIL.normalize(" Ann@Example.COM"));
        }
    }

    @Test
    void refusesAColumnThatCannotHoldItsAttributesValues() throws Exception {
        db.execute(
                "erp",
                "ALTER TABLE client MODIFY phone int, MODIFY town date,"
                        + " ADD born datetime(6), ADD active tinyint(1)");
        SyncConfig config = TestConfigs.parse(db.crmErpYaml("types: { city: timestamptz }\n"));
        assertThat(DatabaseValidator.check(config).problems())
                .containsExactlyInAnyOrder(
                        "systems.erp.columns.phone: column 'phone' is int, which cannot hold every"
                                + " text value of attribute 'phone' the other systems hold and"
                                + " give it back unchanged (declare its type under types:, map"
                                + " another column, or mark the mapping lossy: [phone] to write"
                                + " the values as the column stores them)",
                        "systems.erp.columns.city: column 'town' is date, which cannot hold every"
                                + " timestamptz value of attribute 'city' the other systems hold"
                                + " and give it back unchanged (declare its type under types:, map"
                                + " another column, or mark the mapping lossy: [city] to write the"
                                + " values as the column stores them)");

        // Marked lossy, both are written as the columns store them (a day, a number).
        SyncConfig lossy =
                TestConfigs.parse(
                        db.crmErpYaml("types: { city: timestamptz }\n")
                                .replace(
                                        "    table: erp.client\n",
                                        "    table: erp.client\n    lossy: [phone, city]\n"));
        assertThat(DatabaseValidator.check(lossy).problems()).isEmpty();

        // Columns of other types that hold the values exactly: an instant in a datetime (as UTC),
        // a whole number in an int, both as their text in CRM's varchar columns.
        db.execute("erp", "ALTER TABLE client MODIFY town datetime(6)");
        SyncConfig fitting =
                TestConfigs.parse(db.crmErpYaml("types: { city: timestamptz, phone: integer }\n"));
        assertThat(DatabaseValidator.check(fitting).problems()).isEmpty();
    }

    @Test
    void reportsWhatAWriteTargetLacks() throws Exception {
        db.execute(
                "erp",
                "DROP TABLE client; CREATE TABLE client (client_no int PRIMARY KEY, mail varchar(120),"
                        + " name varchar(10) NOT NULL, phone text, town text, row_version varchar(10),"
                        + " legacy_code int NOT NULL) ENGINE=MyISAM");
        SyncConfig config =
                TestConfigs.parse(
                        db.crmErpYaml("").replace("table: crm.customer", "table: customer"));
        DatabaseValidator.Report report = DatabaseValidator.check(config);
        assertThat(report.problems())
                .containsExactlyInAnyOrder(
                        "systems.crm.table: table public.customer does not exist (or the user cannot see it); in MySQL/MariaDB write the table as database.table",
                        "systems.erp.table: erp.client is a MyISAM table; the conditional writes need InnoDB (transactions, row locks)",
                        "systems.erp.version-column: 'row_version' is varchar, expected an integer counter",
                        "systems.erp.write: insert needs every primary-key column generated (default or identity) or mapped from an attribute, but 'client_no' is neither",
                        "systems.erp.write: insert cannot fill NOT NULL column 'legacy_code' (no default, not mapped)");
    }

    @Test
    void reportsMissingPrivileges() throws Exception {
        try (Connection c = db.connect("");
                Statement s = c.createStatement()) {
            s.execute("DROP USER IF EXISTS 'sync'@'%', 'sync'@'localhost'");
            for (String host : new String[] {"%", "localhost"}) {
                s.execute("CREATE USER 'sync'@'" + host + "'");
                s.execute("GRANT SELECT, UPDATE ON erp.client TO 'sync'@'" + host + "'");
                s.execute("GRANT SELECT ON crm.* TO 'sync'@'" + host + "'");
            }
        }
        SyncConfig config =
                TestConfigs.parse(
                        db.crmErpYaml("")
                                .replace("username: " + LocalMariaDb.USER, "username: sync")
                                .replace(
                                        "columns: { email: mail, name: name, phone: phone, city: town }\n    write: [insert, update]",
                                        "columns: { email: mail, name: name, phone: phone, city: town }\n    write: [insert, update, delete]"));
        DatabaseValidator.Report report = DatabaseValidator.check(config);
        assertThat(report.problems())
                .contains(
                        "systems.erp.table: user 'sync' lacks INSERT on erp.client",
                        "systems.erp.table: user 'sync' lacks DELETE on erp.client",
                        "systems.crm.table: user 'sync' lacks INSERT on crm.customer",
                        "systems.crm.table: user 'sync' lacks UPDATE on crm.customer")
                .noneMatch(p -> p.contains("lacks SELECT") || p.contains("lacks UPDATE on erp"));
    }
}
