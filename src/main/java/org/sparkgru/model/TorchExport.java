package org.sparkgru.model;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a reset-after model as a PyTorch state dict in safetensors format, for
 * <pre>
 * class Net(torch.nn.Module):
 *     def __init__(self):
 *         super().__init__()
 *         self.embed = torch.nn.ModuleList([torch.nn.Embedding(v, dim) for v in vocabularies])
 *         self.gru = torch.nn.GRU(inputSize, hidden, num_layers=layers, batch_first=True)
 *         self.head = torch.nn.Linear(hidden + context, outputs)
 *     def forward(self, x, future=None, categories=None):  # x: [batch, window, inputSize - K dim]
 *         if categories is not None:             # categories: [batch, K] embedding rows (long)
 *             e = torch.cat([m(categories[:, k]) for k, m in enumerate(self.embed)], 1)
 *             x = torch.cat([x, e.unsqueeze(1).expand(-1, x.shape[1], -1)], 2)
 *         out, _ = self.gru(x)
 *         last = out[:, -1]
 *         if future is not None:                 # future: [batch, horizon, F] known-future covariates
 *             last = torch.cat([last, future.reshape(len(x), -1)], 1)
 *         return self.head(last)
 * net.load_state_dict(safetensors.torch.load_file(path))
 * </pre>
 * Tensors: {@code gru.weight_ih_l{k}} {@code [3H, in_k]}, {@code gru.weight_hh_l{k}} {@code [3H, H]},
 * {@code gru.bias_ih_l{k}} {@code [3H]}, {@code gru.bias_hh_l{k}} {@code [3H]} (gate rows r, z, n), then
 * {@code head.weight} {@code [O, H + C]} (columns {@code H..} read the {@code C = horizon x F} context, the
 * known-future covariates step-major) and {@code head.bias} {@code [O]}: PyTorch stores {@code out x in}, the
 * transpose of this project's layout; then {@code embed.k.weight} {@code [V_k, dim]} for the categorical static
 * covariates, in this project's layout. An ensemble of {@code K > 1} members ({@link Ensemble}) writes every member
 * under {@code members.m.} ({@code members.0.gru.weight_ih_l0}, ...), the keys of a module holding
 * {@code self.members = torch.nn.ModuleList([Net() for _ in range(K)])}; its forecast is the median over members.
 *
 * <p>PyTorch updates {@code h = (1 - z') n + z' h}, the mirror image of this project's
 * {@code h = (1 - z) h + z n}; with {@code z' = 1 - z = sigmoid(-a_z)}, negating every update-gate weight and bias
 * converts exactly. Reset-before models have no PyTorch equivalent ({@code nn.GRU} is reset-after only) and are
 * refused.
 */
public final class TorchExport {
    private TorchExport() {
    }

    /** Writes the state dict of {@code model} to {@code out}. */
    public static void write(GruModel model, OutputStream out) throws IOException {
        SafeTensors.write(out, tensors(model), Map.of("format", "pt", "source", "spark-gru"));
    }

    /** The PyTorch tensors of a model; throws {@link ModelFormatException} for a reset-before model. */
    public static List<SafeTensors.Tensor> tensors(GruModel model) {
        NetworkSpec spec = model.spec();
        if (spec.variant() != Variant.RESET_AFTER) {
            throw new ModelFormatException("this model uses the reset-before GRU variant, which torch.nn.GRU"
                    + " cannot represent (PyTorch implements reset-after only); train with model.variant ="
                    + " reset-after to export to PyTorch");
        }
        ParameterLayout lay = new ParameterLayout(spec);
        float[] p = model.params();
        int h = spec.hidden();
        int o = spec.outputs();
        int members = model.members();
        List<SafeTensors.Tensor> list = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            int base = m * lay.size();
            String prefix = Ensemble.tensorName(members, m, "");
            for (int l = 0; l < spec.layers(); l++) {
                int in = spec.layerInput(l);
                list.add(gateRows(prefix + "gru.weight_ih_l" + l, transpose(p, base + lay.wx(l), in, 3 * h), h,
                        new int[] {3 * h, in}));
                list.add(gateRows(prefix + "gru.weight_hh_l" + l, transpose(p, base + lay.wh(l), h, 3 * h), h,
                        new int[] {3 * h, h}));
                list.add(gateRows(prefix + "gru.bias_ih_l" + l, copy(p, base + lay.bx(l), 3 * h), h,
                        new int[] {3 * h}));
                list.add(gateRows(prefix + "gru.bias_hh_l" + l, copy(p, base + lay.bh(l), 3 * h), h,
                        new int[] {3 * h}));
            }
            int rows = spec.headInput();
            list.add(new SafeTensors.Tensor(prefix + "head.weight", new int[] {o, rows},
                    transpose(p, base + lay.headW(), rows, o), 0));
            list.add(new SafeTensors.Tensor(prefix + "head.bias", new int[] {o}, copy(p, base + lay.headB(), o), 0));
            for (int k = 0; k < spec.vocabularies().size(); k++) {
                int v = spec.vocabularies().get(k);
                list.add(new SafeTensors.Tensor(prefix + "embed." + k + ".weight", new int[] {v, spec.embeddingDim()},
                        copy(p, base + lay.embedding(k), v * spec.embeddingDim()), 0));
            }
        }
        return list;
    }

    /** A tensor of {@code 3H} gate rows (r, z, n) with the update-gate rows negated. */
    private static SafeTensors.Tensor gateRows(String name, float[] rows, int h, int[] shape) {
        int cols = rows.length / (3 * h);
        for (int i = h * cols; i < 2 * h * cols; i++) {
            rows[i] = -rows[i];
        }
        return new SafeTensors.Tensor(name, shape, rows, 0);
    }

    /** The transpose of a row-major {@code rows x cols} block. */
    private static float[] transpose(float[] p, int off, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = p[off + i * cols + j];
            }
        }
        return t;
    }

    private static float[] copy(float[] p, int off, int n) {
        float[] c = new float[n];
        System.arraycopy(p, off, c, 0, n);
        return c;
    }
}
