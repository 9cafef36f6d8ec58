package io.bidisync.job.testutil;

import io.bidisync.job.config.ConfigException;
import io.bidisync.job.config.ConfigLoader;
import io.bidisync.job.config.SyncConfig;

/** Configurations for tests. */
public final class TestConfigs {
    private TestConfigs() {}

    /** CRM and ERP, both read-write, customers matched by e-mail; {@code extra} is appended. */
    public static String crmErpYaml(String crmUrl, String erpUrl, String extra) {
        return """
                name: customers
                match-key: { attribute: email, normalize: email }
                attributes: [email, name, phone, city]
                survivorship:
                  default: most-recent
                  priority: [crm, erp]
                completeness:
                  delay: 1s
                  heartbeat-interval: 200ms
                writer:
                  flush-interval: 50ms
                systems:
                  crm:
                    connection: { url: "%s", username: postgres }
                    table: public.customer
                    primary-key: id
                    version-column: version
                    columns: { email: email, name: full_name, phone: phone, city: city }
                  erp:
                    connection: { url: "%s", username: postgres }
                    table: public.client
                    primary-key: client_no
                    version-column: row_version
                    columns: { email: mail, name: name, phone: phone, city: town }
                %s
                """
                .formatted(crmUrl, erpUrl, extra);
    }

    public static SyncConfig crmErp(String crmUrl, String erpUrl) {
        return parse(crmErpYaml(crmUrl, erpUrl, ""));
    }

    /** A CRM/ERP configuration whose URLs are never connected to (operator tests). */
    public static SyncConfig offline() {
        return crmErp("jdbc:postgresql://localhost:1/crm", "jdbc:postgresql://localhost:1/erp");
    }

    public static SyncConfig parse(String yaml) {
        try {
            return ConfigLoader.parse(yaml, name -> null);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
