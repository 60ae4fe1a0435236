package org.biomarkerstreams.demo;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.NM;
import ca.uhn.hl7v2.model.v251.datatype.SN;
import ca.uhn.hl7v2.model.v251.datatype.ST;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.biomarkerstreams.demo.Hl7FeedWriter.LisStyle;
import org.biomarkerstreams.domain.AnalyteDefinition;
import org.biomarkerstreams.domain.LoincMapping;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.domain.UnitConverter;
import org.biomarkerstreams.domain.UnitSpelling;

/**
 * Writes one reading into an OBX segment as a laboratory of a {@link LisStyle} spells it: the code (OBX-3), the
 * value and its type (OBX-2, OBX-5), the unit (OBX-6), reference range and flags (OBX-7, OBX-8) and the status
 * (OBX-11). See {@link Hl7FeedWriter} for what each style writes. Caches UCUM codes: one per feed writer.
 */
final class ObxWriter {

    private static final Pattern NUMBER = Pattern.compile("[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)");
    private static final Pattern COMPARED = Pattern.compile("(<=|>=|<>|<|>|=)\\s*([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+))");
    /** Local codes of the synthetic cohort's LOINC codes, as a 2.3-era LIS would have them. */
    private static final Map<String, String> LOCAL_CODE_OF_LOINC = orderedMap(
            "1988-5", "CRP01",
            "26881-3", "IL6",
            "731-0", "LYMAB",
            "48065-7", "DDIM",
            "50984-4", "PF");

    private final SiteProfile profile;
    private final UnitConverter units;
    private final Map<String, String> ucumOfUnit = new HashMap<>();

    ObxWriter(SiteProfile profile, UnitConverter units) {
        this.profile = profile;
        this.units = units;
    }

    /** The local codes of {@link LisStyle#LOCAL_CODES_V23} to their LOINC codes. */
    static Map<String, String> localCodeToLoinc() {
        Map<String, String> inverse = new LinkedHashMap<>();
        LOCAL_CODE_OF_LOINC.forEach((loinc, local) -> inverse.put(local, loinc));
        return Collections.unmodifiableMap(inverse);
    }

    /** Fills OBX-3 and returns its identifier. */
    String observationIdentifier(CE code, RawReading reading, LisStyle style) throws HL7Exception {
        String loinc = reading.loinc();
        String name = name(reading);
        String local = loinc == null ? null : LOCAL_CODE_OF_LOINC.get(loinc);
        if (loinc == null) {
            // Only an analyte code: sent as a local code, which the listener maps or dead-letters.
            code.getIdentifier().setValue(reading.analyte());
            code.getText().setValue(name);
            code.getNameOfCodingSystem().setValue("L");
            return reading.analyte();
        }
        if (style == LisStyle.LOCAL_CODES_V23 && local != null) {
            code.getIdentifier().setValue(local);
            code.getText().setValue(name);
            code.getNameOfCodingSystem().setValue("L");
            code.getAlternateIdentifier().setValue(loinc);
            code.getAlternateText().setValue(name);
            code.getNameOfAlternateCodingSystem().setValue("LN");
            return local;
        }
        // A code without a local one is sent as LOINC in both styles, as a LIS does for tests it has no code for.
        code.getIdentifier().setValue(loinc);
        code.getText().setValue(name);
        code.getNameOfCodingSystem().setValue("LN");
        return loinc;
    }

    /** Fills the result fields after OBX-4: value, unit, reference range, abnormal flags and status. */
    void result(ORU_R01 oru, OBX obx, RawReading reading, LisStyle style) throws HL7Exception {
        boolean v251 = style == LisStyle.LOINC_V251;
        observationValue(oru, obx, reading.value(), v251);
        units(obx.getUnits(), reading.unit(), v251);
        if (reading.referenceRange() != null) {
            obx.getReferencesRange().setValue(reading.referenceRange());
        }
        if (reading.abnormalFlags() != null) {
            String[] flags = reading.abnormalFlags().split("~");
            for (int f = 0; f < flags.length; f++) {
                obx.getAbnormalFlags(f).setValue(flags[f]);
            }
        }
        obx.getObservationResultStatus().setValue(statusCode(reading));
    }

    private String name(RawReading reading) {
        String paramcd = reading.analyte();
        if (reading.loinc() != null) {
            paramcd =
                    profile.byLoinc(reading.loinc()).map(LoincMapping::paramcd).orElse(paramcd);
        }
        return profile.analyte(paramcd).map(AnalyteDefinition::name).orElse(paramcd);
    }

    private static void observationValue(ORU_R01 oru, OBX obx, String value, boolean v251) throws HL7Exception {
        if (value == null || value.isBlank()) {
            obx.getValueType().setValue("ST");
            return;
        }
        String text = value.strip();
        if (NUMBER.matcher(text).matches()) {
            obx.getValueType().setValue("NM");
            NM nm = new NM(oru);
            nm.setValue(text);
            obx.getObservationValue(0).setData(nm);
            return;
        }
        Matcher compared = COMPARED.matcher(text);
        if (v251 && compared.matches()) {
            obx.getValueType().setValue("SN");
            SN sn = new SN(oru);
            sn.getComparator().setValue(compared.group(1));
            sn.getNum1().setValue(compared.group(2));
            obx.getObservationValue(0).setData(sn);
            return;
        }
        obx.getValueType().setValue("ST");
        ST st = new ST(oru);
        st.setValue(text);
        obx.getObservationValue(0).setData(st);
    }

    private void units(CE ce, String unit, boolean v251) throws HL7Exception {
        if (unit == null || unit.isBlank()) {
            return;
        }
        ce.getIdentifier().setValue(unit);
        if (!v251) {
            return;
        }
        String ucum = ucumOf(unit);
        if (ucum == null) {
            return;
        }
        if (ucum.equals(unit)) {
            ce.getNameOfCodingSystem().setValue("UCUM");
        } else {
            // The unit stays as the reading has it (the mapper reads the identifier); UCUM is the alternate coding.
            ce.getNameOfCodingSystem().setValue("L");
            ce.getAlternateIdentifier().setValue(ucum);
            ce.getNameOfAlternateCodingSystem().setValue("UCUM");
        }
    }

    /** The UCUM code of a unit, with its D-dimer assay as an annotation ({@code mg/L{FEU}}); null if unknown. */
    private String ucumOf(String unit) {
        return ucumOfUnit.computeIfAbsent(unit, u -> {
            var spelled = units.normalize(u);
            if (!spelled.isOk()) {
                return null;
            }
            UnitSpelling spelling = spelled.value();
            return switch (spelling.annotatedAssay()) {
                case NONE -> spelling.ucum();
                case FEU, DDU -> spelling.ucum() + "{" + spelling.annotatedAssay() + "}";
            };
        });
    }

    private static String statusCode(RawReading reading) {
        return switch (reading.status()) {
            case FINAL -> "F";
            case PRELIMINARY -> "P";
            case CORRECTED -> "C";
            case DELETED -> "D";
            case ENTERED_IN_ERROR -> "W";
            case UNKNOWN -> throw new IllegalArgumentException("a reading of unknown status has no OBX-11 code");
        };
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }
}
