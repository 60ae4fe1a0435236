package org.biomarkerstreams.streams.patient;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.biomarkerstreams.domain.NormalizationScan;
import org.biomarkerstreams.streams.StateCodec;

/**
 * The small per patient-and-analyte summary the processor keeps next to the readings: what it would
 * otherwise have to rescan on every reading (baseline, latest, visit picks, extremes, the
 * normalization scan) and what it last emitted, so unchanged results are not sent again. Its size
 * does not grow with the patient's history.
 */
public final class AnalyteState {

    private static final int VERSION = 1;

    /** A reading chosen for a role (baseline, latest, a visit). */
    public record Pick(String readingId, Instant at, double value, Boolean normal) {

        public static Pick of(StoredReading r) {
            return new Pick(r.readingId(), r.observedAt(), r.value(), r.normal());
        }

        /** Order of readings on the timeline: time, then reading id. */
        public boolean isAfter(Pick other) {
            int byTime = at.compareTo(other.at);
            return byTime != 0 ? byTime > 0 : readingId.compareTo(other.readingId) > 0;
        }
    }

    public long count;
    public Pick baseline;
    public Pick latest;
    public Double nadir;
    public Double peak;
    public final Map<String, Pick> visits = new TreeMap<>();
    public NormalizationScan scan = NormalizationScan.EMPTY;
    public byte[] emittedSummary;
    public byte[] emittedTtn;

    public byte[] encode() {
        StateCodec.Writer out = new StateCodec.Writer(VERSION).writeLong(count);
        writePick(out, baseline);
        writePick(out, latest);
        out.writeNullableDouble(nadir).writeNullableDouble(peak).writeInt(visits.size());
        visits.forEach((name, pick) -> {
            out.writeString(name);
            writePick(out, pick);
        });
        out.writeNullableInstant(scan.runStart())
                .writeInt(scan.runCount())
                .writeNullableInstant(scan.lastReadingAt())
                .writeNullableInstant(scan.eventAt())
                .writeNullableInstant(scan.confirmedAt())
                .writeBytes(emittedSummary)
                .writeBytes(emittedTtn);
        return out.toByteArray();
    }

    public static AnalyteState decode(byte[] data) {
        StateCodec.Reader in = new StateCodec.Reader(data, VERSION, "analyte");
        AnalyteState s = new AnalyteState();
        s.count = in.readLong();
        s.baseline = readPick(in);
        s.latest = readPick(in);
        s.nadir = in.readNullableDouble();
        s.peak = in.readNullableDouble();
        int visits = in.readInt();
        for (int i = 0; i < visits; i++) {
            String name = in.readString();
            s.visits.put(name, readPick(in));
        }
        s.scan = new NormalizationScan(
                in.readNullableInstant(),
                in.readInt(),
                in.readNullableInstant(),
                in.readNullableInstant(),
                in.readNullableInstant());
        s.emittedSummary = in.readBytes();
        s.emittedTtn = in.readBytes();
        return s;
    }

    private static void writePick(StateCodec.Writer out, Pick p) {
        out.writeBoolean(p != null);
        if (p != null) {
            out.writeString(p.readingId())
                    .writeLong(p.at().toEpochMilli())
                    .writeDouble(p.value())
                    .writeNullableBoolean(p.normal());
        }
    }

    private static Pick readPick(StateCodec.Reader in) {
        if (!in.readBoolean()) {
            return null;
        }
        return new Pick(
                in.readString(), Instant.ofEpochMilli(in.readLong()), in.readDouble(), in.readNullableBoolean());
    }
}
