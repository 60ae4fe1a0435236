package org.biomarkerstreams.registry;

import java.util.Locale;
import java.util.Map;

/**
 * How a serializer finds the schema id it writes with, set by the serializer properties of Confluent's: {@code
 * auto.register.schemas} (default true) and {@code use.latest.version} (default false).
 */
public enum WriterSchemaMode {
    /** Register the contract schema under the subject, or find it there if it is registered already (the default). */
    AUTO_REGISTER,
    /**
     * Only look the contract schema up under the subject ({@code auto.register.schemas=false}): for registries where
     * producers may only read. Fails, naming the subject, when it is not registered.
     */
    LOOKUP,
    /**
     * Write with the subject's latest version ({@code auto.register.schemas=false}, {@code use.latest.version=true}),
     * if that version can read what this version writes; fails otherwise.
     */
    LATEST_VERSION;

    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";

    /**
     * The mode the serializer properties ask for. Confluent's serializer ignores {@code use.latest.version} while
     * {@code auto.register.schemas} is true; asking for both is refused here instead, because one of them would be
     * silently ignored.
     *
     * @throws IllegalArgumentException naming the property that is not {@code true} or {@code false}, or both
     *     properties when they contradict each other
     */
    public static WriterSchemaMode fromProperties(Map<String, ?> props) {
        boolean autoRegister = flag(props, AUTO_REGISTER_SCHEMAS, true);
        boolean latest = flag(props, USE_LATEST_VERSION, false);
        if (autoRegister && latest) {
            throw new IllegalArgumentException(USE_LATEST_VERSION + "=true needs " + AUTO_REGISTER_SCHEMAS
                    + "=false: a serializer either registers its own schema or writes with the subject's latest"
                    + " version");
        }
        return autoRegister ? AUTO_REGISTER : latest ? LATEST_VERSION : LOOKUP;
    }

    private static boolean flag(Map<String, ?> props, String key, boolean defaultValue) {
        Object value = props.get(key);
        if (value == null || value.toString().isBlank()) {
            return defaultValue;
        }
        return switch (value.toString().strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, was '" + value + "'");
        };
    }
}
