package org.sparkgru.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.kernel.Bptt;
import org.sparkgru.kernel.KernelBackend;
import org.sparkgru.testing.Fixtures;

/**
 * The PyTorch export reproduces this project's outputs: checked in Java against PyTorch's documented GRU equations
 * ({@code h = (1 - z') n + z' h}, gate rows r, z, n, weights stored {@code out x in}) on the exported tensors, and,
 * where Debian's python3-torch is installed, by torch itself.
 */
class TorchExportTest {
    @TempDir
    Path tmp;

    private static final int B = 3;
    private static final int T = 5;

    /**
     * Layers 1 and 2; 3, a one-layer network whose head also reads 2 known-future covariates of 3 steps; 4, a
     * two-layer quantile network (1 step x 3 quantiles) with two categorical inputs of 3 and 2 rows embedded in 2
     * values each after the 4 inputs.
     */
    private static NetworkSpec spec(int layers) {
        return switch (layers) {
            case 3 -> NetworkSpec.regression(4, 6, 1, Variant.RESET_AFTER, 3, 1, 3 * FUTURE);
            case 4 -> NetworkSpec.regression(4 + 2 * 2, 6, 2, Variant.RESET_AFTER, 1, 3, 0, List.of(3, 2), 2);
            default -> NetworkSpec.regression(4, 6, layers, Variant.RESET_AFTER, 3, 1);
        };
    }

    private static final int CASES = 4;

    private static final int FUTURE = 2;

    /** Tensors of a safetensors byte array by name. */
    private static Map<String, float[]> read(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
        SafeTensors.Header h = SafeTensors.readHeader(in, bytes.length, "export");
        Map<String, Integer> offsets = new HashMap<>();
        int off = 0;
        for (SafeTensors.Entry e : h.entries().values()) {
            offsets.put(e.name(), off);
            off += (int) ((e.end() - e.begin()) / 4);
        }
        float[] all = new float[off];
        SafeTensors.readData(in, bytes.length - h.dataStart(), offsets, h, all, "export");
        Map<String, float[]> out = new HashMap<>();
        for (SafeTensors.Entry e : h.entries().values()) {
            int n = (int) ((e.end() - e.begin()) / 4);
            float[] t = new float[n];
            System.arraycopy(all, offsets.get(e.name()), t, 0, n);
            out.put(e.name(), t);
        }
        return out;
    }

