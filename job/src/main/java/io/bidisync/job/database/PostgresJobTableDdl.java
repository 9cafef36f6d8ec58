package io.bidisync.job.database;

import io.bidisync.job.config.TableName;

/** PostgreSQL's DDL of the job's own tables. */
record PostgresJobTableDdl(PostgresDialect dialect) implements JobTableDdl {
    @Override
    public String createHeartbeatTable(TableName table) {
        return createTable(
                table, "", "id", "integer PRIMARY KEY", "ts", "timestamptz NOT NULL DEFAULT now()");
    }

    @Override
    public String createWritesTable(TableName table) {
        return createTable(table, "", "id", "integer PRIMARY KEY", "payload", "text NOT NULL");
    }

    @Override
    public String createDeadLetterTable(TableName table) {
        return createTable(
                table,
                "",
                "id",
                "bigserial PRIMARY KEY",
                "at",
                "timestamptz NOT NULL",
                "system",
                "text",
                "key",
                "text",
                "operation",
                "text",
                "reason",
                "text",
                "payload",
                "text");
    }

    @Override
    public String createBreakerTable(TableName table) {
        return createTable(
                table,
                "",
                "system",
                "text PRIMARY KEY",
                "tripped_at",
                "timestamptz",
                "write_limit",
                "bigint",
                "held",
                "bigint",
                "confirmed_at",
                "timestamptz");
    }

    @Override
    public String createHeldWritesTable(TableName table) {
        return createTable(
                table,
                "",
                "seq",
                "bigserial PRIMARY KEY",
                "system",
                "text",
                "golden_id",
                "text",
                "operation",
                "text",
                "row_id",
                "text",
                "expected_version",
                "bigint",
                "expected_values",
                "text",
                "vals",
                "text");
    }
}
