package io.bidisync.job.plan;

import io.bidisync.job.config.JobConfig;
import io.bidisync.job.golden.GoldenRecord;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.job.testutil.CompaniesAndContacts;
import io.bidisync.job.testutil.TestConfigs;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A plan's references in each system's own keys, from what the plan knows. */
class PlannedReferencesTest {
    private static final JobConfig JOB =
            TestConfigs.parseJob(
                    new CompaniesAndContacts(2, 2)
                            .yaml(
                                    "planned",
                                    "jdbc:postgresql://localhost:1/crm",
                                    "jdbc:postgresql://localhost:1/erp",
                                    "1s"));

    private static WriteIntent write(
            String system, WriteIntent.Operation op, String golden, String company, String was) {
        return new WriteIntent(
                system,
                op,
                golden,
                op == WriteIntent.Operation.INSERT ? null : "9",
                op == WriteIntent.Operation.INSERT ? null : 1L,
                was == null ? new String[0] : new String[] {golden, "N", was},
                new String[] {golden, "N", company},
                new long[] {0, 0, 0},
                0);
    }

    private static Plan plan(List<GoldenRecord> golden, List<WriteIntent> writes) {
        return new Plan("planned", List.of(), Map.of(), golden, writes, Set.of(), List.of());
    }

    @Test
    void referencesBecomeTheTargetsKeysNewParentsOrUnresolved() {
        Plan companies =
                plan(
                        List.of(
                                new GoldenRecord(
                                        "111",
                                        false,
                                        new String[] {"111", "Acme"},
                                        new String[] {"crm/1", "erp/107", "erp/104"},
                                        0),
                                new GoldenRecord(
                                        "222",
                                        false,
                                        new String[] {"222", "Beta"},
                                        new String[] {"crm/2"},
                                        0)),
                        List.of(write("erp", WriteIntent.Operation.INSERT, "222", null, null)));
        Plan contacts =
                plan(
                        List.of(),
                        List.of(
                                write("erp", WriteIntent.Operation.INSERT, "ann@x", "111", null),
                                write("erp", WriteIntent.Operation.INSERT, "bob@x", "222", null),
                                write("erp", WriteIntent.Operation.INSERT, "cid@x", "333", null),
                                write("crm", WriteIntent.Operation.UPDATE, "dan@x", "222", "111")));

        List<Plan> translated = PlannedReferences.translate(JOB, List.of(companies, contacts));

        assertThat(translated.get(0)).isSameAs(companies);
        assertThat(translated.get(1).writes())
                .extracting(w -> w.system() + " " + w.goldenKey() + " " + w.values()[2])
                .containsExactly(
                        // ERP holds Acme twice: the smallest key, as the job writes it.
                        "erp ann@x 104",
                        // The plan inserts Beta into ERP first.
                        "erp bob@x (new 222)",
                        // Nobody has 333: the job would hold this write.
                        "erp cid@x (unresolved 333)",
                        "crm dan@x 2");
        assertThat(translated.get(1).writes().get(3).expectedValues()[2])
                .as("the row's current reference, in the target's key too")
                .isEqualTo("1");
    }
}
