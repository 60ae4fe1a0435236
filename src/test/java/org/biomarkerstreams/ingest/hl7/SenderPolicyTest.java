package org.biomarkerstreams.ingest.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.biomarkerstreams.tls.TlsFixtures;
import org.biomarkerstreams.tls.TlsFixtures.Issued;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SenderPolicyTest {

    @TempDir
    Path dir;

    @Test
    void shouldAllowOnlyTheFacilitiesListedForTheCertificatesSubjectOrDnsName() throws Exception {
        Path file = dir.resolve("senders.yaml");
        Files.writeString(
                file,
                """
                senders:
                  - certificate: "CN=lis.hospital.example, O=Hospital"
                    facilities: [HOSP]
                  - dns: POC.other.example
                    facilities: [OTHER]
                    applications: [POCGW]
                """);
        SenderPolicy policy = SenderPolicy.load(file);
        TlsFixtures ca = TlsFixtures.authority("labs");
        Issued hospital = ca.client("CN=lis.hospital.example,O=Hospital", null);
        Issued other = ca.client("CN=gateway,O=Other", "poc.other.example");

        assertThat(policy.allows(hospital.certificate(), "LIS", "HOSP")).isTrue();
        assertThat(policy.allows(hospital.certificate(), "LIS", "OTHER")).isFalse();
        assertThat(policy.allows(other.certificate(), "POCGW", "OTHER")).isTrue();
        assertThat(policy.allows(other.certificate(), "LIS", "OTHER")).isFalse();
        assertThat(policy.allows(other.certificate(), "POCGW", "HOSP")).isFalse();
        assertThat(policy.allows(null, "LIS", "HOSP")).isFalse();
    }

    @Test
    void shouldNameTheOptionWhenAnEntryIsIncomplete() throws Exception {
        Path file = dir.resolve("senders.yaml");
        Files.writeString(file, "senders:\n  - dns: a.example\n");
        assertThatThrownBy(() -> SenderPolicy.load(file)).hasMessageStartingWith("--mllp-senders: entry 1");
    }

    @Test
    void shouldMatchIpv4AndIpv6Blocks() throws Exception {
        SourceAllowlist list = SourceAllowlist.of(java.util.List.of("10.20.0.0/16", "2001:db8::/32", "192.0.2.7"));
        assertThat(list.allows(java.net.InetAddress.getByName("10.20.255.1"))).isTrue();
        assertThat(list.allows(java.net.InetAddress.getByName("10.21.0.1"))).isFalse();
        assertThat(list.allows(java.net.InetAddress.getByName("2001:db8:1::5"))).isTrue();
        assertThat(list.allows(java.net.InetAddress.getByName("2001:db9::5"))).isFalse();
        assertThat(list.allows(java.net.InetAddress.getByName("192.0.2.7"))).isTrue();
        assertThat(list.allows(java.net.InetAddress.getByName("::ffff:10.20.0.9")))
                .isTrue();
        assertThatThrownBy(() -> SourceAllowlist.of(java.util.List.of("lab.example/24")))
                .hasMessageStartingWith("--mllp-allow-cidr:");
        assertThatThrownBy(() -> SourceAllowlist.of(java.util.List.of("10.0.0.0/33")))
                .hasMessageContaining("prefix length");
    }
}
