package io.bidisync.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NativeProfileTest {

    @Test
    void threadsOfOneOperatorOrPoolAddUp() {
        assertThat(NativeProfile.thread("[golden: decide writes (1/2)#0 tid=4711]"))
                .isEqualTo("golden: decide writes");
        assertThat(NativeProfile.thread("[rocksdb:low12 tid=99]")).isEqualTo("rocksdb:lowN");
        assertThat(NativeProfile.thread("java/lang/Thread.run")).isNull();
    }

    @Test
    void framesAreShortButTellable() {
        assertThat(NativeProfile.frame("io/bidisync/job/golden/GoldenEntity.apply"))
                .isEqualTo("GoldenEntity.apply");
        assertThat(
                        NativeProfile.frame(
                                "rocksdb::InlineSkipList<rocksdb::MemTableRep::KeyComparator const&>::FindGreaterOrEqual"))
                .isEqualTo("rocksdb::InlineSkipList::FindGreaterOrEqual");
        assertThat(
                        NativeProfile.frame(
                                "rocksdb::DB::Get(rocksdb::ReadOptions const&, rocksdb::Slice const&, std::string*)"))
                .isEqualTo("rocksdb::DB::Get");
        assertThat(NativeProfile.frame("/tmp/rocksdb-lib-1/librocksdbjni-linux64.so"))
                .isEqualTo("librocksdbjni-linux64.so");
        assertThat(NativeProfile.frame("__memmove_sse2_unaligned_erms"))
                .isEqualTo("__memmove_sse2_unaligned_erms");
    }

    @Test
    void summaryCountsOwnAndOnStackSamplesPerThread() {
        String summary =
                NativeProfile.summary(
                        List.of(
                                "[identity (1/1)#0 tid=1];java/lang/Thread.run;org/rocksdb/RocksDB.get;rocksdb::DBImpl::Get 6",
                                "[identity (1/1)#0 tid=1];java/lang/Thread.run;io/bidisync/job/identity/RecordIdentityFunction.processElement 2",
                                "[golden (1/1)#0 tid=2];java/lang/Thread.run;org/rocksdb/RocksDB.get;rocksdb::DBImpl::Get 2",
                                "not a stack",
                                ""));
        assertThat(summary)
                .startsWith("CPU samples (Java and native): 10")
                .contains("   80.0%  identity\n")
                .contains("   20.0%  golden\n")
                .contains("== identity: own samples\n   75.0%  rocksdb::DBImpl::Get\n")
                .contains("== (all): on the stack\n  100.0%  Thread.run\n   80.0%  RocksDB.get\n");
    }
}
