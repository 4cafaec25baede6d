package org.sparkgru.jobs;

import org.sparkgru.UserError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.model.GruModel;
import org.sparkgru.model.Initializer;
import org.sparkgru.model.ModelStore;
import org.sparkgru.model.NetworkSpec;
import org.sparkgru.model.Variant;

class ExportJobTest {
    @TempDir
    Path tmp;

    private String model(Variant v) throws IOException {
        NetworkSpec spec = NetworkSpec.regression(3, 5, 1, v, 2, 1);
        String dir = tmp.resolve("model-" + v.id()).toString();
        ModelStore.save(GruModel.of(spec, Initializer.keras(spec, 2)), dir, false, new Configuration());
        return dir;
    }

    private record Result(int code, String err) {
    }

    private static Result export(String... args) {
        StringWriter err = new StringWriter();
        int code = JobRunner.run(new ExportJob(), new PrintWriter(err, true), args);
        return new Result(code, err.toString());
    }

    @Test
    void exportsResetAfter() throws IOException {
        Path out = tmp.resolve("out/net.safetensors");
        String model = model(Variant.RESET_AFTER);
        Result r = export("--model", model, "--format", "torch", "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(out) > 8);
        try (var files = Files.list(out.getParent())) {
            assertEquals(1, files.count(), "only the export, no temporary or checksum file");
        }
        Result again = export("--model", model, "--format", "torch", "--output", out.toString());
        assertEquals(UserError.EXIT_CODE, again.code());
        assertTrue(again.err().contains("already exists; remove it or pass --overwrite"), again.err());
    }

    @Test
    void userErrorsExitTwoWithOneMessage() throws IOException {
        Path out = tmp.resolve("x.safetensors");
        Result r = export("--model", model(Variant.RESET_BEFORE), "--format", "torch", "--output", out.toString());
        assertEquals(UserError.EXIT_CODE, r.code());
        assertTrue(r.err().startsWith("error: this model uses the reset-before GRU variant"), r.err());
        assertFalse(Files.exists(out), "nothing written");

        r = export("--model", tmp.resolve("none").toString(), "--format", "torch", "--output", out.toString());
        assertEquals(UserError.EXIT_CODE, r.code());
        assertTrue(r.err().contains("no model at"), r.err());

        r = export("--model", model(Variant.RESET_AFTER), "--format", "onnx", "--output", out.toString());
        assertEquals(UserError.EXIT_CODE, r.code());
        assertTrue(r.err().contains("unknown export format 'onnx': supported is torch"), r.err());

        r = export("--model", "m");
        assertEquals(UserError.EXIT_CODE, r.code());
        assertTrue(r.err().contains("Missing required options"), r.err());
    }
}
