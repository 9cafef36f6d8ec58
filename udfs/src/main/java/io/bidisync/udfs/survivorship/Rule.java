package io.bidisync.udfs.survivorship;

/** How the golden value of one attribute is chosen among the systems' values. */
public enum Rule {
    /** The non-blank value that changed last (by source commit time) wins. */
    MOST_RECENT("most-recent"),
    /** The first non-blank value in the configured system priority order wins. */
    PRIORITY("priority");

    private final String configName;

    Rule(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** The rule with this configuration name, or {@code null} if there is none. */
    public static Rule byName(String name) {
        for (Rule r : values()) {
            if (r.configName.equals(name)) {
                return r;
            }
        }
        return null;
    }
}
