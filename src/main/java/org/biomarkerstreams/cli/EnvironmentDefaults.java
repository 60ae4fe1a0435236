package org.biomarkerstreams.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/**
 * Every long option can also come from the environment: {@code --bootstrap-servers} is read from
 * {@code BIOMARKER_BOOTSTRAP_SERVERS}. The command line wins over the environment, the environment
 * over the built-in default.
 */
final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {

    static final String PREFIX = "BIOMARKER_";

    private final Map<String, String> env;

    EnvironmentDefaults(Map<String, String> env) {
        this.env = env;
    }

    static String variableFor(String longOption) {
        return PREFIX + longOption.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        if (argSpec instanceof CommandLine.Model.OptionSpec option) {
            String value = env.get(variableFor(option.longestName()));
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return argSpec.defaultValue();
    }
}
