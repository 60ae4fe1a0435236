package org.biomarkerstreams.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.domain.UnitConverter;

/**
 * A site profile file (YAML): the site's analytes with their canonical unit, reference interval and plausibility
 * bounds, the LOINC and local codes that name them, the site's own unit spellings, and the reference intervals of
 * particular labs (matched by the reading's {@code source}), so that a site configures them
 * without Java. The bundled default ({@value #BUNDLED}, the table of docs/semantics.md) is such a file, read by the
 * same code; {@code SiteProfileFileTest} holds it equal to {@link SiteProfile#defaults()}.
 *
 * <p>Bound like a protocol file ({@link ProtocolFile}): strictly (an unknown or repeated key, a number for a text, an
 * empty list item are mistakes), and a mistake is an {@link IllegalArgumentException} whose message starts with the
 * file, names the field and ends with where it is written ({@code site.yaml: codes[3].analyte: 'FERITIN' is not one of
 * the analytes [...] (line 41, column 14)}). A protocol's {@code referenceIntervals} apply on top of the analytes'
 * own intervals; a lab's intervals win over both for readings from that lab.
 */
public final class SiteProfileFile {

    /** The bundled default profile on the class path. */
    public static final String BUNDLED = "site/default.yaml";

    private static final String FIELDS = "site profile fields (analytes, codes, unitSpellings, labs)";

    private SiteProfileFile() {}

    /** The bundled default profile, read once. */
    public static SiteProfile bundled() {
        return Bundled.PROFILE;
    }

    /**
     * The profile in the file at {@code path}.
     *
     * @throws IllegalArgumentException naming the file and the field when it cannot be read or is wrong
     */
    public static SiteProfile load(Path path) {
        Objects.requireNonNull(path, "path");
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("site profile " + path + ": not a readable file");
        }
        try {
            return parse(
                    Files.readString(path, StandardCharsets.UTF_8),
                    path.getFileName().toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("site profile " + path + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Parses and checks a site profile file's text.
     *
     * @param source the file's name for messages
     */
    public static SiteProfile parse(String yaml, String source) {
        SiteProfileDocument document;
        try {
            document = ProtocolFile.YAML.readValue(yaml, SiteProfileDocument.class);
        } catch (JsonProcessingException e) {
            throw ProtocolMistake.of(e, source, yaml, FIELDS);
        }
        if (document == null) {
            throw new IllegalArgumentException(source + ": expected a mapping of " + FIELDS + " at the top level");
        }
        try {
            return document.profile(Units.CONVERTER);
        } catch (FieldError e) {
            throw ProtocolMistake.of(e, source, yaml);
        }
    }

    /** Loaded on first use: the UCUM model takes a moment to read. */
    private static final class Units {
        static final UnitConverter CONVERTER = new UnitConverter();
    }

    /** Read on first use. */
    private static final class Bundled {
        static final SiteProfile PROFILE = read();

        private static SiteProfile read() {
            try (InputStream in = SiteProfileFile.class.getClassLoader().getResourceAsStream(BUNDLED)) {
                if (in == null) {
                    throw new IllegalStateException(BUNDLED + " is not on the class path");
                }
                return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "default.yaml");
            } catch (IOException e) {
                throw new IllegalStateException(BUNDLED + " cannot be read", e);
            }
        }
    }
}
