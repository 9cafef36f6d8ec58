package io.bidisync.job.database;

import io.bidisync.job.config.TableName;

import java.util.ArrayList;
import java.util.List;

/**
 * The DDL of the job's own tables in one dialect: heartbeat, writes, dead letters, the breaker's
 * tables. Every name is quoted.
 */
public interface JobTableDdl {
    /** The dialect whose quoting this uses. */
    SqlDialect dialect();

    default String quote(String identifier) {
        return dialect().quote(identifier);
    }

    default String quote(TableName table) {
        return dialect().quote(table);
    }

    default String quoteAll(String... identifiers) {
        return dialect().quoteAll(identifiers);
    }

    /**
     * {@code CREATE TABLE IF NOT EXISTS} of one of the job's tables: {@code columns} alternate a
     * column's name (quoted here) and the rest of its definition; {@code options} follow the column
     * list.
     */
    default String createTable(TableName table, String options, String... columns) {
        List<String> definitions = new ArrayList<>();
        for (int i = 0; i < columns.length; i += 2) {
            definitions.add(quote(columns[i]) + " " + columns[i + 1]);
        }
        return "CREATE TABLE IF NOT EXISTS "
                + quote(table)
                + " ("
                + String.join(", ", definitions)
                + ")"
                + options;
    }

    /** DDL of the heartbeat table: {@code id} integer primary key, {@code ts} the last beat. */
    String createHeartbeatTable(TableName table);

    /** DDL of the writes table: {@code id} integer primary key, {@code payload} text. */
    String createWritesTable(TableName table);

    /** DDL of the dead-letter table. */
    String createDeadLetterTable(TableName table);

    /** DDL of the mass-change breaker's table: one row per system that is stopped. */
    String createBreakerTable(TableName table);

    /** DDL of the table that reports the writes the mass-change breaker holds back. */
    String createHeldWritesTable(TableName table);

    /** Inserts a dead letter; parameters: time, system, key, operation, reason, payload. */
    default String insertDeadLetter(TableName table) {
        return "INSERT INTO "
                + quote(table)
                + " ("
                + quoteAll("at", "system", "key", "operation", "reason", "payload")
                + ") VALUES (?, ?, ?, ?, ?, ?)";
    }
}
