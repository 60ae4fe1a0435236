package org.biomarkerstreams.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Reads a secret key file given to an option; messages name the option and the file, never the key. */
final class KeyFile {

    private KeyFile() {}

    /**
     * The file's bytes without one trailing line break: a key written with echo or a text editor ends with one
     * that a Kubernetes Secret made with --from-literal does not have, and both must give the same key.
     *
     * @throws IllegalArgumentException when the file cannot be read
     */
    static byte[] read(String option, Path file) {
        byte[] key;
        try {
            key = Files.readAllBytes(file);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(option + " " + file + ": cannot read the key file ("
                    + e.getClass().getSimpleName() + ")");
        }
        int length = key.length;
        if (length > 0 && key[length - 1] == '\n') {
            length--;
            if (length > 0 && key[length - 1] == '\r') {
                length--;
            }
        }
        byte[] trimmed = Arrays.copyOf(key, length);
        Arrays.fill(key, (byte) 0);
        return trimmed;
    }
}
