package org.biomarkerstreams.streams;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.domain.KaplanMeier;
import org.biomarkerstreams.domain.Protocol;

/**
 * The cohort views computed in one batch from the final per-patient outputs, with plain loops and
 * nothing of the topology's code: strata by hand, LOCF by hand, R type-7 quantiles by the textbook
 * formula, Kaplan-Meier by the product-limit loop. Numbers are rendered as text rounded to 9
 * significant digits so that summation order does not matter.
 */
final class CohortOracle {

    private final Protocol protocol;

    CohortOracle(Protocol protocol) {
        this.protocol = protocol;
    }

    /** The strata keys (arm, label, value) of a patient. */
    private List<String[]> strata(String arm, Map<String, String> strata) {
        String shown = arm == null ? "UNASSIGNED" : protocol.blinding().label(arm);
        List<String[]> out = new ArrayList<>();
        for (String a : new String[] {shown, "ALL"}) {
            out.add(new String[] {a, null, null});
            for (String label : protocol.strata()) {
                if (strata.containsKey(label)) {
                    out.add(new String[] {a, label, strata.get(label)});
                }
            }
        }
        return out;
    }

    /** LOCF fills a visit only when the patient has a reading after the visit's last window day. */
    private boolean observedPast(BiomarkerSummary s, String visit) {
        if (s.getLatestAt() == null) {
            return false;
        }
        long lastPdy = java.time.temporal.ChronoUnit.DAYS.between(
                s.getAnchorAt().atZone(protocol.zone()).toLocalDate(),
                s.getLatestAt().atZone(protocol.zone()).toLocalDate());
        for (org.biomarkerstreams.domain.VisitWindow w : protocol.visits()) {
            if (w.name().equals(visit)) {
                return w.toDay() < lastPdy;
            }
        }
        return false;
    }

    /**
     * Expected visit summaries as text per key, from the final per-patient outputs and the roster (every patient
     * with clinical events, {@link BatchOracle#patients}).
     */
    Map<String, String> visits(
            Map<String, SpecificRecord> finalOutputs,
            Map<String, org.biomarkerstreams.streams.patient.PatientContext> roster) {
        Map<String, List<Double[]>> groups = new TreeMap<>(); // group -> per patient visit values (+ imputed flags)
        Map<String, List<Boolean[]>> imputedFlags = new TreeMap<>();
        // N: the patients of each stratum (arm|label|value): every patient with an anchor, whatever it measured,
        // also nothing at all.
        Map<String, java.util.Set<String>> stratumPatients = new TreeMap<>();
        roster.forEach((id, patient) -> {
            if (patient.anchor() != null) {
                for (String[] st : strata(patient.arm(), patient.strata())) {
                    stratumPatients
                            .computeIfAbsent(st[0] + "|" + st[1] + "|" + st[2], k -> new java.util.HashSet<>())
                            .add(id);
                }
            }
        });
        List<String> visitNames = protocol.visitNames();
        for (SpecificRecord r : finalOutputs.values()) {
            if (!(r instanceof BiomarkerSummary s) || s.getAnchorAt() == null || s.getReadingCount() == 0) {
                continue;
            }
            Double[] values = new Double[visitNames.size()];
            Boolean[] imputed = new Boolean[visitNames.size()];
            for (int i = 0; i < visitNames.size(); i++) {
                values[i] = s.getVisits().get(visitNames.get(i));
                imputed[i] = false;
                if (values[i] == null
                        && protocol.locf()
                        && i > 0
                        && values[i - 1] != null
                        && observedPast(s, visitNames.get(i))) {
                    values[i] = values[i - 1];
                    imputed[i] = true;
                }
            }
            for (String[] st : strata(s.getArm(), s.getStrata())) {
                String g = st[0] + "|" + st[1] + "|" + st[2] + "|" + s.getAnalyte();
                groups.computeIfAbsent(g, k -> new ArrayList<>()).add(values);
                imputedFlags.computeIfAbsent(g, k -> new ArrayList<>()).add(imputed);
            }
        }
        Map<String, String> out = new TreeMap<>();
        groups.forEach((g, patients) -> {
            String[] p = g.split("\\|", -1);
            int bigN = stratumPatients.get(p[0] + "|" + p[1] + "|" + p[2]).size();
            for (int i = 0; i < visitNames.size(); i++) {
                List<Double> xs = new ArrayList<>();
                int imputed = 0;
                for (int k = 0; k < patients.size(); k++) {
                    Double v = patients.get(k)[i];
                    if (v != null) {
                        xs.add(v);
                        if (imputedFlags.get(g).get(k)[i]) {
                            imputed++;
                        }
                    }
                }
                String key = CohortKey.visit(p[0], nul(p[1]), nul(p[2]), p[3], visitNames.get(i));
                // Missing: every other patient of the stratum, also those without a summary of this analyte.
                out.put(key, cell(xs, bigN - xs.size(), imputed));
            }
        });
        return out;
    }

