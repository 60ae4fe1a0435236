package org.biomarkerstreams.app.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.avro.generic.IndexedRecord;

/**
 * The file (or files) one topic is written to. Records go to temporary files beside the targets, which replace them
 * only on {@link #commit()}: a failure leaves no empty or half-written file, and an earlier export stays as it was.
 */
public interface TopicFile {

    /** Takes the next record (never null: tombstones do not reach a file). */
    void add(IndexedRecord record) throws IOException;

    /** Finishes the file(s) and moves them into place; returns them and the number of rows each holds. */
    List<Written> commit() throws IOException;

    /** Deletes the temporary files (after a failure, or when the topic is not written after all). */
    void abandon();

    /** A file in place, with the number of records or rows it holds. */
    record Written(Path file, long rows) {}

    /** A temporary file beside {@code target}, named so that it is clearly unfinished. */
    static Path partial(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        return Files.createTempFile(dir, "." + target.getFileName(), ".partial");
    }

    /** Replaces {@code target} with {@code partial} in one step. */
    static void replace(Path partial, Path target) throws IOException {
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes a temporary file, quietly: it is called on the way out of a failure that says what went wrong. */
    static void discard(Path partial) {
        if (partial == null) {
            return;
        }
        try {
            Files.deleteIfExists(partial);
        } catch (IOException ignored) {
            // the failure being reported matters more than a stray temporary file
        }
    }
}
