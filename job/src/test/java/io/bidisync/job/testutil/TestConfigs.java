package io.bidisync.job.testutil;

import io.bidisync.embedded.SampleCustomers;
import io.bidisync.job.config.ConfigException;
import io.bidisync.job.config.ConfigLoader;
import io.bidisync.job.config.JobConfig;
import io.bidisync.job.config.SyncConfig;

import java.util.function.UnaryOperator;

/** Configurations for tests. */
public final class TestConfigs {
    private TestConfigs() {}

    /**
     * The sample CRM/ERP configuration (both read-write, matched by e-mail) with {@code extra}
     * appended.
     */
    public static String crmErpYaml(String crmUrl, String erpUrl, String extra) {
        return SampleCustomers.CONFIG.formatted(crmUrl, erpUrl) + extra;
    }

    public static SyncConfig crmErp(String crmUrl, String erpUrl) {
        return parse(crmErpYaml(crmUrl, erpUrl, ""));
    }

    /** A CRM/ERP configuration whose URLs are never connected to (operator tests). */
    public static SyncConfig offline() {
        return crmErp("jdbc:postgresql://localhost:1/crm", "jdbc:postgresql://localhost:1/erp");
    }

    /** {@link #offline()} with {@code change} applied to its text. */
    public static SyncConfig offline(UnaryOperator<String> change) {
        return parse(
                change.apply(
                        crmErpYaml(
                                "jdbc:postgresql://localhost:1/crm",
                                "jdbc:postgresql://localhost:1/erp",
                                "")));
    }

    public static SyncConfig parse(String yaml) {
        try {
            return ConfigLoader.parse(yaml, name -> null);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A file of one entity type or several, without environment. */
    public static JobConfig parseJob(String yaml) {
        try {
            return ConfigLoader.parseJob(yaml, name -> null);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