    static String visitText(org.biomarkerstreams.avro.CohortVisitSummary v) {
        return "n=" + v.getN() + " missing=" + v.getNMissing() + " imputed=" + v.getNImputed() + " median="
                + r(v.getMedian()) + " q1=" + r(v.getQ1()) + " q3=" + r(v.getQ3()) + " mean=" + r(v.getMean())
                + " sd=" + r(v.getSd()) + " min=" + r(v.getMin()) + " max=" + r(v.getMax());
    }

    private static String cell(List<Double> xs, int missing, int imputed) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = s.length;
        Double mean = null;
        Double sd = null;
        if (n > 0) {
            double sum = 0;
            for (double x : s) {
                sum += x;
            }
            mean = sum / n;
        }
        if (n > 1) {
            double ss = 0;
            for (double x : s) {
                ss += (x - mean) * (x - mean);
            }
            sd = Math.sqrt(ss / (n - 1));
        }
        return "n=" + n + " missing=" + missing + " imputed=" + imputed + " median=" + r(type7(s, 0.5)) + " q1="
                + r(type7(s, 0.25)) + " q3=" + r(type7(s, 0.75)) + " mean=" + r(mean) + " sd=" + r(sd) + " min="
                + r(n == 0 ? null : s[0]) + " max=" + r(n == 0 ? null : s[n - 1]);
    }

    /** R type 7: 1-based h = (n - 1) p + 1, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]). */
    private static Double type7(double[] s, double p) {
        if (s.length == 0) {
            return null;
        }
        double h = (s.length - 1) * p + 1;
        int lo = (int) Math.floor(h);
        double lower = s[lo - 1];
        double upper = s[Math.min(lo, s.length - 1)];
        return lower + (h - lo) * (upper - lower);
    }

    /** Expected curves as text per key. */
    Map<String, String> curves(Map<String, SpecificRecord> finalOutputs) {
        Map<String, List<double[]>> groups = new TreeMap<>();
        for (SpecificRecord r : finalOutputs.values()) {
            if (!(r instanceof TimeToNormalization t) || !t.getAtRisk() || t.getAval() == null || t.getCnsr() == null) {
                continue;
            }
            for (String[] st : strata(t.getArm(), t.getStrata())) {
                String key = CohortKey.curve(st[0], st[1], st[2], t.getAnalyte());
                groups.computeIfAbsent(key, k -> new ArrayList<>())
                        .add(new double[] {t.getAval(), t.getCnsr() == 0 ? 1 : 0});
            }
        }
        Map<String, String> out = new TreeMap<>();
        groups.forEach((key, obs) -> {
            obs.sort((a, b) -> Double.compare(a[0], b[0]));
            StringBuilder steps = new StringBuilder();
            int atRisk = obs.size();
            double survival = 1;
            Double median = null;
            Double halfSince = null; // the time the curve reached exactly 0.5, while it stays there
            int events = 0;
            int censored = 0;
            int i = 0;
            while (i < obs.size()) {
                double time = obs.get(i)[0];
                int d = 0;
                int c = 0;
                for (; i < obs.size() && obs.get(i)[0] == time; i++) {
                    if (obs.get(i)[1] == 1) {
                        d++;
                    } else {
                        c++;
                    }
                }
                survival = survival * (atRisk - d) / atRisk;
                steps.append(' ')
                        .append(r(time))
                        .append(':')
                        .append(atRisk)
                        .append('/')
                        .append(d)
                        .append('/')
                        .append(c)
                        .append('/')
                        .append(r(survival));
                // R's survival (print.survfit): the first time at or below 0.5, but on a flat stretch at exactly 0.5
                // the midpoint between reaching it and the next drop; at the end of the data, the time it reached 0.5.
                if (median == null && halfSince != null && survival < 0.5 - 1e-8) {
                    median = (halfSince + time) / 2;
                } else if (median == null && halfSince == null && Math.abs(survival - 0.5) < 1e-8) {
                    halfSince = time;
                } else if (median == null && halfSince == null && survival < 0.5) {
                    median = time;
                }
                atRisk -= d + c;
                events += d;
                censored += c;
            }
            if (median == null && halfSince != null) {
                median = halfSince;
            }
            KaplanMeier.MedianInterval ci =
                    KaplanMeier.estimate(observations(obs)).medianConfidenceInterval(0.95);
            out.put(
                    key,
                    "atRisk=" + obs.size() + " events=" + events + " censored=" + censored + " median=" + r(median)
                            + " ci=" + r(bound(ci.lower())) + "-" + r(bound(ci.upper()))
                            + " logRank=" + logRank(key, groups) + " steps=" + steps);
        });
        return out;
    }

    /**
     * The log-rank test between the arms of the curve's stratum (label, value) x analyte, computed in
     * one batch from the final per-patient records; the pooled ALL and UNASSIGNED are not arms.
     */
    private static String logRank(String curveKey, Map<String, List<double[]>> groups) {
        List<String> parts = CohortKey.split(curveKey);
        java.util.TreeMap<String, List<KaplanMeier.Observation>> arms = new java.util.TreeMap<>();
        groups.forEach((key, obs) -> {
            List<String> p = CohortKey.split(key);
            if (p.subList(1, 4).equals(parts.subList(1, 4))
                    && !p.get(0).equals(org.biomarkerstreams.domain.Blinding.ALL)
                    && !p.get(0).equals(org.biomarkerstreams.domain.Stratum.UNASSIGNED)) {
                arms.put(p.get(0), observations(obs));
            }
        });
        if (arms.size() < 2) {
            return "null";
        }
        return org.biomarkerstreams.domain.LogRank.test(List.copyOf(arms.values()))
                .map(t -> String.join(",", arms.keySet()) + "/" + r(t.chiSquare()) + "/" + t.degreesOfFreedom() + "/"
                        + r(t.pValue()))
                .orElse("null");
    }

    private static List<KaplanMeier.Observation> observations(List<double[]> obs) {
        return obs.stream()
                .map(o -> new KaplanMeier.Observation(o[0], o[1] == 1))
                .toList();
    }

    private static Double bound(java.util.OptionalDouble b) {
        return b.isPresent() ? b.getAsDouble() : null;
    }

    static String curveText(org.biomarkerstreams.avro.NormalizationCurve c) {
        StringBuilder steps = new StringBuilder();
        c.getSteps().forEach(s -> steps.append(' ')
                .append(r(s.getDays()))
                .append(':')
                .append(s.getAtRisk())
                .append('/')
                .append(s.getEvents())
                .append('/')
                .append(s.getCensored())
                .append('/')
                .append(r(s.getSurvival())));
        org.biomarkerstreams.avro.LogRankTest t = c.getLogRank();
        String logRank = t == null
                ? "null"
                : String.join(",", t.getArms()) + "/" + r(t.getChiSquare()) + "/" + t.getDegreesOfFreedom() + "/"
                        + r(t.getPValue());
        return "atRisk=" + c.getAtRisk() + " events=" + c.getEvents() + " censored=" + c.getCensored() + " median="
                + r(c.getMedianDays()) + " ci=" + r(c.getMedianLower()) + "-" + r(c.getMedianUpper()) + " logRank="
                + logRank + " steps=" + steps;
    }

    private static String nul(String s) {
        return "null".equals(s) ? null : s;
    }

    /** 9 significant digits, and no negative zero, so that rounding noise of summation order vanishes. */
    static String r(Double v) {
        if (v == null) {
            return "NA";
        }
        if (Math.abs(v) < 1e-9) {
            return "0";
        }
        return new java.math.BigDecimal(v)
                .round(new java.math.MathContext(9))
                .stripTrailingZeros()
                .toPlainString();
    }

    static <V> Map<String, String> render(Map<String, V> records, java.util.function.Function<V, String> text) {
        Map<String, String> out = new LinkedHashMap<>();
        records.forEach((k, v) -> out.put(k, text.apply(v)));
        return out;
    }
}
