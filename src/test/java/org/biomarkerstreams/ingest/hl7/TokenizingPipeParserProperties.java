package org.biomarkerstreams.ingest.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Composite;
import ca.uhn.hl7v2.model.Group;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.model.Varies;
import ca.uhn.hl7v2.parser.PipeParser;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * {@link TokenizingPipeParser} against HAPI's own {@link PipeParser} with the same context: the same message
 * class, the same segments, field types (OBX-5's fixed type included) and values, the same encoded text and the
 * same mapping, or the same exception. Both contexts the product parses with: the mapper's (any version) and the
 * MLLP responder's (known versions only).
 */
class TokenizingPipeParserProperties {

    private static final List<HapiContext> CONTEXTS = List.of(Hl7Mapper.hapiContext(), Hl7Responder.hapiContext());

    private final Hl7Mapper mapper = new Hl7Mapper(Hl7Settings.defaults(Hl7Fixtures.CLOCK));

    @Example
    void shouldSplitAsHapiDoesWhenPartsAreEmptyAtEitherEnd() {
        for (String text : List.of("", "a", "a|b", "|a", "a|", "a||", "|", "||", "a||b", "|||x||", "ab|cd|")) {
            assertThat(TokenizingPipeParser.split(text, '|')).as(text).containsExactly(PipeParser.split(text, "|"));
        }
        assertThat(TokenizingPipeParser.split(null, '|')).isEmpty();
    }

    @Property(tries = 1000)
    void shouldSplitAsHapiDoes(@ForAll("pieces") String text) {
        assertThat(TokenizingPipeParser.split(text, '|')).containsExactly(PipeParser.split(text, "|"));
    }

    @Example
    void shouldParseEverySampleAsHapiDoes() {
        for (String name : Hl7Fixtures.ALL) {
            String text = Hl7Fixtures.read(name);
            assertSameAsHapi(text);
            assertSameAsHapi(Hl7Mapper.normalize(text));
        }
    }

    @Property(tries = 500)
    void shouldParseAsHapiDoesWhenSampleIsDamaged(@ForAll("mutated") String text) {
        assertSameAsHapi(text);
        assertSameAsHapi(Hl7Mapper.normalize(text));
    }

    @Property(tries = 1000)
    void shouldParseAsHapiDoesWhenMessageIsGenerated(@ForAll("messages") String text) {
        assertSameAsHapi(text);
    }

    private void assertSameAsHapi(String text) {
        for (HapiContext context : CONTEXTS) {
            Parsed expected = Parsed.of(new PipeParser(context), text, mapper);
            Parsed actual = Parsed.of(new TokenizingPipeParser(context), text, mapper);
            assertThat(actual).as("%s", text.replace('\r', '\n')).isEqualTo(expected);
        }
    }

    /** What a parse gives, in comparable form: its error, or the message's class, structure, text and mapping. */
    private record Parsed(String error, String messageClass, String structure, String encoded, Hl7Outcome outcome) {

        static Parsed of(PipeParser parser, String text, Hl7Mapper mapper) {
            Message message;
            try {
                message = parser.parse(text);
            } catch (HL7Exception e) {
                return new Parsed(
                        e.getClass().getName() + " " + e.getErrorCode() + " " + e.getLocation() + " " + e.getMessage(),
                        null,
                        null,
                        null,
                        null);
            } catch (RuntimeException e) {
                return new Parsed(e.getClass().getName() + " " + e.getMessage(), null, null, null, null);
            }
            try {
                return new Parsed(
                        null, message.getClass().getName(), describe(message), encode(message), mapper.map(message));
            } catch (HL7Exception e) {
                throw new AssertionError("a parsed message could not be walked", e);
            }
        }

        /** HAPI refuses to encode some messages it parses (a 5-character MSH-2): that refusal is compared too. */
        private static String encode(Message message) {
            try {
                return message.encode();
            } catch (HL7Exception e) {
                return "not encoded: " + e.getMessage();
            }
        }
    }

    private static String describe(Structure structure) throws HL7Exception {
        StringBuilder out = new StringBuilder();
        describe(structure, out);
        return out.toString();
    }

    private static void describe(Structure structure, StringBuilder out) throws HL7Exception {
        out.append(structure.getName()).append('{');
        if (structure instanceof Group group) {
            for (String name : group.getNames()) {
                for (Structure child : group.getAll(name)) {
                    describe(child, out);
                }
            }
        } else if (structure instanceof Segment segment) {
            for (int field = 1; field <= segment.numFields(); field++) {
                for (Type type : segment.getField(field)) {
                    out.append(field).append('=');
                    describe(type, out);
                    out.append(';');
                }
            }
        }
        out.append('}');
    }

    private static void describe(Type type, StringBuilder out) {
        out.append(type.getClass().getSimpleName());
        if (type instanceof Varies varies) {
            out.append('<');
            describe(varies.getData(), out);
            out.append('>');
        } else if (type instanceof Composite composite) {
            out.append('(');
            for (Type component : composite.getComponents()) {
                describe(component, out);
                out.append(',');
            }
            out.append(')');
        } else if (type instanceof Primitive primitive) {
            out.append('"').append(primitive.getValue()).append('"');
        }
        for (Type extra : extraComponents(type)) {
            out.append('+');
            describe(extra, out);
        }
    }

    private static List<Type> extraComponents(Type type) {
        List<Type> extras = new ArrayList<>();
        for (int i = 0; i < type.getExtraComponents().numComponents(); i++) {
            extras.add(type.getExtraComponents().getComponent(i).getData());
        }
        return extras;
    }

    @Provide
    Arbitrary<String> pieces() {
        return Arbitraries.strings().withChars("|ab ^").ofMaxLength(12);
    }

    @Provide
    Arbitrary<String> mutated() {
        return Hl7Mutations.mutatedFixtures();
    }

    /**
     * Messages of random segments under an MSH with standard or custom delimiters: fields with components,
     * subcomponents, repetitions, escapes, empty parts at either end, unknown segments, MSH-9 of every shape
     * (structure given, inferred, ACK, none) and MSH-12 of known, unknown and absent versions.
     */
    @Provide
    Arbitrary<String> messages() {
        Arbitrary<String> delimiters = Arbitraries.of("|^~\\&", "|^~\\&#", "#!$%*", "|^~\\", "|^~");
        return delimiters.flatMap(this::message);
    }

    private Arbitrary<String> message(String delimiters) {
        char field = delimiters.charAt(0);
        String encoding = delimiters.substring(1);
        char component = encoding.charAt(0);
        Arbitrary<String> messageType = Arbitraries.of(
                        "ORU^R01^ORU_R01",
                        "ORU^R01",
                        "ADT^A01^ADT_A01",
                        "ADT^A04",
                        "ADT^A03",
                        "RAS^O17^RAS_O17",
                        "ACK",
                        "ACK^R01",
                        "ORU",
                        "",
                        "ZZZ^Z99",
                        "ORU^R01^ORU_R01^EXTRA",
                        "MFN^M01^MFN_M01")
                .map(t -> t.replace('^', component));
        Arbitrary<String> version = Arbitraries.of("2.5.1", "2.3", "2.4", "2.5", "2.6", "", "2.9.9", "2.5.1^x")
                .map(v -> v.replace('^', component));
        Arbitrary<Integer> mshFields = Arbitraries.integers().between(7, 14);
        Arbitrary<String> fieldText = fieldText(delimiters);
        Arbitrary<List<String>> mshValues = fieldText.list().ofSize(14);
        Arbitrary<String> msh = Combinators.combine(messageType, version, mshFields, mshValues)
                .as((type, ver, count, values) -> {
                    List<String> fields = new ArrayList<>(values);
                    fields.set(6, "20200203091500");
                    fields.set(7, type);
                    fields.set(10, ver);
                    return "MSH" + field + encoding
                            + IntStream.range(1, count)
                                    .mapToObj(i -> field + fields.get(i))
                                    .collect(Collectors.joining());
                });
        Arbitrary<String> segmentName = Arbitraries.of(
                "PID", "PV1", "ORC", "OBR", "OBX", "OBX", "OBX", "NTE", "SPM", "EVN", "RXA", "ZXY", "MSH", "MFE",
                "MFE");
        Arbitrary<String> obxType = Arbitraries.of("NM", "SN", "ST", "CE", "TX", "XX", "", "CWE");
        Arbitrary<String> segment = Combinators.combine(
                        segmentName, obxType, fieldText.list().ofMaxSize(16), Arbitraries.of("", String.valueOf(field)))
                .as((name, type, values, end) -> {
                    List<String> fields = new ArrayList<>(values);
                    if (name.equals("OBX") && fields.size() > 1) {
                        fields.set(1, type);
                    }
                    return name + fields.stream().map(v -> field + v).collect(Collectors.joining()) + end;
                });
        Arbitrary<String> separator = Arbitraries.of("\r", "\r", "\r", "\n", "\r\n", "\r\r", "\r ");
        Arbitrary<List<String>> body = Combinators.combine(separator, segment)
                .as((sep, seg) -> sep + seg)
                .list()
                .ofMaxSize(8);
        return Combinators.combine(msh, body).as((head, rest) -> head + String.join("", rest));
    }

    private static Arbitrary<String> fieldText(String delimiters) {
        String separators = delimiters.substring(1);
        Arbitrary<String> plain = Arbitraries.strings()
                .withChars("AZaz0159 .-<>=:é")
                .withChars(separators.toCharArray())
                .ofMaxLength(14);
        Arbitrary<String> escaped =
                Arbitraries.of("\\F\\", "\\S\\", "\\T\\", "\\R\\", "\\E\\", "\\X41\\", "\\H\\", "\\");
        return Arbitraries.frequencyOf(
                Tuple.of(6, plain),
                Tuple.of(1, Combinators.combine(plain, escaped, plain).as((a, b, c) -> a + b + c)),
                Tuple.of(2, Arbitraries.just("")));
    }
}
