package org.biomarkerstreams.bench;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link HotPathBenchmarks} with JMH (one fork each, short iterations: {@code --warmup N --iterations N
 * --seconds S --forks F} to change) and prints each as {@code figure: jmh_<name>_ns <value> ns}.
 */
public final class HotPathFigures {

    private static final Map<String, String> NAMES = Map.of(
            "avroDecode", "jmh_avro_decode_ns",
            "avroEncode", "jmh_avro_encode_ns",
            "unitConvert", "jmh_unit_convert_ns",
            "hl7Map", "jmh_hl7_map_ns",
            "normalizeReading", "jmh_normalize_reading_ns",
            "topologyReading", "jmh_topology_reading_ttd_ns",
            "rocksdbPut", "jmh_rocksdb_put_ns",
            "rocksdbGet", "jmh_rocksdb_get_ns");

    private HotPathFigures() {}

    public static void main(String[] args) throws Exception {
        int warmup = 3;
        int iterations = 5;
        int seconds = 1;
        int forks = 1;
        String include = HotPathBenchmarks.class.getName() + "|"
                + org.biomarkerstreams.streams.PatientUpdateBenchmark.class.getName();
        String log = "target/jmh.log";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--forks" -> forks = Integer.parseInt(args[++i]);
                case "--include" -> include = args[++i];
                case "--log" -> log = args[++i];
                default ->
                    throw new IllegalArgumentException(
                            "usage: HotPathFigures [--warmup N] [--iterations N] [--seconds S] [--forks F] [--include RE] [--log FILE]");
            }
        }
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include)
                .warmupIterations(warmup)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds(seconds))
                .forks(forks)
                // JMH's own report goes to the log; one failing benchmark does not lose the others' figures.
                .output(log);
        System.out.printf(
                "# JMH: %d warm-up + %d measured iterations of %d s, %d fork(s); log in %s%n",
                warmup, iterations, seconds, forks, log);
        System.out.flush();
        Collection<RunResult> results = new Runner(options.build()).run();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            String history = r.getParams().getParam("history");
            String name = method.equals("patientUpdate")
                    ? "jmh_patient_update_ns_at_history_" + history
                    : NAMES.getOrDefault(method, "jmh_" + method + "_ns");
            double score = r.getPrimaryResult().getScore();
            double error = r.getPrimaryResult().getScoreError();
            System.out.printf(Locale.ROOT, "figure: %s %.0f ns%n", name, score);
            System.out.printf(Locale.ROOT, "# %s: %.1f ± %.1f ns/op (99.9%% CI)%n", method, score, error);
        }
        System.exit(0);
    }
}
