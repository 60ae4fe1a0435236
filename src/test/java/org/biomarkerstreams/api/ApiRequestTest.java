package org.biomarkerstreams.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiRequestTest {

    @Test
    void shouldParsePatientTrajectoryWithAnalyteWhenPathHasEncodedId() {
        assertThat(ApiRequest.parse("/api/patients/P%2F1+x/trajectory", "analyte=crp&x=1"))
                .contains(new ApiRequest.PatientTrajectory("P/1+x", "crp"));
    }

    @Test
    void shouldTreatEmptyAnalyteAsAbsentWhenQueryHasNoValue() {
        assertThat(ApiRequest.parse("/api/patients/P1/trajectory", "analyte="))
                .contains(new ApiRequest.PatientTrajectory("P1", null));
        assertThat(ApiRequest.parse("/api/cohort/visits", null)).contains(new ApiRequest.CohortVisits(null));
    }

    @Test
    void shouldParseEveryApiRouteWhenPathMatches() {
        assertThat(ApiRequest.parse("/api/patients/P1/summary", null)).contains(new ApiRequest.PatientSummary("P1"));
        assertThat(ApiRequest.parse("/api/cohort/visits", "analyte=IL6")).contains(new ApiRequest.CohortVisits("IL6"));
        assertThat(ApiRequest.parse("/api/cohort/normalization", "analyte=LYMPH"))
                .contains(new ApiRequest.CohortNormalization("LYMPH"));
        assertThat(ApiRequest.parse("/api/analytes", null)).contains(new ApiRequest.Analytes());
        assertThat(ApiRequest.parse("/api/patients/P1/time-to-normalization", null))
                .contains(new ApiRequest.PatientTimeToNormalization("P1"));
        assertThat(ApiRequest.parse("/api/protocol", null)).contains(new ApiRequest.StudyProtocol());
        assertThat(ApiRequest.parse("/health/ready", null)).contains(new ApiRequest.Ready());
        assertThat(ApiRequest.parse("/metrics", null)).contains(new ApiRequest.Metrics());
        assertThat(ApiRequest.parse("/health/live", null)).contains(new ApiRequest.Live());
    }

    @Test
    void shouldServeOnlyDashboardFilesWhenPathIsStatic() {
        assertThat(ApiRequest.parse("/", null)).contains(new ApiRequest.Asset("index.html"));
        assertThat(ApiRequest.parse("/dashboard.js", null)).contains(new ApiRequest.Asset("dashboard.js"));
        assertThat(ApiRequest.parse("/vendor/echarts.min.js", null)).contains(new ApiRequest.Asset(ApiRequest.ECHARTS));
        assertThat(ApiRequest.parse("/logback.xml", null)).isEmpty();
        assertThat(ApiRequest.parse("/../dashboard.js", null)).isEmpty();
        assertThat(ApiRequest.parse("/api/patients//summary", null)).isEmpty();
        assertThat(ApiRequest.parse("/api/patients/P1/other", null)).isEmpty();
    }

    @Test
    void shouldNameRouteWithoutPatientIdWhenTemplateIsLogged() {
        ApiRequest request =
                ApiRequest.parse("/api/patients/SECRET-ID/trajectory", null).orElseThrow();

        assertThat(request.template())
                .isEqualTo("/api/patients/{id}/trajectory")
                .doesNotContain("SECRET");
        assertThat(ApiRequest.parse("/api/patients/SECRET-ID/time-to-normalization", null)
                        .orElseThrow()
                        .template())
                .isEqualTo("/api/patients/{id}/time-to-normalization");
    }
}
