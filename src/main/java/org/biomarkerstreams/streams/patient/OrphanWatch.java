package org.biomarkerstreams.streams.patient;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.biomarkerstreams.domain.OrphanReadings;
import org.biomarkerstreams.streams.PipelineCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One application instance's orphan readings ({@link OrphanReadings}): each patient processor task reports the
 * tally of its own partitions' {@code unanchored-patients} store on a wall-clock schedule, and this sums them into
 * the gauges (which Prometheus sums over instances) and the log line. A task that closes (rebalance, shutdown)
 * takes its tally with it; its next owner reports it from the restored store.
 */
public final class OrphanWatch {

    private static final Logger log = LoggerFactory.getLogger(OrphanWatch.class);

    private final OrphanReadings rule;
    private final PipelineCounters counters;
    private final Map<String, OrphanReadings.Tally> byTask = new HashMap<>();
    private final OrphanReadings.LogSchedule schedule;

    public OrphanWatch(Duration after, PipelineCounters counters) {
        this.rule = new OrphanReadings(after);
        this.counters = counters;
        this.schedule = rule.logSchedule();
    }

    OrphanReadings rule() {
        return rule;
    }

    /** The tally of {@code task}'s partitions at {@code now}; logs the instance's total when it is due. */
    synchronized void report(String task, OrphanReadings.Tally tally, Instant now) {
        byTask.put(task, tally);
        OrphanReadings.Tally total = total();
        schedule.next(total, now).ifPresent(t -> {
            if (t.isNone()) {
                log.info("{}", rule.describe(t));
            } else {
                log.warn("{}", rule.describe(t));
            }
        });
    }

    /** {@code task} closed on this instance. */
    synchronized void forget(String task) {
        byTask.remove(task);
        total();
    }

    private OrphanReadings.Tally total() {
        OrphanReadings.Tally total = OrphanReadings.Tally.NONE;
        for (OrphanReadings.Tally t : byTask.values()) {
            total = total.plus(t);
        }
        counters.orphans(total.patients(), total.readings());
        return total;
    }
}
