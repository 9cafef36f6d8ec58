package io.bidisync.job.config;

/** Who increments a system's version column. */
public enum VersionOwner {
    /** The job's UPDATE sets {@code version = version + 1}. */
    JOB,
    /** A trigger or application does; the job only compares the version. */
    DATABASE
}
