package org.biomarkerstreams.domain;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Which of a patient's identifiers becomes the record key, so that a patient's lab results (HL7 PID-3, which may
 * list several identifiers) and its trial events (NDJSON, CSV, a CTMS: one identifier) meet under one key. Written as
 * {@code --patient-id-rule}:
 *
 * <table>
 *   <caption>rules</caption>
 *   <tr><th>rule</th><th>identifier</th><th>key</th></tr>
 *   <tr><td>{@code bare} (default)</td><td>the first</td><td>its id (CX.1): {@code 12345}</td></tr>
 *   <tr><td>{@code id-authority}</td><td>the first</td><td>id {@code ^} authority (CX.4): {@code 12345^HOSP},
 *       or the id alone when it has no authority</td></tr>
 *   <tr><td>{@code type:MR}</td><td>the first of type {@code MR} (CX.5)</td><td>its id</td></tr>
 *   <tr><td>{@code type:MR@HOSP}</td><td>the first of type {@code MR} assigned by {@code HOSP}</td><td>its id</td></tr>
 *   <tr><td>{@code authority:HOSP}</td><td>the first assigned by {@code HOSP}</td><td>its id</td></tr>
 * </table>
 *
 * <p>Types and authorities compare without regard to case; an authority matches its namespace id (CX.4.1) or its
 * universal id (CX.4.2, e.g. an OID). "The first" skips repetitions that are entirely empty. A selecting rule keys by
 * the bare id: the authority it names is the same for every key, and a trial's own systems know the bare id.
 *
 * <p>The rule never puts a patient id into a rejection message; the types and authorities it saw are named instead.
 */
public final class PatientIdRule {

    /** What the rule does. */
    public enum Kind {
        /** The first identifier's id. */
        BARE,
        /** The first identifier's id and authority, {@code ID^AUTHORITY}. */
        ID_AUTHORITY,
        /** The first identifier of a type and/or authority, its id. */
        SELECT
    }

    /** The default rule: trial systems key patients by the bare subject id, so HL7 results meet them out of the box. */
    public static final PatientIdRule BARE = new PatientIdRule(Kind.BARE, null, null);

    /** The rule of earlier releases. */
    public static final PatientIdRule ID_AUTHORITY = new PatientIdRule(Kind.ID_AUTHORITY, null, null);

    /** The syntax, for error messages and help texts. */
    public static final String SYNTAX = "bare | id-authority | type:TYPE | type:TYPE@AUTHORITY | authority:AUTHORITY";

    private final Kind kind;
    private final String type;
    private final String authority;

    private PatientIdRule(Kind kind, String type, String authority) {
        this.kind = kind;
        this.type = type;
        this.authority = authority;
    }

    /** The first identifier of this type (CX.5) and, when not null, assigned by this authority (CX.4). */
    public static PatientIdRule select(String type, String authority) {
        String t = blankToNull(type);
        String a = blankToNull(authority);
        if (t == null && a == null) {
            throw new IllegalArgumentException("a selecting patient id rule needs a type or an authority");
        }
        return new PatientIdRule(Kind.SELECT, t, a);
    }

