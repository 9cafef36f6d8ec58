package io.bidisync.job.demo;

import io.bidisync.job.database.PostgresSql;
import io.bidisync.udfs.normalize.Normalizer;

/**
 * The customer tables of the demo's two systems, which deliberately differ in names and types the
 * way real systems do: CRM's {@code customer} and ERP's {@code client}. Each has an index on the
 * normalised e-mail, so the job's guarded INSERT does not scan the table.
 */
public final class CustomerTables {
    /** CRM: the version column is the application's optimistic-lock counter. */
    public static final String CRM =
            "CREATE TABLE customer ("
                    + " id serial PRIMARY KEY,"
                    + " email text,"
                    + " full_name text,"
                    + " phone text,"
                    + " city text,"
                    + " version integer NOT NULL DEFAULT 1);"
                    + " CREATE INDEX customer_email_key ON customer (("
                    + PostgresSql.normalized(Normalizer.EMAIL, "email")
                    + "));";

    /** ERP: different column names, bounded lengths. */
    public static final String ERP =
            "CREATE TABLE client ("
                    + " client_no serial PRIMARY KEY,"
                    + " mail varchar(120),"
                    + " name varchar(120),"
                    + " phone varchar(40),"
                    + " town varchar(80),"
                    + " row_version integer NOT NULL DEFAULT 1);"
                    + " CREATE INDEX client_mail_key ON client (("
                    + PostgresSql.normalized(Normalizer.EMAIL, "mail")
                    + "));";

    private CustomerTables() {}
}
