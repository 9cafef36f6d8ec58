package io.bidisync.job.database;

import io.bidisync.job.config.TableName;

/** MySQL's and MariaDB's DDL of the job's own tables. */
record MySqlJobTableDdl(MySqlDialect dialect) implements JobTableDdl {
    /** The job's tables: transactional, and able to hold any text. */
    private static final String TABLE_OPTIONS = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

    /**
     * {@code timestamp} (not {@code datetime}): stored in UTC, so a change event carries an
     * instant.
     */
    @Override
    public String createHeartbeatTable(TableName table) {
        return createTable(
                table,
                TABLE_OPTIONS,
                "id",
                "int PRIMARY KEY",
                "ts",
                "timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)");
    }

    /** {@code mediumtext}: MySQL's {@code text} holds only 64 kB, less than a large batch's. */
    @Override
    public String createWritesTable(TableName table) {
        return createTable(
                table, TABLE_OPTIONS, "id", "int PRIMARY KEY", "payload", "mediumtext NOT NULL");
    }

    @Override
    public String createBreakerTable(TableName table) {
        return createTable(
                table,
                TABLE_OPTIONS,
                "system",
                "varchar(255) PRIMARY KEY",
                "tripped_at",
                "timestamp(3) NULL",
                "write_limit",
                "bigint",
                "held",
                "bigint",
                "confirmed_at",
                "timestamp(3) NULL");
    }

    @Override
    public String createHeldWritesTable(TableName table) {
        return createTable(
                table,
                TABLE_OPTIONS,
                "seq",
                "bigint AUTO_INCREMENT PRIMARY KEY",
                "system",
                "varchar(255)",
                "golden_id",
                "text",
                "operation",
                "varchar(255)",
                "row_id",
                "text",
                "expected_version",
                "bigint",
                "expected_values",
                "longtext",
                "vals",
                "longtext");
    }

    @Override
    public String createDeadLetterTable(TableName table) {
        return createTable(
                table,
                TABLE_OPTIONS,
                "id",
                "bigint AUTO_INCREMENT PRIMARY KEY",
                "at",
                "timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)",
                "system",
                "text",
                "key",
                "text",
                "operation",
                "text",
                "reason",
                "text",
                "payload",
                "mediumtext");
    }
}
