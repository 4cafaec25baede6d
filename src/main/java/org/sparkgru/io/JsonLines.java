package org.sparkgru.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A file of one JSON object per line ({@code metrics.jsonl}), read whole or appended to line by line, each line
 * flushed ({@code hflush}) so that a reader sees training progress while it runs.
 */
public final class JsonLines implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FSDataOutputStream out;

    private JsonLines(FSDataOutputStream out) {
        this.out = out;
    }

    /** The lines of {@code path} (empty when it does not exist), blank lines skipped. */
    public static List<JsonNode> read(FileSystem fs, Path path) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        if (!fs.exists(path)) {
            return lines;
        }
        try (var in = fs.open(path)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    lines.add(JSON.readTree(line));
                }
            }
        }
        return lines;
    }

    /** Rewrites {@code path} with the existing lines that {@code keep} accepts, then appends from there. */
    public static JsonLines open(FileSystem fs, Path path, Predicate<JsonNode> keep) throws IOException {
        StringBuilder kept = new StringBuilder();
        for (JsonNode line : read(fs, path)) {
            if (keep.test(line)) {
                kept.append(JSON.writeValueAsString(line)).append('\n');
            }
        }
        FSDataOutputStream out = fs.create(path, true);
        out.write(kept.toString().getBytes(StandardCharsets.UTF_8));
        return new JsonLines(out);
    }

    /** Appends one line and flushes it. */
    public void write(JsonNode line) throws IOException {
        out.write((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
        out.hflush();
    }

    @Override
    public void close() throws IOException {
        ((OutputStream) out).close();
    }
}
