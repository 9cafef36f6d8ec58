package io.bidisync.job.testutil;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.config.SyncConfig;

/**
 * A configuration whose every identifier is a word databases reserve: schemas {@code user} and
 * {@code select}, tables {@code order} and {@code group}, primary key {@code select}, version
 * column {@code limit}, columns {@code group} (the match key), {@code system} (reserved by MySQL 8
 * only), {@code key} and {@code user}; the job's tables {@code table} (heartbeat), {@code where}
 * (writes), {@code from} (dead letters) and {@code check} (audit). CRM and ERP are both read-write,
 * matched by e-mail; the breaker is on.
 */
public final class ReservedNames {
    /** The columns of the synced tables, in the configuration's attribute order. */
    public static final String EMAIL = "group";

    public static final String NAME = "system";
    public static final String PHONE = "key";
    public static final String CITY = "user";
    public static final String PRIMARY_KEY = "select";
    public static final String VERSION = "limit";

    private ReservedNames() {}

    /**
     * CRM as {@code crmSchema.order} and ERP as {@code erpSchema.group}, both at {@code url}; for a
     * MySQL URL their changes come from (never read) Debezium topics and there is no audit table
     * (it must be in PostgreSQL).
     */
    public static String yaml(String url, String crmSchema, String erpSchema) {
        boolean postgres = url.startsWith("jdbc:postgresql:");
        return """
                name: reserved
                match-key: { attribute: email, normalize: email }
                attributes: [email, name, phone, city]
                completeness: { heartbeat-table: table }
                writer: { writes-table: where }
                dead-letters: { system: crm, table: from }
                safety: { max-writes-per-system: 1000, window: 10m }
                """
                + (postgres ? "audit: { system: crm, table: check }\n" : "")
                + "systems:\n"
                + system("crm", url, crmSchema + ".order", postgres)
                + system("erp", url, erpSchema + ".group", postgres);
    }

    public static SyncConfig config(String url, String crmSchema, String erpSchema) {
        return TestConfigs.parse(yaml(url, crmSchema, erpSchema));
    }

    private static String system(String name, String url, String table, boolean postgres) {
        return "  "
                + name
                + ":\n"
                + "    connection: { url: \""
                + url
                + "\", username: "
                + (postgres ? LocalPostgres.USER : LocalMariaDb.USER)
                + " }\n"
                + "    table: "
                + table
                + "\n"
                + "    primary-key: "
                + PRIMARY_KEY
                + "\n"
                + "    version-column: "
                + VERSION
                + "\n"
                + "    columns: { email: "
                + EMAIL
                + ", name: "
                + NAME
                + ", phone: "
                + PHONE
                + ", city: "
                + CITY
                + " }\n"
                + "    write: [insert, update, delete]\n"
                + (postgres
                        ? ""
                        : "    source: { kind: kafka-debezium, bootstrap-servers: \"localhost:9\","
                                + " topic: "
                                + name
                                + ".changes }\n");
    }

    /**
     * DDL of a synced table with these columns at {@code table} (already quoted): generated key,
     * version counter, text columns.
     */
    public static String createTable(String table, boolean postgres) {
        String text = postgres ? "text" : "varchar(120)";
        return "CREATE TABLE "
                + table
                + (postgres
                        ? " (\"select\" serial PRIMARY KEY, \"limit\" integer NOT NULL DEFAULT 1,"
                        : " (`select` int AUTO_INCREMENT PRIMARY KEY, `limit` int NOT NULL DEFAULT 1,")
                + q("group", postgres)
                + " "
                + text
                + ", "
                + q("system", postgres)
                + " varchar(10), "
                + q("key", postgres)
                + " "
                + text
                + ", "
                + q("user", postgres)
                + " "
                + text
                + ")"
                + (postgres ? "" : " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
    }

    private static String q(String name, boolean postgres) {
        return postgres ? '"' + name + '"' : '`' + name + '`';
    }
}
