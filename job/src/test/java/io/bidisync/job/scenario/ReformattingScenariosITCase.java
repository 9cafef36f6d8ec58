package io.bidisync.job.scenario;

import io.bidisync.job.testutil.AuditEvent;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.Canary;
import io.bidisync.job.testutil.InvariantChecker;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;

import org.junit.jupiter.api.Test;

import static io.bidisync.job.testutil.SyncedSystem.billing;
import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;
import static org.assertj.core.api.Assertions.assertThat;

/** Targets that change what they are given must not start an endless update loop. */
class ReformattingScenariosITCase extends MiniClusterITCase {

    private static String trigger(String table, String body) {
        return "CREATE FUNCTION reformat() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + body
                + " RETURN NEW; END $$; CREATE TRIGGER reformat BEFORE INSERT OR UPDATE ON "
                + table
                + " FOR EACH ROW EXECUTE FUNCTION reformat()";
    }

    @Test
    void targetThatReformatsValuesConvergesUnderComparisonNormalisers() throws Exception {
        try (SyncRun run =
                SyncRun.of(crm(), erp(), billing())
                        .seed(
                                "erp",
                                trigger(
                                        "client",
                                        "NEW.town := upper(NEW.town);"
                                                + " NEW.phone := regexp_replace(NEW.phone, '[ -]', '', 'g');"))
                        .seed(
                                "crm",
                                "INSERT INTO customer (email, full_name, phone, city) VALUES"
                                        + " ('ann@example.com', 'Ann', '+47 22 33-44 55', 'Oslo')")
                        .extra("compare: { city: lower, phone: phone }\n")
                        .create()) {
            run.start();
            Await.until(
                    "Ann in ERP", CONVERGENCE, () -> run.rows("erp").size() == 1, () -> state(run));
            run.execute(
                    "crm",
                    "UPDATE customer SET city = 'Bergen', version = version + 1 WHERE id = 1");
            Await.until(
                    "Bergen in ERP",
                    CONVERGENCE,
                    () -> "BERGEN".equals(only(run.rows("erp")).city()),
                    () -> state(run));
            settle(run);

            // ERP stores its own format; under the comparison normalisers that is what was written:
            // the echoes end the round, CRM is never written, ERP once per change.
            assertThat(only(Canary.without(run.rows("erp"))).values())
                    .containsExactly("ann@example.com", "Ann", "+4722334455", "BERGEN");
            assertThat(run.audit("crm")).noneMatch(e -> e.byJob() && !e.isCanary());
            assertThat(run.audit("erp"))
                    .filteredOn(e -> e.byJob() && !e.isCanary())
                    .extracting(AuditEvent::op)
                    .containsExactly("INSERT", "UPDATE");
            InvariantChecker.check(run).assertClean();
        }
    }

    @Test
    void targetsThatDisagreeForeverAreFrozenWhileEverythingElseSyncs() throws Exception {
        try (SyncRun run =
                SyncRun.of(crm(), erp(), billing())
                        .seed("crm", trigger("customer", "NEW.city := lower(NEW.city);"))
                        .seed("erp", trigger("client", "NEW.town := upper(NEW.town);"))
                        .seed(
                                "crm",
                                "INSERT INTO customer (email, full_name, city) VALUES"
                                        + " ('ann@example.com', 'Ann', 'oslo'), ('bob@example.com', 'Bob', '0150')")
                        .seed(
                                "erp",
                                "INSERT INTO client (mail, name, town) VALUES"
                                        + " ('ann@example.com', 'Ann', 'OSLO'), ('bob@example.com', 'Bob', '0150')")
                        .extra("loop-breaker: { max-writes: 6, window: 1min, freeze: 1h }\n")
                        .create()) {
            // Ann's city is "oslo" in CRM and "OSLO" in ERP, and each trigger rewrites the other's
            // spelling: the job would rewrite her forever. Bob's city looks the same to both.
            run.start();
            Await.until(
                    "the loop breaker",
                    CONVERGENCE,
                    () -> run.metric(metrics, "goldenRecordsFrozen") == 1);
            settle(run);
            long annWrites =
                    run.audit("crm").stream().filter(e -> e.byJob() && "1".equals(e.pk())).count()
                            + run.audit("erp").stream()
                                    .filter(e -> e.byJob() && "1".equals(e.pk()))
                                    .count();
            assertThat(annWrites).isEqualTo(6);

            // Bob keeps syncing.
            run.execute(
                    "crm",
                    "UPDATE customer SET full_name = 'Bob Berg', version = version + 1 WHERE email = 'bob@example.com'");
            Await.until(
                    "Bob's change in ERP",
                    CONVERGENCE,
                    () ->
                            "Bob Berg"
                                    .equals(
                                            only(withEmail(run.rows("erp"), "bob@example.com"))
                                                    .name()),
                    () -> state(run));
            settle(run);

            InvariantChecker.Report report = InvariantChecker.check(run);
            System.out.println(report);
            // Only the frozen record differs (its city, in each system's spelling, so at least one
            // of them is not the survivorship result either); nothing else.
            assertThat(report.total(InvariantChecker.SystemFigures::unconverged)).isEqualTo(1);
            assertThat(report.details())
                    .anyMatch(d -> d.startsWith("unconverged: ann@example.com"))
                    .allMatch(d -> d.matches("(unconverged|stale): ann@example\\.com .*"));
            assertThat(
                            report.total(
                                    f ->
                                            f.duplicatesCreated()
                                                    + f.missing()
                                                    + f.lostUpdates()
                                                    + f.resurrected()))
                    .isZero();
        }
    }
}