    private static double sig(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** PyTorch's nn.GRU + nn.Linear forward on one window, from its state dict. */
    private static double[] torchForward(Map<String, float[]> sd, int layers, int h, double[][] x, double[] context,
                                         int[] cats, int outputs) {
        double[][] seq = new double[x.length][];
        for (int t = 0; t < x.length; t++) { // nn.Embedding rows appended to every step
            List<Double> row = new java.util.ArrayList<>();
            for (double v : x[t]) {
                row.add(v);
            }
            for (int k = 0; k < cats.length; k++) {
                float[] e = sd.get("embed." + k + ".weight");
                int dim = 2;
                for (int d = 0; d < dim; d++) {
                    row.add((double) e[cats[k] * dim + d]);
                }
            }
            seq[t] = row.stream().mapToDouble(Double::doubleValue).toArray();
        }
        for (int l = 0; l < layers; l++) {
            float[] wih = sd.get("gru.weight_ih_l" + l);
            float[] whh = sd.get("gru.weight_hh_l" + l);
            float[] bih = sd.get("gru.bias_ih_l" + l);
            float[] bhh = sd.get("gru.bias_hh_l" + l);
            int in = seq[0].length;
            double[] hv = new double[h];
            double[][] next = new double[seq.length][];
            for (int t = 0; t < seq.length; t++) {
                double[] gi = new double[3 * h];
                double[] gh = new double[3 * h];
                for (int row = 0; row < 3 * h; row++) {
                    gi[row] = bih[row];
                    gh[row] = bhh[row];
                    for (int k = 0; k < in; k++) {
                        gi[row] += wih[row * in + k] * seq[t][k];
                    }
                    for (int k = 0; k < h; k++) {
                        gh[row] += whh[row * h + k] * hv[k];
                    }
                }
                double[] nh = new double[h];
                for (int j = 0; j < h; j++) {
                    double r = sig(gi[j] + gh[j]);
                    double z = sig(gi[h + j] + gh[h + j]);
                    double n = Math.tanh(gi[2 * h + j] + r * gh[2 * h + j]);
                    nh[j] = (1 - z) * n + z * hv[j];
                }
                hv = nh;
                next[t] = nh;
            }
            seq = next;
        }
        float[] w = sd.get("head.weight");
        float[] b = sd.get("head.bias");
        double[] y = new double[outputs];
        int in = h + context.length;
        for (int o = 0; o < outputs; o++) {
            y[o] = b[o];
            for (int j = 0; j < h; j++) {
                y[o] += w[o * in + j] * seq[seq.length - 1][j];
            }
            for (int c = 0; c < context.length; c++) {
                y[o] += w[o * in + h + c] * context[c];
            }
        }
        return y;
    }

    private record Case(GruModel model, double[][][] xs, double[][] contexts, int[][] cats, float[] y) {
    }

    private static Case run(int layers) {
        NetworkSpec spec = spec(layers);
        GruModel m = GruModel.of(spec, Fixtures.randomParams(spec, 3 + layers, 0.6));
        Random rnd = new Random(layers);
        double[][][] xs = Fixtures.inputs(rnd, B, T, 4);
        double[][] cs = Fixtures.contexts(rnd, B, spec.context());
        int[][] cats = Fixtures.categories(rnd, B, spec.vocabularies());
        Bptt k = new Bptt(spec, KernelBackend.best(), B, T);
        Fixtures.load(k, xs, null);
        for (int b = 0; b < B; b++) {
            for (int c = 0; c < spec.context(); c++) {
                k.context()[b * spec.context() + c] = (float) cs[b][c];
            }
            System.arraycopy(cats[b], 0, k.categories(), b * cats[b].length, cats[b].length);
        }
        k.forward(m.params(), B);
        return new Case(m, xs, cs, cats, java.util.Arrays.copyOf(k.output(), B * spec.outputs()));
    }

    @Test
    void exportReproducesOutputsUnderTorchSemantics() throws IOException {
        for (int layers = 1; layers <= CASES; layers++) {
            Case c = run(layers);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            TorchExport.write(c.model(), bytes);
            Map<String, float[]> sd = read(bytes.toByteArray());
            int gruLayers = c.model().spec().layers();
            assertEquals(4 * gruLayers + 2 + c.model().spec().vocabularies().size(), sd.size());
            for (int b = 0; b < B; b++) {
                double[] y = torchForward(sd, gruLayers, 6, c.xs()[b], c.contexts()[b], c.cats()[b], 3);
                for (int o = 0; o < 3; o++) {
                    assertEquals(y[o], c.y()[b * 3 + o], 2e-5, "layers " + layers + " sample " + b + " output " + o);
                }
            }
        }
    }

    @Test
    void exportedShapesAreTorchShapes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TorchExport.write(run(2).model(), bytes);
        String header = new String(bytes.toByteArray(), 8, 2000, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"gru.weight_ih_l0\":{\"dtype\":\"F32\",\"shape\":[18,4]"), header);
        assertTrue(header.contains("\"gru.weight_hh_l1\":{\"dtype\":\"F32\",\"shape\":[18,6]"), header);
        assertTrue(header.contains("\"gru.bias_hh_l1\":{\"dtype\":\"F32\",\"shape\":[18]"), header);
        assertTrue(header.contains("\"head.weight\":{\"dtype\":\"F32\",\"shape\":[3,6]"), header);
    }

    @Test
    void resetBeforeIsRefused() {
        NetworkSpec spec = NetworkSpec.regression(2, 3, 1, Variant.RESET_BEFORE, 1, 1);
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> TorchExport.write(GruModel.of(spec, Initializer.keras(spec, 1)), OutputStream.nullOutputStream()));
        assertTrue(e.getMessage().contains("reset-before GRU variant, which torch.nn.GRU cannot represent"), e.getMessage());
    }

    /** Runs PyTorch itself on the export when Debian's python3-torch is installed (skipped otherwise). */
    @Test
    void torchItselfReproducesOutputs() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        Process probe = new ProcessBuilder(python.toString(), "-c", "import torch").redirectErrorStream(true).start();
        Assumptions.assumeTrue(probe.waitFor(120, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "python3-torch is not installed");
        Path script = tmp.resolve("torch_check.py");
        try (InputStream in = getClass().getResourceAsStream("/torch_check.py")) {
            Files.copy(in, script);
        }
        for (int layers = 1; layers <= CASES; layers++) {
            Case c = run(layers);
            Path state = tmp.resolve("state" + layers + ".safetensors");
            try (OutputStream out = Files.newOutputStream(state)) {
                TorchExport.write(c.model(), out);
            }
            float[] x = new float[B * T * 4];
            for (int b = 0; b < B; b++) {
                for (int t = 0; t < T; t++) {
                    for (int i = 0; i < 4; i++) {
                        x[(b * T + t) * 4 + i] = (float) c.xs()[b][t][i];
                    }
                }
            }
            List<SafeTensors.Tensor> tensors = new java.util.ArrayList<>(List.of(
                    new SafeTensors.Tensor("x", new int[] {B, T, 4}, x, 0),
                    new SafeTensors.Tensor("y", new int[] {B, 3}, c.y(), 0)));
            int context = c.model().spec().context();
            if (context > 0) {
                float[] future = new float[B * context];
                for (int b = 0; b < B; b++) {
                    for (int i = 0; i < context; i++) {
                        future[b * context + i] = (float) c.contexts()[b][i];
                    }
                }
                tensors.add(new SafeTensors.Tensor("future", new int[] {B, 3, FUTURE}, future, 0));
            }
            int embedded = c.model().spec().vocabularies().size();
            if (embedded > 0) {
                float[] cats = new float[B * embedded];
                for (int b = 0; b < B; b++) {
                    for (int k = 0; k < embedded; k++) {
                        cats[b * embedded + k] = c.cats()[b][k];
                    }
                }
                tensors.add(new SafeTensors.Tensor("categories", new int[] {B, embedded}, cats, 0));
            }
            Path caseFile = tmp.resolve("case" + layers + ".safetensors");
            try (OutputStream out = Files.newOutputStream(caseFile)) {
                SafeTensors.write(out, tensors, Map.of());
            }
            Process p = new ProcessBuilder(python.toString(), script.toString(), state.toString(),
                    caseFile.toString(), String.valueOf(c.model().spec().layers())).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "torch check timed out");
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("OK"), out);
        }
    }
}
