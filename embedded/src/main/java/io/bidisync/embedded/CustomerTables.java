package io.bidisync.embedded;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Two customer tables that differ in names and types the way real systems do: CRM's {@code
 * customer} and ERP's {@code client}. The demo, the tests and the benchmarks sync between them.
 *
 * <p>{@link #crm} and {@link #erp} add an index on the normalised e-mail, so the job's guarded
 * INSERT does not scan the table. That expression is the job's (its SQL dialect turns a normaliser
 * into SQL), so whoever creates the tables passes it in: this module does not depend on the job.
 */
public final class CustomerTables {
    /** CRM: the version column is the application's optimistic-lock counter. */
    public static final String CRM =
            "CREATE TABLE customer ("
                    + " id serial PRIMARY KEY,"
                    + " email text,"
                    + " full_name text,"
                    + " phone text,"
                    + " city text,"
                    + " version integer NOT NULL DEFAULT 1);";

    /** ERP: different column names, bounded lengths. */
    public static final String ERP =
            "CREATE TABLE client ("
                    + " client_no serial PRIMARY KEY,"
                    + " mail varchar(120),"
                    + " name varchar(120),"
                    + " phone varchar(40),"
                    + " town varchar(80),"
                    + " row_version integer NOT NULL DEFAULT 1);";

    /**
     * {@link #CRM} and its index on the normalised e-mail; {@code emailKey} gives the SQL of a
     * column's normalised e-mail.
     */
    public static String crm(UnaryOperator<String> emailKey) {
        return CRM
                + " CREATE INDEX customer_email_key ON customer (("
                + emailKey.apply("email")
                + "));";
    }

    /** {@link #ERP} and its index on the normalised e-mail, as {@link #crm}. */
    public static String erp(UnaryOperator<String> emailKey) {
        return ERP + " CREATE INDEX client_mail_key ON client ((" + emailKey.apply("mail") + "));";
    }

    private CustomerTables() {}

    /** A customer row of either system, in the global attribute order. */
    public record Row(
            String id, String email, String name, String phone, String city, long version) {
        public List<String> values() {
            return Arrays.asList(email, name, phone, city);
        }
    }

    public static List<Row> crmRows(Connection c) throws SQLException {
        return rows(
                c, "SELECT id, email, full_name, phone, city, version FROM customer ORDER BY id");
    }

    public static List<Row> erpRows(Connection c) throws SQLException {
        return rows(
                c,
                "SELECT client_no, mail, name, phone, town, row_version FROM client ORDER BY client_no");
    }

    /** Reads rows of a query selecting id, email, name, phone, city, version (in that order). */
    public static List<Row> rows(Connection c, String query) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                rows.add(
                        new Row(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getLong(6)));
            }
        }
        return rows;
    }
}
