package io.bidisync.bench;

import io.bidisync.job.SyncJob;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.metrics.SyncMetrics;
import io.bidisync.job.source.CommitTimeWatermarks;
import io.bidisync.job.source.DropHeartbeats;
import io.bidisync.job.source.RecordChange;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.udfs.normalize.Normalizer;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The identity and golden stages alone, with RocksDB or heap state and no databases: generated
 * changes (every person once in CRM and once in ERP, spelled differently, a quarter with a name
 * that differs, so a quarter of the golden records decide a write) through exactly the job's keyed
 * operators. Measures records per second per CPU core — of the whole JVM's CPU time (generators,
 * JIT compiler, RocksDB's background threads included: the target's measure) and of the two stages'
 * task threads alone — and the state each golden record costs: the size of a native savepoint, and
 * the heap it keeps live (after a full GC, against before the job started; what heap state needs
 * per golden record).
 */
final class GoldenOperator {
    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    private static final long FIRST_EVENT_TIME = 1_000_000L;

    /** What the run measured. */
    record Result(
            String stateBackend,
            long records,
            long goldenRecords,
            int parallelism,
            double seconds,
            double cpuSeconds,
            double operatorCpuSeconds,
            long stateBytes,
            long heapBytes,
            Map<String, Double> threadCores) {

        @JsonProperty
        double recordsPerSecond() {
            return records / seconds;
        }

        @JsonProperty
        double recordsPerCoreSecond() {
            return records / cpuSeconds;
        }

        /** Records per CPU second of the identity and golden stages' task threads alone. */
        @JsonProperty
        double recordsPerOperatorCoreSecond() {
            return records / operatorCpuSeconds;
        }

        @JsonProperty
        double stateBytesPerGoldenRecord() {
            return (double) stateBytes / goldenRecords;
        }

        @JsonProperty
        double heapBytesPerGoldenRecord() {
            return (double) heapBytes / goldenRecords;
        }

        /**
         * The JVM's CPU per record by group of threads ({@link ThreadCpu}), in microseconds: where
         * the whole JVM's figure goes beyond the two stages' task threads. The source tasks are the
         * generators here.
         */
        String microsPerRecordByThread() {
            return ThreadCpu.microsPerUnit(threadCores, records / seconds, "%.1f");
        }
    }

    private GoldenOperator() {}

    /**
     * @param stateBackend {@code rocksdb} or {@code hashmap} (Flink's {@code state.backend.type})
     */
    static Result run(BenchCluster cluster, int people, String stateBackend, Path savepoints)
            throws Exception {
        SyncConfig config = TestConfigs.offline();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration settings = Benchmarks.jobSettings();
        settings.set(StateBackendOptions.STATE_BACKEND, stateBackend);
        env.configure(settings);
        DataStream<RecordChange> changes = null;
        for (String system : List.of("crm", "erp")) {
            DataStream<RecordChange> generated =
                    env.fromSource(
                                    new DataGeneratorSource<>(
                                            new Changes(system, people),
                                            Long.MAX_VALUE,
                                            TypeInformation.of(RecordChange.class)),
                                    CommitTimeWatermarks.strategy(),
                                    system + ": generated changes")
                            .uid("generate-" + system)
                            .setParallelism(1)
                            .process(new DropHeartbeats(system))
                            .uid("drop-heartbeats-" + system)
                            .setParallelism(1);
            changes = changes == null ? generated : changes.union(generated);
        }
        SyncJob.goldenRecords(config, changes).sinkTo(new DiscardingSink<>()).name("discard");

        long heapBefore = liveHeapBytes();
        long cpuStart = CpuTime.jvmCpuNanos();
        ThreadCpu threadsBefore = ThreadCpu.now();
        long start = System.nanoTime();
        JobClient job = env.executeAsync("golden operator benchmark");
        try {
            Await.until(
                    "every golden record",
                    TIMEOUT,
                    () ->
                            cluster.metrics().total(job.getJobID(), SyncMetrics.GOLDEN_EMITTED)
                                    >= people);
            long wallNanos = System.nanoTime() - start;
            double seconds = wallNanos / 1e9;
            double cpuSeconds = (CpuTime.jvmCpuNanos() - cpuStart) / 1e9;
            Map<String, Double> threadCores =
                    ThreadCpu.now()
                            .coresSince(
                                    threadsBefore,
                                    wallNanos,
                                    cpuSeconds / seconds,
                                    "ended threads");
            double operatorCpuSeconds = operatorThreadsCpuNanos() / 1e9;
            long heapBytes = liveHeapBytes() - heapBefore;
            String savepoint =
                    job.triggerSavepoint(savepoints.toUri().toString(), SavepointFormatType.NATIVE)
                            .get();
            return new Result(
                    stateBackend,
                    2L * people,
                    people,
                    env.getParallelism(),
                    seconds,
                    cpuSeconds,
                    operatorCpuSeconds,
                    size(Path.of(java.net.URI.create(savepoint))),
                    heapBytes,
                    threadCores);
        } finally {
            job.cancel().get();
        }
    }

    /**
     * CPU time of the identity and golden stages' task threads (named after the operators' names),
     * which exist only for this job.
     */
    private static long operatorThreadsCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long nanos = 0;
        for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (thread != null
                    && (thread.getThreadName().startsWith("identity:")
                            || thread.getThreadName().startsWith("golden:"))) {
                nanos += Math.max(0, threads.getThreadCpuTime(thread.getThreadId()));
            }
        }
        return nanos;
    }

    /** The heap that stays after a full collection. */
    private static long liveHeapBytes() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            memory.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long size(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /**
     * Person {@code i}'s row in one system at time {@code FIRST_EVENT_TIME + i}; after the last
     * person, a heartbeat every 100 ms of wall time carries the watermark on (the job keeps running
     * for the savepoint), at no cost to the measurement.
     */
    private static final class Changes implements GeneratorFunction<Long, RecordChange> {
        private static final long serialVersionUID = 1L;
        private final String system;
        private final long people;

        Changes(String system, long people) {
            this.system = system;
            this.people = people;
        }

        @Override
        public RecordChange map(Long index) throws Exception {
            if (index >= people) {
                Thread.sleep(100);
                return new RecordChange(
                        system,
                        RecordChange.Kind.HEARTBEAT,
                        null,
                        null,
                        null,
                        FIRST_EVENT_TIME + people + (index - people) * 1000,
                        new String[0],
                        new long[0]);
            }
            boolean crm = system.equals("crm");
            String email =
                    crm ? "person" + index + "@example.com" : " Person" + index + "@EXAMPLE.com";
            String name = crm || index % 4 != 0 ? "Person " + index : "PERSON " + index;
            String[] values = {email, name, "+47 4" + index, "Town " + index % 499};
            return new RecordChange(
                    system,
                    RecordChange.Kind.UPSERT,
                    String.valueOf(index),
                    Normalizer.EMAIL.normalize(email),
                    1L,
                    FIRST_EVENT_TIME + index,
                    values,
                    new long[0]);
        }
    }
}