    /**
     * Reads a rule as {@link #toString()} writes it ({@value #SYNTAX}); keywords in any case.
     *
     * @throws IllegalArgumentException naming the syntax when {@code text} is none of these
     */
    public static PatientIdRule parse(String text) {
        String s = text == null ? "" : text.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("bare")) {
            return BARE;
        }
        if (lower.equals("id-authority")) {
            return ID_AUTHORITY;
        }
        if (lower.startsWith("type:")) {
            String rest = s.substring("type:".length());
            int at = rest.indexOf('@');
            String t = at < 0 ? rest : rest.substring(0, at);
            if (t.isBlank() || (at >= 0 && rest.substring(at + 1).isBlank())) {
                throw wrong(s);
            }
            return select(t, at < 0 ? null : rest.substring(at + 1));
        }
        if (lower.startsWith("authority:")) {
            String a = s.substring("authority:".length());
            if (a.isBlank()) {
                throw wrong(s);
            }
            return select(null, a);
        }
        throw wrong(s);
    }

    private static IllegalArgumentException wrong(String text) {
        return new IllegalArgumentException("'" + text + "' is not a patient id rule; expected " + SYNTAX);
    }

    public Kind kind() {
        return kind;
    }

    /** The identifier type a {@link Kind#SELECT} rule asks for, or null. */
    public String type() {
        return type;
    }

    /** The assigning authority a {@link Kind#SELECT} rule asks for, or null. */
    public String authority() {
        return authority;
    }

    /**
     * The key of a patient sent with several identifiers (HL7 PID-3 repetitions, in order).
     *
     * @param where names the identifiers in a rejection message, e.g. {@code PID-3}
     * @return the key; or {@code MISSING_FIELD} when there is no identifier (or the first has no id), or {@code
     *     NO_MATCHING_PATIENT_ID} when no identifier with an id matches a selecting rule
     */
    public Result<String> keyOf(List<PatientIdentifier> identifiers, String where) {
        List<PatientIdentifier> present = identifiers.stream()
                .filter(i -> i.id() != null || i.type() != null || i.authorityName() != null)
                .toList();
        if (kind != Kind.SELECT) {
            if (present.isEmpty() || present.get(0).id() == null) {
                return Result.rejected(ErrorCode.MISSING_FIELD, where + " has no patient identifier");
            }
            return Result.ok(key(present.get(0)));
        }
        for (PatientIdentifier identifier : present) {
            if (identifier.id() != null && matches(identifier)) {
                return Result.ok(identifier.id());
            }
        }
        return Result.rejected(
                ErrorCode.NO_MATCHING_PATIENT_ID,
                "no identifier " + wanted() + " in " + where + " (it has " + seen(present)
                        + "); the patient id rule is " + this);
    }

    /**
     * The key of a record that carries one identifier (NDJSON, CSV). An identifier that states no type or authority
     * is taken to be the one the rule selects; one that states another is {@code NO_MATCHING_PATIENT_ID}.
     *
     * @throws NullPointerException when the identifier has no id (the caller lets validation reject the record)
     */
    public Result<String> keyOfSole(PatientIdentifier identifier) {
        Objects.requireNonNull(identifier.id(), "id");
        if (kind != Kind.SELECT) {
            return Result.ok(key(identifier));
        }
        boolean typeDiffers = type != null && identifier.type() != null && !type.equalsIgnoreCase(identifier.type());
        boolean authorityDiffers =
                authority != null && identifier.authorityName() != null && !identifier.assignedBy(authority);
        if (typeDiffers || authorityDiffers) {
            return Result.rejected(
                    ErrorCode.NO_MATCHING_PATIENT_ID,
                    "the patient identifier is " + describe(identifier) + ", not " + wanted()
                            + "; the patient id rule is " + this);
        }
        return Result.ok(identifier.id());
    }

    private String key(PatientIdentifier identifier) {
        String name = identifier.authorityName();
        return kind == Kind.ID_AUTHORITY && name != null ? identifier.id() + "^" + name : identifier.id();
    }

    private boolean matches(PatientIdentifier identifier) {
        return (type == null || type.equalsIgnoreCase(identifier.type()))
                && (authority == null || identifier.assignedBy(authority));
    }

    private String wanted() {
        if (type == null) {
            return "assigned by " + authority;
        }
        return "of type " + type + (authority == null ? "" : " assigned by " + authority);
    }

    private static String seen(List<PatientIdentifier> identifiers) {
        if (identifiers.isEmpty()) {
            return "none";
        }
        Set<String> kinds = new LinkedHashSet<>();
        for (PatientIdentifier i : identifiers) {
            kinds.add(describe(i) + (i.id() == null ? " without an id" : ""));
        }
        return String.join(", ", kinds);
    }

    /** Type and authority, never the id. */
    private static String describe(PatientIdentifier i) {
        String t = i.type() == null ? "no type" : "type " + i.type();
        String a = i.authorityName() == null ? "no authority" : "authority " + i.authorityName();
        return t + " and " + a;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** The rule as {@link #parse} reads it. */
    @Override
    public String toString() {
        return switch (kind) {
            case BARE -> "bare";
            case ID_AUTHORITY -> "id-authority";
            case SELECT ->
                type == null ? "authority:" + authority : "type:" + type + (authority == null ? "" : "@" + authority);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PatientIdRule r
                && kind == r.kind
                && Objects.equals(type, r.type)
                && Objects.equals(authority, r.authority);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, type, authority);
    }
}
