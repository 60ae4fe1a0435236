package org.biomarkerstreams.streams;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.SiteProfile;

/**
 * Everything the topology's behaviour depends on, immutable.
 *
 * @param futureTolerance how far past the wall clock a timestamp may be before it counts as future
 *     (clock skew between the lab system and us)
 */
public record TopologyConfig(
        Topics topics, Protocol protocol, SiteProfile profile, Clock clock, Duration futureTolerance) {

    public TopologyConfig {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(futureTolerance, "futureTolerance");
    }

    public static TopologyConfig defaults(Clock clock) {
        return new TopologyConfig(
                Topics.defaults(), Protocol.defaults(), SiteProfile.defaults(), clock, Duration.ofMinutes(5));
    }
}
