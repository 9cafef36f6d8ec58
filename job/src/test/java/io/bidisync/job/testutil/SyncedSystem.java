package io.bidisync.job.testutil;

import io.bidisync.embedded.CustomerTables;
import io.bidisync.job.database.SqlDialect;
import io.bidisync.udfs.normalize.Normalizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A system of the test scenarios: its table, how it maps to the attributes [email, name, phone,
 * city], and what the job may write to it. CRM and ERP are the {@link CustomerTables} with their
 * key indexes; Billing is read-only and holds no phone.
 */
public record SyncedSystem(
        String name,
        String table,
        String primaryKey,
        String versionColumn,
        Map<String, String> columns,
        String ddl,
        String write,
        String deletes,
        String source) {

    public static final List<String> ATTRIBUTES = List.of("email", "name", "phone", "city");

    public static SyncedSystem crm() {
        return new SyncedSystem(
                "crm",
                "customer",
                "id",
                "version",
                columns("email", "full_name", "phone", "city"),
                CustomerTables.crm(SyncedSystem::emailKey),
                "[insert, update]",
                "ignore",
                "");
    }

    public static SyncedSystem erp() {
        return new SyncedSystem(
                "erp",
                "client",
                "client_no",
                "row_version",
                columns("mail", "name", "phone", "town"),
                CustomerTables.erp(SyncedSystem::emailKey),
                "[insert, update]",
                "ignore",
                "");
    }

    /** Read-only: a source of data, never written. */
    public static SyncedSystem billing() {
        return new SyncedSystem(
                "billing",
                "account",
                "account_id",
                "ver",
                columns("email", "holder", null, "city"),
                "CREATE TABLE account (account_id serial PRIMARY KEY, email text, holder text, city text,"
                        + " ver integer NOT NULL DEFAULT 1);",
                "[]",
                "ignore",
                "");
    }

    private static Map<String, String> columns(
            String email, String name, String phone, String city) {
        Map<String, String> columns = new LinkedHashMap<>();
        String[] names = {email, name, phone, city};
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null) {
                columns.put(ATTRIBUTES.get(i), names[i]);
            }
        }
        return columns;
    }

    /** The same system with another table definition (same table and column names). */
    public SyncedSystem withDdl(String ddl) {
        return new SyncedSystem(
                name, table, primaryKey, versionColumn, columns, ddl, write, deletes, source);
    }

    public SyncedSystem withWrite(String write) {
        return new SyncedSystem(
                name, table, primaryKey, versionColumn, columns, ddl, write, deletes, source);
    }

    public SyncedSystem withDeletes(String deletes) {
        return new SyncedSystem(
                name, table, primaryKey, versionColumn, columns, ddl, write, deletes, source);
    }

    /** The same system with a {@code source:} block (YAML, indented as a system key). */
    public SyncedSystem withSource(String source) {
        return new SyncedSystem(
                name, table, primaryKey, versionColumn, columns, ddl, write, deletes, source);
    }

    public String column(String attribute) {
        return columns.get(attribute);
    }

    /** The system's block in the configuration. */
    String yaml(String url) {
        List<String> mapped = new ArrayList<>();
        columns.forEach((attribute, column) -> mapped.add(attribute + ": " + column));
        return """
                  %s:
                    connection: { url: "%s", username: postgres }
                    table: public.%s
                    primary-key: %s
                    version-column: %s
                    columns: { %s }
                    write: %s
                    deletes: %s
                %s"""
                .formatted(
                        name,
                        url,
                        table,
                        primaryKey,
                        versionColumn,
                        String.join(", ", mapped),
                        write,
                        deletes,
                        source);
    }

    /** Rows in attribute order (null where unmapped): id, email, name, phone, city, version. */
    String selectRows() {
        List<String> select = new ArrayList<>();
        select.add(primaryKey + "::text");
        for (String attribute : ATTRIBUTES) {
            String column = columns.get(attribute);
            select.add(column == null ? "NULL" : column + "::text");
        }
        // Digits only: a test may give a system a text version column with junk in it.
        select.add(
                "NULLIF(regexp_replace("
                        + versionColumn
                        + "::text, '[^0-9]', '', 'g'), '')::bigint");
        return "SELECT " + String.join(", ", select) + " FROM " + table + " ORDER BY " + primaryKey;
    }

    /**
     * An audit trigger recording every change of the table, who made it, and in which transaction.
     */
    String auditDdl() {
        return "CREATE TABLE bidisync_audit (seq bigserial PRIMARY KEY, op text NOT NULL, pk text,"
                + " old_row jsonb, new_row jsonb, app text, xid bigint NOT NULL DEFAULT txid_current());"
                + " CREATE FUNCTION bidisync_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " INSERT INTO bidisync_audit (op, pk, old_row, new_row, app) VALUES (TG_OP,"
                + " COALESCE(to_jsonb(NEW)->>TG_ARGV[0], to_jsonb(OLD)->>TG_ARGV[0]),"
                + " CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END,"
                + " CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END,"
                + " current_setting('application_name')); RETURN NULL; END $$;"
                + " CREATE TRIGGER bidisync_audit AFTER INSERT OR UPDATE OR DELETE ON "
                + table
                + " FOR EACH ROW EXECUTE FUNCTION bidisync_audit('"
                + primaryKey
                + "');";
    }

    /** SQL for the normalised e-mail of the system's e-mail column (for queries in tests). */
    public String emailKey() {
        return emailKey(column("email"));
    }

    /** SQL for the normalised e-mail of a column, as the job's PostgreSQL dialect writes it. */
    public static String emailKey(String column) {
        return SqlDialect.POSTGRES.normalized(Normalizer.EMAIL, column);
    }
}
