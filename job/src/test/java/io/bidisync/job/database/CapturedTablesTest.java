package io.bidisync.job.database;

import io.bidisync.job.config.JobConfig;
import io.bidisync.job.testutil.CompaniesAndContacts;
import io.bidisync.job.testutil.TestConfigs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What one system's change source reads in a job of several entity types. */
class CapturedTablesTest {
    private static JobConfig job(String change) {
        return TestConfigs.parseJob(
                change(
                        new CompaniesAndContacts(2, 2)
                                .yaml(
                                        "captured",
                                        "jdbc:postgresql://localhost:1/crm",
                                        "jdbc:postgresql://localhost:1/erp",
                                        "1s"),
                        change));
    }

    private static String change(String yaml, String companiesInErp) {
        return yaml.replace(
                "erp: { table: public.firma, primary-key: firmanr, version-column: version,",
                "erp: { table: public.firma, primary-key: firmanr, version-column: version, "
                        + companiesInErp);
    }

    @Test
    void everyEntityTypesTableAndTheJobsTablesOnce() {
        assertThat(JobTables.captured(job(""), "erp"))
                .containsExactly(
                        "public.firma",
                        "public.person",
                        "public.bidisync_heartbeat",
                        "public.bidisync_writes");
    }

    @Test
    void theWritesTableWhenAnyEntityTypeWritesThereNotOnlyTheFirst() {
        // Companies are read-only in ERP; the job writes contacts there, and must see its writes.
        assertThat(JobTables.captured(job("write: [],"), "erp")).contains("public.bidisync_writes");
    }
}
