package io.bidisync.job.database;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which statement errors become dead letters (no retry can fix them) and which fail the job after
 * its retries (the database, its privileges or its tables need a person).
 */
class SqlErrorClassesTest {
    private static boolean deadLetter(SqlDialect dialect, String state) {
        return dialect.isDataError(new SQLException("error", state));
    }

    @Test
    void errorsAboutTheValuesAreDeadLetters() {
        for (SqlDialect dialect : new SqlDialect[] {SqlDialect.POSTGRES, SqlDialect.MYSQL}) {
            for (String state :
                    new String[] {
                        "22001", "22P02", "23505", "42804", "42883", "0A000", "42000", "42S22"
                    }) {
                assertThat(deadLetter(dialect, state))
                        .as("%s %s", dialect.displayName(), state)
                        .isTrue();
            }
            for (String state :
                    new String[] {"42501", "42P01", "08006", "40001", "57P01", "53300"}) {
                assertThat(deadLetter(dialect, state))
                        .as("%s %s", dialect.displayName(), state)
                        .isFalse();
            }
        }
    }

    @Test
    void aBatchErrorCountsByTheStatementThatFailed() {
        SQLException batch = new SQLException("batch failed", "08000");
        batch.setNextException(new SQLException("no operator", "42883"));
        assertThat(SqlDialect.POSTGRES.isDataError(batch)).isTrue();
    }
}
