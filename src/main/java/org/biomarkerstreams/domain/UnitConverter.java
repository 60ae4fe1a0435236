package org.biomarkerstreams.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fhir.ucum.Decimal;
import org.fhir.ucum.UcumEssenceService;
import org.fhir.ucum.UcumException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UCUM-backed unit conversion (org.fhir:ucum with its bundled {@code ucum-essence.xml}), fronted by the
 * spellings real lab feeds use ({@code mmHg}, {@code x10^9/L}, {@code K/uL}, {@code cells/µL}, {@code "ng/mL
 * FEU"}).
 *
 * <p>Called once per reading, so the UCUM model is loaded once and every spelling and every (from, to) factor is
 * cached after its first use: a hit costs two map look-ups and one multiplication. Only linear conversions are
 * admitted, which is what makes a cached factor correct. The caches are bounded so a feed full of garbage units
 * cannot grow them without limit; past the bound, misses are simply recomputed. Thread-safe.
 */
public final class UnitConverter {

    private static final Logger LOG = LoggerFactory.getLogger(UnitConverter.class);
    private static final int CACHE_LIMIT = 4096;
    private static final UnitSpelling DIMENSIONLESS = new UnitSpelling("1", AssayType.NONE);

    private static final Pattern BRACED_ASSAY =
            Pattern.compile("[({\\[]\\s*(FEU|DDU)\\s*[)}\\]]", Pattern.CASE_INSENSITIVE);
    private static final Pattern BARE_ASSAY =
            Pattern.compile("(?<![A-Za-z])(FEU|DDU)(?![A-Za-z])", Pattern.CASE_INSENSITIVE);
    private static final Pattern MASS_PER_VOLUME = Pattern.compile("^([pnum]?)g/([dmu]?)l$", Pattern.CASE_INSENSITIVE);
    private static final Pattern POWER_OF_TEN_COUNT = Pattern.compile(
            "^(?:x|\u00d7|\\*)?10(?:\\^|\\*\\*|\\*|e)(\\d{1,2})/(l|ml|ul|mm3)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern MCG = Pattern.compile("mcg");
    private static final Pattern BARE_NUMBER = Pattern.compile("^[0-9.]+$");
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("mmhg", "mm[Hg]"),
            Map.entry("mm[hg]", "mm[Hg]"),
            Map.entry("torr", "mm[Hg]"),
            Map.entry("kpa", "kPa"),
            Map.entry("%", "%"),
            Map.entry("percent", "%"),
            Map.entry("fraction", "1"),
            Map.entry("k/ul", "10*3/uL"),
            Map.entry("thou/ul", "10*3/uL"),
            Map.entry("/ul", "/uL"),
            Map.entry("cells/ul", "/uL"),
            Map.entry("cell/ul", "/uL"),
            Map.entry("{cells}/ul", "/uL"),
            Map.entry("/mm3", "/mm3"),
            Map.entry("cells/mm3", "/mm3"),
            Map.entry("/cumm", "/mm3"));

    private final UcumEssenceService ucum;
    private final Map<String, String> siteSpellings;
    private final Map<String, Result<UnitSpelling>> spellings = new ConcurrentHashMap<>();
    private final Map<Conversion, Result<Factor>> factors = new ConcurrentHashMap<>();

    /** Loads the UCUM essence bundled with the library; do this once and share the instance. */
    public UnitConverter() {
        try (InputStream essence = UcumEssenceService.class.getResourceAsStream("/ucum-essence.xml")) {
            if (essence == null) {
                throw new IllegalStateException("ucum-essence.xml is not on the classpath");
            }
            this.ucum = new UcumEssenceService(essence);
            this.siteSpellings = Map.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ucum-essence.xml", e);
        } catch (UcumException e) {
            throw new IllegalStateException("cannot load ucum-essence.xml", e);
        }
        LOG.debug("UCUM essence loaded, version {}", ucum.ucumIdentification().getVersion());
    }

    private UnitConverter(UcumEssenceService ucum, Map<String, String> siteSpellings) {
        this.ucum = ucum;
        this.siteSpellings = Map.copyOf(siteSpellings);
    }

    /**
     * A converter that also reads a site's own spellings (a site profile's {@code unitSpellings}): the text as sent,
     * stripped, exactly as written, to a unit this converter reads ({@code "Mikrogramm/l"} to {@code "ug/L"}). They are
     * looked up before the built-in spellings, so a site may also redefine one. Shares this converter's UCUM model.
     */
    public UnitConverter withSpellings(Map<String, String> spellings) {
        Objects.requireNonNull(spellings, "spellings");
        return spellings.isEmpty() && siteSpellings.isEmpty() ? this : new UnitConverter(ucum, spellings);
    }

    /**
     * Converts {@code value} from one unit to another, both as sent (normalized first with {@link #normalize}).
     * {@link ErrorCode#UNKNOWN_UNIT} if either is not a unit at all; {@link ErrorCode#INCOMPATIBLE_UNIT} if they
     * are not commensurable, the conversion is not linear, or they carry different assay annotations (FEU vs DDU
     * is never converted); {@link ErrorCode#IMPLAUSIBLE_VALUE} if the value or the result is not finite.
     */
    public Result<Double> convert(double value, String fromUnit, String toUnit) {
        if (!Double.isFinite(value)) {
            return Result.rejected(ErrorCode.IMPLAUSIBLE_VALUE, "value " + value + " is not a finite number");
        }
        return normalize(fromUnit)
                .flatMap(from -> normalize(toUnit).flatMap(to -> factor(from, to, fromUnit, toUnit)))
                .flatMap(factor -> {
                    double converted = factor.apply(value);
                    return Double.isFinite(converted)
                            ? Result.ok(converted)
                            : Result.rejected(
                                    ErrorCode.IMPLAUSIBLE_VALUE,
                                    "value " + value + " " + fromUnit + " overflows in " + toUnit);
                });
    }

    /**
     * The linear factor from one unit to another ({@code convert(v, a, b) == v * factor(a, b)} up to rounding),
     * with the same rejections as {@link #convert}.
     */
    public Result<Double> factor(String fromUnit, String toUnit) {
        return normalize(fromUnit)
                .flatMap(from -> normalize(toUnit).flatMap(to -> factor(from, to, fromUnit, toUnit)))
                .map(Factor::value);
    }

    /**
     * Normalizes a unit as sent to UCUM and splits off a D-dimer assay annotation ({@code {FEU}}, {@code "
     * FEU"}, {@code (DDU)}, case-insensitive). Known spellings: {@code µ}/{@code μ}/{@code mcg} → {@code u};
     * mass per volume in any letter case ({@code MG/DL} → {@code mg/dL}); {@code 10^9/L}, {@code x10^9/L},
     * {@code ×10E9/L}, {@code 10⁹/L} → {@code 10*9/L}; {@code 10^3/µL}, {@code K/uL} → {@code 10*3/uL}; {@code
     * G/L} → {@code 10*9/L}; {@code cells/µL}, {@code /µL} → {@code /uL}; {@code /mm3}, {@code cells/mm³} → {@code
     * /mm3}; {@code mmHg}, {@code mm Hg}, {@code Torr} → {@code mm[Hg]}; {@code KPA} → {@code kPa}; {@code %},
     * {@code fraction} → {@code 1}; null or blank → {@code 1}. Any other text is passed to UCUM as is; if UCUM
     * does not know it either, {@link ErrorCode#UNKNOWN_UNIT} naming the unit.
     */
    public Result<UnitSpelling> normalize(String unit) {
        if (unit == null || unit.isBlank()) {
            return Result.ok(DIMENSIONLESS);
        }
        Result<UnitSpelling> cached = spellings.get(unit);
        if (cached != null) {
            return cached;
        }
        Result<UnitSpelling> computed = spell(unit);
        if (spellings.size() < CACHE_LIMIT) {
            spellings.put(unit, computed);
        }
        return computed;
    }

    private Result<UnitSpelling> spell(String unit) {
        String text = siteSpellings.getOrDefault(unit.strip(), unit.strip());
        Set<AssayType> assays = EnumSet.noneOf(AssayType.class);
        text = stripAssay(BRACED_ASSAY, text, assays);
        text = stripAssay(BARE_ASSAY, text, assays);
        if (assays.size() > 1) {
            return Result.rejected(ErrorCode.INCOMPATIBLE_UNIT, "unit '" + unit + "' names both FEU and DDU");
        }
        AssayType assay = assays.isEmpty() ? AssayType.NONE : assays.iterator().next();
        String compact = compact(text);
        if (compact.isEmpty()) {
            return assay == AssayType.NONE
                    ? Result.ok(DIMENSIONLESS)
                    : Result.rejected(ErrorCode.UNKNOWN_UNIT, "unit '" + unit + "' names an assay type but no unit");
        }
        String ucumCode = toUcum(compact);
        if (BARE_NUMBER.matcher(ucumCode).matches() && !ucumCode.equals("1")) {
            // UCUM reads "12" as the number twelve; in a unit field it is a value typed into the wrong column.
            return Result.rejected(ErrorCode.UNKNOWN_UNIT, "unit '" + unit + "' is a number, not a unit");
        }
        String problem;
        synchronized (ucum) {
            problem = ucum.validate(ucumCode);
        }
        if (problem != null) {
            return Result.rejected(ErrorCode.UNKNOWN_UNIT, "unit '" + unit + "' is not a known unit");
        }
        return Result.ok(new UnitSpelling(ucumCode, assay));
    }

    private static String stripAssay(Pattern pattern, String text, Set<AssayType> found) {
        Matcher m = pattern.matcher(text);
        StringBuilder rest = new StringBuilder();
        while (m.find()) {
            found.add(AssayType.valueOf(m.group(1).toUpperCase(Locale.ROOT)));
            m.appendReplacement(rest, "");
        }
        m.appendTail(rest);
        return rest.toString();
    }

    private static String compact(String text) {
        StringBuilder out = new StringBuilder(text.length() + 1);
        boolean previousSuperscript = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                continue;
            }
            boolean superscript = isSuperscriptDigit(c);
            // "10⁹" is ten to the ninth, not one hundred and nine.
            if (superscript
                    && !previousSuperscript
                    && out.length() > 0
                    && Character.isDigit(out.charAt(out.length() - 1))) {
                out.append('*');
            }
            previousSuperscript = superscript;
            out.append(
                    switch (c) {
                        case '\u00b5', '\u03bc' -> 'u'; // micro sign and Greek mu both mean micro
                        case '\u2070' -> '0';
                        case '\u00b9' -> '1';
                        case '\u00b2' -> '2';
                        case '\u00b3' -> '3';
                        case '\u2074', '\u2075', '\u2076', '\u2077', '\u2078', '\u2079' ->
                            (char) ('4' + (c - '\u2074'));
                        default -> c;
                    });
        }
        return MCG.matcher(out).replaceAll("ug");
    }

    private static boolean isSuperscriptDigit(char c) {
        return c == '\u2070' || c == '\u00b9' || c == '\u00b2' || c == '\u00b3' || (c >= '\u2074' && c <= '\u2079');
    }

    private static String toUcum(String compact) {
        String alias = ALIASES.get(compact.toLowerCase(Locale.ROOT));
        if (alias != null) {
            return alias;
        }
        // Giga- and tera-per-litre as European labs write cell counts; in UCUM "G" would be gauss.
        if (compact.equals("G/L") || compact.equals("G/l")) {
            return "10*9/L";
        }
        if (compact.equals("T/L") || compact.equals("T/l")) {
            return "10*12/L";
        }
        Matcher mass = MASS_PER_VOLUME.matcher(compact);
        if (mass.matches()) {
            return mass.group(1).toLowerCase(Locale.ROOT) + "g/" + mass.group(2).toLowerCase(Locale.ROOT) + "L";
        }
        Matcher count = POWER_OF_TEN_COUNT.matcher(compact);
        if (count.matches()) {
            String volume = count.group(2).toLowerCase(Locale.ROOT);
            return "10*" + Integer.parseInt(count.group(1)) + "/"
                    + (volume.equals("mm3") ? "mm3" : volume.replace('l', 'L'));
        }
        return compact;
    }

    private Result<Factor> factor(UnitSpelling from, UnitSpelling to, String fromUnit, String toUnit) {
        if (from.annotatedAssay() != AssayType.NONE
                && to.annotatedAssay() != AssayType.NONE
                && from.annotatedAssay() != to.annotatedAssay()) {
            return Result.rejected(
                    ErrorCode.INCOMPATIBLE_UNIT,
                    "D-dimer is never converted between " + from.annotatedAssay() + " and " + to.annotatedAssay()
                            + " ('" + fromUnit + "' to '" + toUnit + "')");
        }
        Conversion key = new Conversion(from.ucum(), to.ucum());
        Result<Factor> cached = factors.get(key);
        if (cached != null) {
            return cached;
        }
        Result<Factor> computed = computeFactor(key, fromUnit, toUnit);
        if (factors.size() < CACHE_LIMIT) {
            factors.put(key, computed);
        }
        return computed;
    }

    private Result<Factor> computeFactor(Conversion key, String fromUnit, String toUnit) {
        if (key.from().equals(key.to())) {
            return Result.ok(Factor.IDENTITY);
        }
        BigDecimal atZero;
        BigDecimal atOne;
        BigDecimal atTwo;
        synchronized (ucum) {
            try {
                if (!ucum.isComparable(key.from(), key.to())) {
                    return Result.rejected(ErrorCode.INCOMPATIBLE_UNIT, incompatible(fromUnit, toUnit));
                }
                atZero = convertExactly("0", key);
                atOne = convertExactly("1", key);
                atTwo = convertExactly("2", key);
            } catch (UcumException | NumberFormatException e) {
                return Result.rejected(ErrorCode.INCOMPATIBLE_UNIT, incompatible(fromUnit, toUnit));
            }
        }
        // A cached factor is only right for a linear conversion; offset or logarithmic units (Cel, [pH]) are not.
        boolean linear = atZero.signum() == 0
                && atTwo.subtract(atOne.multiply(BigDecimal.valueOf(2)))
                                .abs()
                                .compareTo(atOne.abs().scaleByPowerOfTen(-12))
                        <= 0;
        if (!linear || atOne.signum() == 0) {
            return Result.rejected(
                    ErrorCode.INCOMPATIBLE_UNIT,
                    "unit '" + fromUnit + "' converts to '" + toUnit + "' only non-linearly, which is not supported");
        }
        return Result.ok(Factor.of(atOne));
    }

    private BigDecimal convertExactly(String value, Conversion key) throws UcumException {
        return new BigDecimal(
                ucum.convert(new Decimal(value, 24), key.from(), key.to()).toString());
    }

    private static String incompatible(String fromUnit, String toUnit) {
        return "unit '" + fromUnit + "' cannot be converted to '" + toUnit + "'";
    }

    private record Conversion(String from, String to) {}

    /**
     * A linear factor. Factors below one whose reciprocal is a whole number (0.01, 0.001) divide instead of
     * multiply, because 21 / 100 is the double nearest 0.21 while 21 * 0.01 is not.
     */
    private record Factor(double value, double divisor) {
        static final Factor IDENTITY = new Factor(1.0, 1.0);

        static Factor of(BigDecimal factor) {
            if (factor.abs().compareTo(BigDecimal.ONE) < 0) {
                BigDecimal reciprocal = BigDecimal.ONE.divide(factor, MathContext.DECIMAL128);
                BigDecimal whole = reciprocal.stripTrailingZeros();
                if (whole.scale() <= 0 && whole.abs().compareTo(BigDecimal.valueOf(1L << 53)) < 0) {
                    return new Factor(factor.doubleValue(), whole.doubleValue());
                }
            }
            return new Factor(factor.doubleValue(), 1.0);
        }

        double apply(double value) {
            return divisor != 1.0 ? value / divisor : value * this.value;
        }
    }
}
