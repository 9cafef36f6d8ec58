package io.bidisync.job.config;

import io.bidisync.udfs.model.Attributes;
import io.bidisync.udfs.normalize.MatchKey;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks that hold one part of the file against another: a name that must be one of the {@code
 * attributes}, one of the {@code systems}, the match key that every system must map, two systems on
 * one table.
 *
 * <p>They live together so that what may refer to what is in one place; the section readers call
 * them where they read the referring value, so each problem stands where a reader of the file
 * expects it (after the other problems of its section). A check whose other side could not be read
 * (the attribute list or the systems were themselves wrong) is skipped: that side is reported
 * already, and everything would look wrong against it.
 */
final class CrossChecks {
    private CrossChecks() {}

    /**
     * Whether {@code attribute}, the value of {@code key} in {@code node}, is one of the {@code
     * attributes}; reports it if not. True if the attribute list itself could not be read.
     */
    static boolean isAttribute(YamlNode node, String key, String attribute, Attributes attributes) {
        if (attributes != null && attributes.indexOf(attribute) < 0) {
            node.problem(key, "'" + attribute + "' is not one of the attributes " + attributes);
            return false;
        }
        return true;
    }

    /**
     * Reports {@code system}, the value of {@code key} in {@code node}, if no system has its name.
     */
    static void isSystem(YamlNode node, String key, String system, YamlNode systems) {
        if (system != null && systems != null && !systems.has(system)) {
            node.problem(key, unknownSystem(system, systems));
        }
    }

    /** Reports a system whose {@code columns} leave out a match-key attribute. */
    static void mapsMatchKey(
            YamlNode system,
            Map<String, String> columns,
            MatchKey matchKey,
            Attributes attributes) {
        if (matchKey == null) {
            return;
        }
        for (String attribute : matchKey.attributes()) {
            if (attributes.indexOf(attribute) >= 0 && !columns.containsKey(attribute)) {
                system.problem("columns", "must map the match-key attribute '" + attribute + "'");
            }
        }
    }

    /**
     * The checks that need every system read: the {@code survivorship.priority} names, an attribute
     * that no system maps (only when every system could be read: a broken one may be the one that
     * maps it), and two systems on the same table of the same database.
     *
     * @param systemsNode the {@code systems} mapping, null if it is missing (reported already)
     * @param systems the systems that could be read
     */
    static void betweenSections(
            Problems problems,
            Attributes attributes,
            List<String> priority,
            YamlNode systemsNode,
            Map<String, SystemConfig> systems) {
        if (systemsNode == null) {
            return;
        }
        for (String system : priority) {
            if (!systemsNode.has(system)) {
                problems.add("survivorship.priority", unknownSystem(system, systemsNode));
            }
        }
        if (attributes != null && systems.size() == systemsNode.size()) {
            for (String attribute : attributes.names()) {
                boolean mapped =
                        systems.values().stream().anyMatch(s -> s.columns().containsKey(attribute));
                if (!mapped) {
                    problems.add("attributes." + attribute, "no system maps it to a column");
                }
            }
        }
        Map<String, String> tables = new LinkedHashMap<>();
        for (SystemConfig s : systems.values()) {
            String where = s.url() + " " + s.table();
            String other = tables.putIfAbsent(where, s.name());
            if (other != null) {
                problems.add(
                        "systems." + s.name() + ".table",
                        "is the same table as systems." + other + " (" + s.table() + ")");
            }
        }
    }

    private static String unknownSystem(String system, YamlNode systems) {
        return "names unknown system '" + system + "' (systems: " + systems.keys() + ")";
    }
}
