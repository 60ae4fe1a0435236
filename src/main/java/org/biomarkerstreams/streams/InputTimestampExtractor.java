package org.biomarkerstreams.streams;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time of an input record (a reading's observation time, an event's time), validated before
 * Kafka Streams uses it: a missing, undecodable or future time never advances stream time. Such
 * records get the partition's current time (0 before the partition has one: the producer's
 * timestamp could be wall-clock time and would close the follow-up of every historic patient in a
 * backfill) and are dead-lettered by the processor; a negative timestamp would make Kafka Streams
 * drop the record silently, so one is never returned.
 */
public final class InputTimestampExtractor<T> implements TimestampExtractor {

    private final Function<T, Instant> eventTime;
    private final Clock clock;
    private final Duration futureTolerance;

    public InputTimestampExtractor(Function<T, Instant> eventTime, Clock clock, Duration futureTolerance) {
        this.eventTime = eventTime;
        this.clock = clock;
        this.futureTolerance = futureTolerance;
    }

    @Override
    @SuppressWarnings("unchecked")
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long latestAllowed = clock.millis() + futureTolerance.toMillis();
        if (record.value() instanceof Decoded<?> decoded && decoded.isOk()) {
            Instant at = eventTime.apply((T) decoded.value());
            if (at != null && at.toEpochMilli() >= 0 && at.toEpochMilli() <= latestAllowed) {
                return at.toEpochMilli();
            }
        }
        return Math.max(partitionTime, 0L);
    }
}
