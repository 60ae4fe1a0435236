package org.biomarkerstreams.app.output;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.generic.IndexedRecord;
import org.biomarkerstreams.streams.AvroJson;

/** {@code <topic>.ndjson}: one JSON object per record ({@link AvroJson}), the Avro fields under their schema names. */
public final class NdjsonFile implements TopicFile {

    private final Path target;
    private final Path partial;
    private final BufferedWriter out;
    private long rows;

    public NdjsonFile(Path target) throws IOException {
        this.target = target;
        this.partial = TopicFile.partial(target);
        this.out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8);
    }

    @Override
    public void add(IndexedRecord record) throws IOException {
        out.write(AvroJson.toJson(record));
        out.write('\n');
        rows++;
    }

    @Override
    public List<Written> commit() throws IOException {
        out.close();
        TopicFile.replace(partial, target);
        return List.of(new Written(target, rows));
    }

    @Override
    public void abandon() {
        try {
            out.close();
        } catch (IOException ignored) {
            // being thrown away
        }
        TopicFile.discard(partial);
    }
}
