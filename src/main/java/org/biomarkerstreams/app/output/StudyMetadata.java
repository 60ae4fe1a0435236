package org.biomarkerstreams.app.output;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.biomarkerstreams.domain.VisitWindow;

/**
 * What an analysis dataset needs beyond the records: the study, the zone of its dates, its visits and the analytes'
 * names.
 *
 * @param studyId STUDYID: the protocol's name
 * @param zone the site zone in which ADT and ADTM are written (the zone study days are counted in)
 * @param visits the protocol's visit windows (protocol days), for AVISIT
 * @param analyteNames PARAMCD to the analyte's name, for PARAM
 * @param createdAt datasetJSONCreationDateTime
 * @param version the product's version, for sourceSystem
 */
public record StudyMetadata(
        String studyId,
        ZoneId zone,
        List<VisitWindow> visits,
        Map<String, String> analyteNames,
        Instant createdAt,
        String version) {

    public StudyMetadata {
        Objects.requireNonNull(studyId, "studyId");
        Objects.requireNonNull(zone, "zone");
        visits = List.copyOf(visits);
        analyteNames = Map.copyOf(analyteNames);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(version, "version");
    }
}
