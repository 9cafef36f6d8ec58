package io.bidisync.job.reference;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.testutil.TestConfigs;

/** Companies and contacts, offline: the configurations the reference operators are tested with. */
final class ReferenceConfigs {
    private ReferenceConfigs() {}

    /** Contacts whose attribute 2 ({@code company}) references companies, waiting 1 s. */
    static SyncConfig contacts(String unresolved) {
        return TestConfigs.parseJob(
                        """
                        name: refs
                        systems:
                          crm: { connection: { url: "jdbc:postgresql://localhost:1/crm", username: u } }
                          erp: { connection: { url: "jdbc:postgresql://localhost:1/erp", username: u } }
                        entities:
                          companies:
                            match-key: { attribute: org_no, normalize: digits }
                            attributes: [org_no, name]
                            tables:
                              crm: { table: company, primary-key: id, columns: { org_no: org_no, name: name } }
                              erp: { table: firma, primary-key: nr, columns: { org_no: orgnr, name: navn } }
                          contacts:
                            match-key: { attribute: email }
                            attributes: [email, name, company]
                            references: { company: { entity: companies, wait: 1s, unresolved: %s } }
                            tables:
                              crm: { table: contact, primary-key: id, columns: { email: email, name: name, company: company_id } }
                              erp: { table: person, primary-key: nr, columns: { email: epost, name: navn, company: firma } }
                        """
                                .formatted(unresolved))
                .entity("contacts");
    }
}
