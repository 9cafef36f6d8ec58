package io.bidisync.job.validation;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.job.testutil.TestServers;
import io.bidisync.udfs.types.ValueType;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The types the configuration leaves out come from the columns: the first column type that every
 * mapped column holds, so two systems with different column types for the same values agree.
 */
class TableTypesTest {

    @Test
    void eachUndeclaredAttributeTakesTheTypeEveryMappedColumnHolds() throws Exception {
        LocalPostgres pg = TestServers.of("crm");
        pg.createDatabase("tabletypes");
        pg.execute(
                "tabletypes",
                "DROP TABLE IF EXISTS a, b;"
                        + " CREATE TABLE a (id serial PRIMARY KEY, email varchar(80), born date,"
                        + " seen timestamptz, n numeric(10,2), flag boolean, note text);"
                        + " CREATE TABLE b (id serial PRIMARY KEY, email text, born text,"
                        + " seen timestamp, n integer, flag smallint, note date)");
        String url = pg.jdbcUrl("tabletypes");
        String yaml =
                """
                name: tabletypes
                match-key: { attribute: email }
                attributes: [email, born, seen, n, flag, note]
                types: { note: text }
                systems:
                  a:
                    connection: { url: "%s", username: postgres }
                    table: public.a
                    primary-key: id
                    columns: { email: email, born: born, seen: seen, n: n, flag: flag, note: note }
                  b:
                    connection: { url: "%s", username: postgres }
                    table: public.b
                    primary-key: id
                    columns: { email: email, born: born, seen: seen, n: n, flag: flag, note: note }
                """
                        .formatted(url, url);
        SyncConfig config = TestConfigs.parse(yaml);
        TableTypes.Found found = TableTypes.infer(config);
        assertThat(found.config().attributes().types())
                .containsExactly(
                        ValueType.TEXT,
                        ValueType.DATE,
                        ValueType.TIMESTAMPTZ,
                        ValueType.INTEGER,
                        ValueType.BOOLEAN,
                        ValueType.TEXT);
        assertThat(found.sources())
                .containsEntry("born", "a.born date, b.born text")
                .containsEntry("note", "declared");
        // The declared text of a date column is what the checks then refuse.
        assertThat(DatabaseValidator.check(found.config()).problems())
                .containsExactly(
                        "systems.b.columns.note: column 'note' is date, which cannot hold every"
                                + " text value of attribute 'note' and give it back unchanged"
                                + " (declare its type under types:, or map another column)");
    }

    @Test
    void theFirstColumnTypeThatEveryColumnHolds() {
        assertThat(TableTypes.common(List.of(ValueType.TIMESTAMP, ValueType.TIMESTAMPTZ)))
                .isEqualTo(ValueType.TIMESTAMPTZ);
        assertThat(TableTypes.common(List.of(ValueType.INTEGER, ValueType.BOOLEAN)))
                .isEqualTo(ValueType.BOOLEAN);
        assertThat(TableTypes.common(List.of(ValueType.DATE, ValueType.INTEGER)))
                .isEqualTo(ValueType.TEXT);
        assertThat(TableTypes.common(List.of())).isEqualTo(ValueType.TEXT);
    }
}
