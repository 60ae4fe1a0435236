package org.biomarkerstreams.registry.server;

/**
 * The {@code {version}} of a path: a version number from 1, or {@code latest} (also written {@code -1}).
 *
 * @param number the version, or {@link #LATEST_NUMBER}
 */
record VersionSelector(int number) {
    static final int LATEST_NUMBER = -1;
    static final VersionSelector LATEST = new VersionSelector(LATEST_NUMBER);

    /** @throws RegistryError 42202 for anything but {@code latest}, {@code -1} or 1..2^31-1 */
    static VersionSelector parse(String text) {
        if ("latest".equals(text)) {
            return LATEST;
        }
        int number;
        try {
            number = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw RegistryError.invalidVersion(text);
        }
        if (number == LATEST_NUMBER) {
            return LATEST;
        }
        if (number < 1) {
            throw RegistryError.invalidVersion(text);
        }
        return new VersionSelector(number);
    }

    boolean isLatest() {
        return number == LATEST_NUMBER;
    }
}
