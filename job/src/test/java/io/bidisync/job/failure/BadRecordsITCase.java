package io.bidisync.job.failure;

import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static io.bidisync.job.testutil.SyncedSystem.billing;
import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Bad records never stop the job: a value the target column cannot hold (too long, wrong type), a
 * NOT NULL or CHECK violation at the target, and a row that cannot be mapped each become a row in
 * the dead-letter table with the reason, are counted, and everything else keeps converging.
 */
class BadRecordsITCase extends MiniClusterITCase {

    /** ERP with stricter columns than CRM's. */
    private static final String STRICT_ERP =
            "CREATE TABLE client (client_no serial PRIMARY KEY, mail varchar(120), name varchar(20) NOT NULL,"
                    + " phone bigint, town text CHECK (town IS DISTINCT FROM 'Nowhere'),"
                    + " row_version integer NOT NULL DEFAULT 1)";

    /** Billing whose version column is text: a row with a non-numeric version cannot be mapped. */
    private static final String TEXT_VERSION_BILLING =
            "CREATE TABLE account (account_id serial PRIMARY KEY, email text, holder text, city text,"
                    + " ver text NOT NULL DEFAULT '1')";

    private record Letter(String system, String key, String operation, String reason) {}

    @Test
    void everyBadRecordIsDeadLetteredAndTheRestConverges() throws Exception {
        try (SyncRun run =
                SyncRun.of(
                                crm(),
                                erp().withDdl(STRICT_ERP),
                                billing().withDdl(TEXT_VERSION_BILLING))
                        .seed(
                                "crm",
                                "INSERT INTO customer (email, full_name, phone, city) VALUES"
                                        + " ('nameless@example.com', NULL, '1', 'Oslo'),"
                                        + " ('long@example.com', 'A name far too long for ERP', '2', 'Oslo'),"
                                        + " ('nowhere@example.com', 'Nils', '3', 'Nowhere'),"
                                        + " ('text@example.com', 'Tor', '+47 22', 'Oslo'),"
                                        + " ('fine@example.com', 'Fia', '5', 'Oslo')")
                        .seed(
                                "billing",
                                "INSERT INTO account (email, holder, city, ver) VALUES ('odd@example.com', 'Odd', 'Oslo', 'v1')")
                        // Phone declared text: ERP's bigint column (which validate would refuse)
                        // rejects '+47 22' at the write, where the job does not see it coming.
                        .settings(
                                yaml ->
                                        yaml.replace(
                                                "attributes: [email, name, phone, city]",
                                                "attributes: [email, name, phone, city]\n"
                                                        + "types: { phone: text }"))
                        .extra("dead-letters: { system: crm }\n")
                        .create()) {
            run.start();
            Await.until(
                    "the four ERP dead letters and Billing's",
                    CONVERGENCE,
                    () -> letters(run).size() == 5,
                    () -> letters(run));

            assertThat(letters(run))
                    .extracting(Letter::system, Letter::operation)
                    .containsExactlyInAnyOrder(
                            tuple("erp", "insert"),
                            tuple("erp", "insert"),
                            tuple("erp", "insert"),
                            tuple("erp", "insert"),
                            tuple("billing", "parse"));
            assertThat(letters(run))
                    .extracting(Letter::reason)
                    .anySatisfy(r -> assertThat(r).startsWith("SQLState 23502"))
                    .anySatisfy(r -> assertThat(r).startsWith("SQLState 22001"))
                    .anySatisfy(r -> assertThat(r).startsWith("SQLState 23514"))
                    .anySatisfy(r -> assertThat(r).startsWith("SQLState 22P02"))
                    .anySatisfy(
                            r ->
                                    assertThat(r)
                                            .startsWith(
                                                    "version column 'ver' is not a whole number: v1"));
            Await.until(
                    "the dead-letter counts",
                    CONVERGENCE,
                    () ->
                            run.metric(metrics, "system.erp.deadLetters") == 4
                                    && run.metric(metrics, "system.billing.deadLetters") == 1);

            // The job keeps running: the good customer is in ERP, and a later change still syncs.
            Await.until(
                    "Fia in ERP",
                    CONVERGENCE,
                    () -> withEmail(run.rows("erp"), "fine@example.com").size() == 1);
            run.execute(
                    "crm",
                    "UPDATE customer SET city = 'Bergen', version = version + 1 WHERE email = 'fine@example.com'");
            Await.until(
                    "Fia's move in ERP",
                    CONVERGENCE,
                    () ->
                            "Bergen"
                                    .equals(
                                            only(withEmail(run.rows("erp"), "fine@example.com"))
                                                    .city()),
                    () -> state(run));
            assertThat(run.rows("erp")).hasSize(1);
        }
    }

    private static List<Letter> letters(SyncRun run) throws Exception {
        List<Letter> letters = new ArrayList<>();
        try (Connection c = run.connect("crm");
                ResultSet rs =
                        c.createStatement()
                                .executeQuery(
                                        "SELECT system, key, operation, reason FROM bidisync_dead_letter ORDER BY id")) {
            while (rs.next()) {
                letters.add(
                        new Letter(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4)));
            }
        }
        return letters;
    }
}
