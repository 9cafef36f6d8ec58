package io.bidisync.job.upgrade;

import io.bidisync.embedded.SampleCustomers;
import io.bidisync.job.config.ConfigException;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.testutil.TestConfigs;

import org.junit.jupiter.api.Test;

import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpgradeTest {
    private static final String CRM = "jdbc:postgresql://localhost:1/crm";
    private static final String ERP = "jdbc:postgresql://localhost:1/erp";

    private static SyncConfig config(UnaryOperator<String> change) {
        return TestConfigs.parse(change.apply(SampleCustomers.CONFIG.formatted(CRM, ERP)));
    }

    private static final SyncConfig BEFORE = config(s -> s);
    private static final JobShape SAVED = JobShape.of(BEFORE);

    private static Upgrade from(UnaryOperator<String> change) throws ConfigException {
        return Upgrade.from(config(change), SAVED, "/sp/1");
    }

    private static String problems(UnaryOperator<String> change) {
        try {
            from(change);
        } catch (ConfigException e) {
            return String.join("\n", e.problems());
        }
        throw new AssertionError("accepted");
    }

    @Test
    void theSameConfigurationContinuesWithTheSameSources() throws Exception {
        Upgrade upgrade = from(s -> s);
        assertThat(upgrade.rereads()).isFalse();
        assertThat(upgrade.sourceUid("crm")).isEqualTo("source-crm");
        assertThat(upgrade.shape()).isEqualTo(SAVED);
    }

    @Test
    void anAppendedAttributeMappedByBothSystemsRereadsBoth() throws Exception {
        Upgrade upgrade =
                from(
                        s ->
                                s.replace("city]", "city, country]")
                                        .replace("city: city }", "city: city, country: country }")
                                        .replace("city: town }", "city: town, country: land }"));
        assertThat(upgrade.rereads()).isTrue();
        assertThat(upgrade.reread().get("crm")).containsExactly(false, false, false, false, true);
        assertThat(upgrade.reread().get("erp")).containsExactly(false, false, false, false, true);
        assertThat(upgrade.sourceUid("crm")).isEqualTo("source-crm-1");
        assertThat(upgrade.shape().attributes())
                .containsExactly("email", "name", "phone", "city", "country");

        // The next start from this run's savepoint keeps the new sources.
        SyncConfig after =
                config(
                        s ->
                                s.replace("city]", "city, country]")
                                        .replace("city: city }", "city: city, country: country }")
                                        .replace("city: town }", "city: town, country: land }"));
        Upgrade next = Upgrade.from(after, upgrade.shape(), "/sp/2");
        assertThat(next.rereads()).isFalse();
        assertThat(next.sourceUid("crm")).isEqualTo("source-crm-1");
    }

    @Test
    void attributesMayOnlyBeAppended() {
        assertThat(
                        problems(
                                s ->
                                        s.replace(
                                                "[email, name, phone, city]",
                                                "[email, phone, name, city]")))
                .contains("attributes: the state holds values of [email, name, phone, city]")
                .contains("[email, phone, name, city]");
        assertThat(
                        problems(
                                s ->
                                        s.replace(
                                                        "[email, name, phone, city]",
                                                        "[email, name, city]")
                                                .replace(", phone: phone", "")))
                .contains("attributes:");
        assertThat(
                        problems(
                                s ->
                                        s.replace("[email, name,", "[email, fullname,")
                                                .replace(
                                                        ", name: full_name,",
                                                        ", fullname: full_name,")
                                                .replace(", name: name,", ", fullname: name,")))
                .contains("attributes:");
    }

    @Test
    void anotherMatchKeyIsRefused() {
        assertThat(problems(s -> s.replace("normalize: email", "normalize: lower")))
                .contains("match-key: the golden records are keyed by email normalised as email");
    }

    @Test
    void aRemovedSystemOrAnUnmappedColumnIsRefused() {
        String oneSystem =
                SampleCustomers.SETTINGS.replace("[crm, erp]", "[crm]")
                        + "systems:\n"
                        + SampleCustomers.CONFIG
                                .formatted(CRM, ERP)
                                .substring(
                                        SampleCustomers.CONFIG
                                                .formatted(CRM, ERP)
                                                .indexOf("  crm:"))
                                .split("  erp:")[0];
        assertThatThrownBy(() -> Upgrade.from(TestConfigs.parse(oneSystem), SAVED, "/sp/1"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("systems.erp: its rows are linked to golden records");
        assertThat(problems(s -> s.replace(", phone: phone, city: town", ", city: town")))
                .contains("systems.erp.columns: no longer maps [phone]");
    }

    @Test
    void aSavepointOfAnOlderBuildIsRefusedWithOneLine() {
        assertThatThrownBy(() -> Upgrade.from(BEFORE, null, "/sp/old"))
                .isInstanceOf(ConfigException.class)
                .satisfies(
                        e ->
                                assertThat(((ConfigException) e).problems())
                                        .singleElement()
                                        .asString()
                                        .startsWith(
                                                "savepoint /sp/old: written by a bidisync build"));
    }

    @Test
    void theShapeTravelsAsJson() throws Exception {
        assertThat(JobShape.fromJson(SAVED.toJson())).isEqualTo(SAVED);
    }
}
