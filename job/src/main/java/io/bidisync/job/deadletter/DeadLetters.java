package io.bidisync.job.deadletter;

import org.apache.flink.util.OutputTag;

/** The side output every operator sends its dead letters to; the job routes it to one sink. */
public final class DeadLetters {
    public static final OutputTag<DeadLetter> TAG =
            new OutputTag<>("dead-letters") {
                private static final long serialVersionUID = 1L;
            };

    private DeadLetters() {}
}
