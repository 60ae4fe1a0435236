package org.biomarkerstreams.ingest.hl7;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * Which sending facilities (MSH-4) and, optionally, applications (MSH-3) each client certificate may send for
 * ({@code --mllp-senders}). A certificate the CA signed proves who connects; this file says what it may claim to
 * be. A YAML file:
 *
 * <pre>{@code
 * senders:
 *   - certificate: "CN=lis.example-hospital.org,O=Example Hospital,C=CH"  # subject DN (RFC 2253)
 *     facilities: [EXH-LAB]                                               # MSH-4-1 values
 *   - dns: poc-gateway.example-hospital.org                               # or a SAN DNS name
 *     facilities: [EXH-POC, EXH-ICU]
 *     applications: [POCGW]                                               # MSH-3-1; omitted: any
 * }</pre>
 *
 * Subjects compare as X.500 names (case and spacing of attribute values as the canonical form rules say); DNS
 * names case-insensitively. A certificate that matches no entry may send nothing.
 */
public final class SenderPolicy {

    record Entry(
            @JsonProperty("certificate") String certificate,
            @JsonProperty("dns") String dns,
            @JsonProperty("facilities") List<String> facilities,
            @JsonProperty("applications") List<String> applications) {}

    record File(@JsonProperty("senders") List<Entry> senders) {}

    private record Rule(X500Principal subject, String dns, Set<String> facilities, Set<String> applications) {
        boolean matches(X509Certificate certificate, Collection<String> dnsNames) {
            if (subject != null) {
                return subject.equals(certificate.getSubjectX500Principal());
            }
            return dnsNames.contains(dns);
        }

        boolean allows(String application, String facility) {
            return facility != null
                    && facilities.contains(facility)
                    && (applications.isEmpty() || (application != null && applications.contains(application)));
        }
    }

    private final List<Rule> rules;

    private SenderPolicy(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * @throws IllegalArgumentException naming {@code --mllp-senders} when the file is unreadable or an entry is
     *     incomplete
     */
    public static SenderPolicy load(Path file) {
        File parsed;
        try {
            parsed = new ObjectMapper(new YAMLFactory())
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(file.toFile(), File.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("--mllp-senders: cannot read " + file + ": "
                    + e.getClass().getSimpleName() + " " + firstLine(e.getMessage()));
        }
        if (parsed == null || parsed.senders() == null || parsed.senders().isEmpty()) {
            throw new IllegalArgumentException("--mllp-senders: " + file + " lists no senders");
        }
        List<Rule> rules = new ArrayList<>();
        int n = 0;
        for (Entry e : parsed.senders()) {
            n++;
            String where = "--mllp-senders: entry " + n + " of " + file;
            if ((e.certificate() == null) == (e.dns() == null)) {
                throw new IllegalArgumentException(
                        where + " needs exactly one of 'certificate' (a subject DN) or 'dns'");
            }
            if (e.facilities() == null || e.facilities().isEmpty()) {
                throw new IllegalArgumentException(where + " lists no 'facilities' (MSH-4)");
            }
            X500Principal subject;
            try {
                subject = e.certificate() == null ? null : new X500Principal(e.certificate());
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(where + ": 'certificate' is not a distinguished name");
            }
            rules.add(new Rule(
                    subject,
                    e.dns() == null ? null : e.dns().toLowerCase(Locale.ROOT),
                    Set.copyOf(e.facilities()),
                    e.applications() == null ? Set.of() : Set.copyOf(e.applications())));
        }
        return new SenderPolicy(rules);
    }

    /** Whether a connection presenting {@code certificate} may send for MSH-3 {@code application}, MSH-4 {@code facility}. */
    public boolean allows(X509Certificate certificate, String application, String facility) {
        if (certificate == null) {
            return false;
        }
        Collection<String> dnsNames = dnsNames(certificate);
        for (Rule r : rules) {
            if (r.matches(certificate, dnsNames) && r.allows(application, facility)) {
                return true;
            }
        }
        return false;
    }

    public int size() {
        return rules.size();
    }

    private static Collection<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> name : alternatives) {
                    if (name.size() >= 2 && Integer.valueOf(2).equals(name.get(0)) && name.get(1) instanceof String s) {
                        names.add(s.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no usable SAN: subject rules still apply
        }
        return names;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
