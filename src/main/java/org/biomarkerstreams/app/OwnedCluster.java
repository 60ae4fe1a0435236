package org.biomarkerstreams.app;

/**
 * A Kafka cluster that a pipeline owns for its lifetime (the embedded broker of {@code demo} and
 * {@code replay}): the pipeline closes it after Streams has committed and flushed its state.
 */
public interface OwnedCluster extends AutoCloseable {

    String bootstrapServers();

    /** Leaves the cluster's shutdown to its owner: on SIGTERM the pipeline closes first, then the cluster. */
    void removeShutdownHook();

    @Override
    void close();
}
