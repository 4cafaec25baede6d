package org.sparkgru.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.sparkgru.UserError;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path tmp;

    private GruModel sample(Variant v) {
        NetworkSpec spec = NetworkSpec.regression(4, 7, 2, v, 3, 2);
        GruModel m = GruModel.of(spec, Initializer.keras(spec, 5));
        m.params()[0] = Float.MIN_VALUE;         // subnormal survives
        m.params()[1] = -0f;                     // signed zero survives
        m.metadata().put("series", "abc");
        return m;
    }

    private String save(GruModel m) throws IOException {
        String dir = tmp.resolve("model").toString();
        ModelStore.save(m, dir, false, CONF);
        return dir;
    }

    @Test
    void roundTripIsBitExact() throws IOException {
        for (Variant v : Variant.values()) {
            GruModel m = sample(v);
            String dir = tmp.resolve("m-" + v.id()).toString();
            ModelStore.save(m, dir, false, CONF);
            GruModel back = ModelStore.load(dir, CONF);
            assertEquals(m.spec(), back.spec());
            assertEquals(m.params().length, back.params().length);
            for (int i = 0; i < m.params().length; i++) {
                assertEquals(Float.floatToRawIntBits(m.params()[i]), Float.floatToRawIntBits(back.params()[i]), "param " + i);
            }
            assertEquals("abc", back.metadata().get("series").asText());
        }
        // known-future context and embeddings: the description records both, the weights hold embed.k
        NetworkSpec rich = NetworkSpec.regression(6, 3, 1, Variant.RESET_AFTER, 2, 1, 4, List.of(3, 5), 1);
        GruModel r = GruModel.of(rich, Initializer.keras(rich, 2));
        String richDir = tmp.resolve("rich").toString();
        ModelStore.save(r, richDir, false, CONF);
        assertEquals(rich, ModelStore.load(richDir, CONF).spec());
        assertArrayEquals(r.params(), ModelStore.load(richDir, CONF).params());
        assertTrue(Files.readString(Path.of(richDir, "model.json")).contains("\"embeddings\" : {\n"), "embeddings");
        NetworkSpec cls = NetworkSpec.classification(2, 3, 1, Variant.RESET_BEFORE, 5);
        GruModel c = GruModel.of(cls, Initializer.keras(cls, 1));
        String dir = tmp.resolve("cls").toString();
        ModelStore.save(c, dir, false, CONF);
        assertEquals(cls, ModelStore.load(dir, CONF).spec());
        try (var files = Files.list(tmp)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains(".tmp-")), "no temporary left");
        }
    }

    @Test
    void refusesToReplaceUnlessAsked() throws IOException {
        GruModel m = sample(Variant.RESET_AFTER);
        String dir = save(m);
        UserError e = assertThrows(UserError.class, () -> ModelStore.save(m, dir, false, CONF));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        ModelStore.save(m, dir, true, CONF);
        assertArrayEquals(m.params(), ModelStore.load(dir, CONF).params());
    }

    private String loadError(String dir) {
        return assertThrows(ModelFormatException.class, () -> ModelStore.load(dir, CONF)).getMessage();
    }

    private void editDescription(String dir, String from, String to) throws IOException {
        Path f = Path.of(dir, ModelStore.DESCRIPTION);
        String s = Files.readString(f);
        assertTrue(s.contains(from), "fixture: " + from + " in " + s);
        Files.writeString(f, s.replace(from, to));
    }

    @Test
    void wrongFormatVersion() throws IOException {
        String dir = save(sample(Variant.RESET_AFTER));
        editDescription(dir, "\"formatVersion\" : 1", "\"formatVersion\" : 2");
        String msg = loadError(dir);
        assertTrue(msg.contains("has format version 2 but this spark-gru reads version 1"), msg);
    }

    @Test
    void editedDescriptionShapeMismatch() throws IOException {
        String dir = save(sample(Variant.RESET_AFTER));
        editDescription(dir, "\"hidden\" : 7", "\"hidden\" : 8");
        String msg = loadError(dir);
        assertTrue(msg.contains("tensor 'gru.0.w_x' has shape [4, 21] but model.json implies [4, 24]"), msg);
    }

    @Test
    void editedDescriptionVariantMismatch() throws IOException {
        String dir = save(sample(Variant.RESET_AFTER));
        editDescription(dir, "reset-after", "reset-before");
        String msg = loadError(dir);
        assertTrue(msg.contains("missing tensor 'gru.0.b'"), msg);
    }

    @Test
    void invalidJsonAndInvalidValues() throws IOException {
        String dir = save(sample(Variant.RESET_AFTER));
        editDescription(dir, "\"layers\" : 2", "\"layers\" : -2");
        assertTrue(loadError(dir).contains("invalid architecture: layers must be between 1 and"), loadError(dir));
        editDescription(dir, "\"layers\" : -2", "\"layers\" : 2,,");
        assertTrue(loadError(dir).contains("is not valid JSON"), loadError(dir));
        assertTrue(loadError(tmp.resolve("nowhere").toString()).contains("model.json is missing"));
    }

    @Test
    void missingAndUnexpectedTensors() throws IOException {
        GruModel m = sample(Variant.RESET_BEFORE);
        String dir = save(m);
        float[] p = m.params();
        writeWeights(dir, List.of(new SafeTensors.Tensor("gru.0.w_x", new int[] {4, 21}, p, 0)));
        assertTrue(loadError(dir).contains("is missing tensor 'gru.0.w_h'"), loadError(dir));

        ParameterLayout lay = new ParameterLayout(m.spec());
        List<SafeTensors.Tensor> all = new java.util.ArrayList<>();
        lay.blocks().forEach(b -> all.add(new SafeTensors.Tensor(b.name(), b.shape(), p, b.offset())));
        all.add(new SafeTensors.Tensor("extra", new int[] {1}, p, 0));
        writeWeights(dir, all);
        assertTrue(loadError(dir).contains("unexpected tensor 'extra'"), loadError(dir));
    }

    private static void writeWeights(String dir, List<SafeTensors.Tensor> tensors) throws IOException {
        try (OutputStream out = Files.newOutputStream(Path.of(dir, ModelStore.WEIGHTS))) {
            SafeTensors.write(out, tensors, Map.of());
        }
    }

    @Test
    void truncatedWeights() throws IOException {
        String dir = save(sample(Variant.RESET_AFTER));
        Path w = Path.of(dir, ModelStore.WEIGHTS);
        byte[] all = Files.readAllBytes(w);
        Files.write(w, java.util.Arrays.copyOf(all, all.length - 10));
        String msg = loadError(dir);
        assertTrue(msg.contains("the file is truncated or corrupt"), msg);
        Files.write(w, java.util.Arrays.copyOf(all, 20));
        msg = loadError(dir);
        assertTrue(msg.contains("is corrupt or truncated: its safetensors header claims"), msg);
        Files.write(w, java.util.Arrays.copyOf(all, 5));
        msg = loadError(dir);
        assertTrue(msg.contains("is truncated: 5 bytes"), msg);
        Files.delete(w);
        assertTrue(loadError(dir).contains("is missing; the model directory is incomplete"), loadError(dir));
    }

    @Test
    void hugeClaimedTensorIsRefusedBeforeAllocation() throws IOException {
        String dir = save(sample(Variant.RESET_AFTER));
        String header = "{\"gru.0.w_x\":{\"dtype\":\"F32\",\"shape\":[1000000,1000000],"
                + "\"data_offsets\":[0,4000000000000]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + 64).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        Files.write(Path.of(dir, ModelStore.WEIGHTS), buf.array());
        long before = Runtime.getRuntime().totalMemory();
        String msg = loadError(dir);
        assertTrue(msg.contains("claims 1000000000000 elements") && msg.contains("holds only 64 data bytes"), msg);
        assertTrue(Runtime.getRuntime().totalMemory() - before < 1L << 30, "nothing large was allocated");

        String wrongDtype = "{\"gru.0.w_x\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}";
        byte[] d = wrongDtype.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b2 = ByteBuffer.allocate(8 + d.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b2.putLong(d.length).put(d);
        Files.write(Path.of(dir, ModelStore.WEIGHTS), b2.array());
        assertTrue(loadError(dir).contains("has dtype \"F64\""), loadError(dir));
    }

    /**
     * An ensemble's members round-trip bit for bit under {@code members.m.} tensor names; a description whose
     * member count disagrees with the weights is refused naming the missing tensor; a model without the field
     * (written before ensembles) is one network.
     */
    @Test
    void anEnsembleRoundTripsMemberByMember() throws IOException {
        NetworkSpec spec = NetworkSpec.regression(3, 5, 1, Variant.RESET_AFTER, 2, 1);
        GruModel m = GruModel.of(spec, Ensemble.keras(spec, 9, 3));
        assertEquals(3, m.members());
        String dir = save(m);
        GruModel back = ModelStore.load(dir, CONF);
        assertEquals(3, back.members());
        assertTrue(java.util.Arrays.equals(m.params(), back.params()));
        assertEquals(3, ModelStore.describe(back).at("/architecture/members").asInt());
        try (var in = Files.newInputStream(Path.of(dir, ModelStore.WEIGHTS))) {
            String header = new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(header.contains("\"members.2.head.b\"") && !header.contains("\"head.b\""), header);
        }
        editDescription(dir, "\"members\" : 3", "\"members\" : 4");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelStore.load(dir, CONF));
        assertTrue(e.getMessage().contains("is missing tensor 'members.3.gru.0.w_x'") && e.getMessage().contains("4 member(s)"),
                e.getMessage());
        editDescription(dir, "\"members\" : 4", "\"members\" : 0");
        e = assertThrows(ModelFormatException.class, () -> ModelStore.load(dir, CONF));
        assertTrue(e.getMessage().contains("architecture.members is 0, expected an integer from 1 to 64"),
                e.getMessage());

        GruModel single = sample(Variant.RESET_BEFORE);
        String old = tmp.resolve("before-ensembles").toString();
        ModelStore.save(single, old, false, CONF);
        editDescription(old, "\"members\" : 1,", "");
        assertEquals(1, ModelStore.load(old, CONF).members(), "no members field: one network");
    }

    @Test
    void descriptionDocumentsTheArchitecture() {
        GruModel m = sample(Variant.RESET_AFTER);
        ObjectNode d = ModelStore.describe(m);
        assertEquals("spark-gru-model", d.get("format").asText());
        assertEquals(1, d.get("formatVersion").asInt());
        assertEquals("reset-after", d.at("/architecture/variant").asText());
        assertEquals(3, d.at("/architecture/head/horizon").asInt());
        assertEquals(m.params().length, d.at("/weights/parameters").asInt());
    }
}
