package io.bidisync.job.validation;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.job.testutil.TestServers;
import io.bidisync.udfs.types.StoredType;
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
                .containsEntry("note", "declared; a.note text, b.note date");
        // The declared text of a date column is what the checks then refuse.
        assertThat(DatabaseValidator.check(found.config()).problems())
                .containsExactly(
                        "systems.b.columns.note: column 'note' is date, which cannot hold every"
                                + " text value of attribute 'note' the other systems hold and give"
                                + " it back unchanged (declare its type under types:, map another"
                                + " column, or mark the mapping lossy: [note] to write the values"
                                + " as the column stores them)");
    }

    @Test
    void aColumnThatHoldsLessIsRefusedUnlessMarkedLossyThenReadForTheJob() throws Exception {
        LocalPostgres pg = TestServers.of("crm");
        pg.createDatabase("lossytypes");
        pg.execute(
                "lossytypes",
                "DROP TABLE IF EXISTS a, b;"
                        + " CREATE TABLE a (id serial PRIMARY KEY, email text, seen timestamptz,"
                        + " amount numeric(12,4), at timestamp(6));"
                        + " CREATE TABLE b (id serial PRIMARY KEY, email varchar(20), seen date,"
                        + " amount numeric(12,2), at timestamp(3))");
        String url = pg.jdbcUrl("lossytypes");
        String yaml =
                """
                name: lossytypes
                match-key: { attribute: email }
                attributes: [email, seen, amount, at]
                types: { seen: timestamptz, amount: decimal }
                systems:
                  a:
                    connection: { url: "%s", username: postgres }
                    table: public.a
                    primary-key: id
                    columns: { email: email, seen: seen, amount: amount, at: at }
                  b:
                    connection: { url: "%s", username: postgres }
                    table: public.b
                    primary-key: id
                    columns: { email: email, seen: seen, amount: amount, at: at }
                """
                        .formatted(url, url);
        SyncConfig strict = TableTypes.infer(TestConfigs.parse(yaml)).config();
        DatabaseValidator.Report refused = DatabaseValidator.check(strict);
        assertThat(refused.problems())
                .hasSize(3)
                .anyMatch(p -> p.startsWith("systems.b.columns.seen: column 'seen' is date,"))
                .anyMatch(
                        p ->
                                p.startsWith(
                                        "systems.b.columns.amount: column 'amount' is numeric(·,2),"))
                .anyMatch(
                        p ->
                                p.startsWith(
                                        "systems.b.columns.at: column 'at' is timestamp without time zone(3),"));
        assertThat(refused.warnings())
                .anyMatch(
                        w ->
                                w.startsWith(
                                        "systems.b.columns.email: column 'email' is character varying(20), shorter"))
                .anyMatch(
                        w ->
                                w.startsWith(
                                        "systems.a.table: public.a has the default replica"
                                                + " identity, and [email] can be stored out of line"));

        SyncConfig lossy =
                TableTypes.infer(
                                TestConfigs.parse(
                                        yaml.replace(
                                                "    table: public.b\n",
                                                "    table: public.b\n    lossy: [seen, amount, at, email]\n")))
                        .config();
        assertThat(DatabaseValidator.check(lossy).problems()).isEmpty();
        assertThat(lossy.system("b").lossy())
                .containsEntry("seen", StoredType.of(ValueType.DATE))
                .containsEntry("amount", new StoredType(ValueType.DECIMAL, -1, 2, -1))
                .containsEntry("at", new StoredType(ValueType.TIMESTAMP, -1, -1, 3))
                .containsEntry("email", new StoredType(ValueType.TEXT, 20, -1, -1));
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
