package io.bidisync.job.upgrade;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a run's state was built for: the attributes in their order (state keeps values by position),
 * the match key (golden records are keyed by it), and per system the attributes it maps and the
 * generation of its source (a source is read again, under a new uid, when it maps more). Every
 * checkpoint and savepoint carries it, so that a start from one can tell, before anything runs,
 * whether the configuration still fits the state.
 *
 * @param layout the layout of the job's state; a build that keeps its state differently refuses
 *     savepoints of another layout
 * @param attributes the global attributes, in order
 * @param matchKey the match-key attributes, comma-separated in key order
 * @param normalizer their normalisers, likewise
 * @param systems per system, in configuration order
 */
public record JobShape(
        int layout,
        List<String> attributes,
        String matchKey,
        String normalizer,
        Map<String, SystemShape> systems)
        implements Serializable {

    /**
     * The layout of this build's state. 2: record identities without time-to-live, snapshot reads
     * in the identity state, insert outcomes in the golden state.
     */
    public static final int LAYOUT = 2;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param attributes the global attributes the system maps
     * @param sourceGeneration how often the system's source was started afresh to read it again
     */
    public record SystemShape(List<String> attributes, int sourceGeneration)
            implements Serializable {}

    /** The shape of a configuration started without state. */
    public static JobShape of(SyncConfig config) {
        Map<String, SystemShape> systems = new LinkedHashMap<>();
        for (SystemConfig system : config.systems().values()) {
            systems.put(system.name(), new SystemShape(mapped(config, system), 0));
        }
        return new JobShape(
                LAYOUT,
                List.copyOf(config.attributes().names()),
                matchKeyOf(config),
                normalizersOf(config),
                systems);
    }

    /** How the shape names the configuration's match-key attributes. */
    static String matchKeyOf(SyncConfig config) {
        return String.join(",", config.matchKey().attributes());
    }

    /** How the shape names the match key's normalisers. */
    static String normalizersOf(SyncConfig config) {
        return config.matchKey().parts().stream()
                .map(part -> part.normalizer().configName())
                .collect(Collectors.joining(","));
    }

    /** The global attributes a system maps, in attribute order. */
    static List<String> mapped(SyncConfig config, SystemConfig system) {
        List<String> mapped = new ArrayList<>();
        for (String attribute : config.attributes().names()) {
            if (system.columns().containsKey(attribute)) {
                mapped.add(attribute);
            }
        }
        return mapped;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the job's shape", e);
        }
    }

    public static JobShape fromJson(String json) throws JsonProcessingException {
        return JSON.readValue(json, JobShape.class);
    }
}
