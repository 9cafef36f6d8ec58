package io.bidisync.embedded;

/**
 * Customers for the {@link CustomerTables}: some only in CRM, some only in ERP, some in both with
 * the e-mail spelled differently (case, spaces), and one CRM customer entered twice (a pre-existing
 * internal duplicate); and a sync configuration of the two tables. The demo shows exactly these;
 * the tests start from them.
 */
public final class SampleCustomers {
    public static final String CRM_SEED =
            "INSERT INTO customer (email, full_name, phone, city) VALUES"
                    + " ('ann@example.com', 'Ann Lee', '+47 900 11 111', 'Oslo'),"
                    + " ('Bob.Berg@Example.com', 'Bob Berg', NULL, 'Bergen'),"
                    + " ('CARI@example.com', 'Cari Holm', '+47 900 33 333', 'Trondheim'),"
                    + " ('dag@example.com', 'Dag Dahl', NULL, 'Stavanger'),"
                    + " (' Dag@Example.com ', 'Dag Dahl', '+47 900 44 444', NULL),"
                    + " ('eva@example.com', 'Eva Eng', '+47 900 55 555', 'Kristiansand');";

    public static final String ERP_SEED =
            "INSERT INTO client (mail, name, phone, town) VALUES"
                    + " ('bob.berg@example.com ', 'Bob Berg', '+47 900 22 222', NULL),"
                    + " (' cari@example.com', 'Kari Holm', NULL, 'Trondheim'),"
                    + " ('finn@example.com', 'Finn Fjord', '+47 900 66 666', 'Tromsø'),"
                    + " ('gro@example.com', 'Gro Gran', NULL, 'Bodø');";

    /**
     * The sync settings, everything but the systems: named {@code demo}, with the short delays of
     * an interactive run.
     */
    public static final String SETTINGS =
            """
            name: demo
            match-key: { attribute: email, normalize: email }
            attributes: [email, name, phone, city]
            survivorship:
              default: most-recent
              priority: [crm, erp]
            completeness:
              delay: 1s
              heartbeat-interval: 250ms
            writer:
              flush-interval: 100ms
            """;

    /** The sync configuration of both tables; {@code %s} are the CRM and ERP JDBC URLs. */
    public static final String CONFIG =
            SETTINGS
                    + """
                    systems:
                      crm:
                        connection: { url: "%s", username: postgres }
                        table: public.customer
                        primary-key: id
                        version-column: version
                        columns: { email: email, name: full_name, phone: phone, city: city }
                        write: [insert, update]
                      erp:
                        connection: { url: "%s", username: postgres }
                        table: public.client
                        primary-key: client_no
                        version-column: row_version
                        columns: { email: mail, name: name, phone: phone, city: town }
                        write: [insert, update]
                    """;

    private SampleCustomers() {}
}
