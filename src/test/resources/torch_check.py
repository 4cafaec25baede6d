"""Loads a spark-gru torch export into torch.nn.GRU + nn.Linear and compares with spark-gru's outputs.

Usage: torch_check.py STATE.safetensors CASE.safetensors LAYERS
CASE holds x [B, T, I], y [B, O] (spark-gru's forward) and, for a model with known-future covariates, future
[B, horizon, F], with categorical static covariates categories [B, K] (embedding rows, stored as floats). Needs
only torch; safetensors files are parsed by hand.
"""
import json, struct, sys
import torch

def load(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[base + b:base + end]), dtype=torch.float32)
        out[name] = t.reshape(e["shape"])
    return out

class Net(torch.nn.Module):
    def __init__(self, i, h, layers, o, context=0, vocabularies=(), dim=0):
        super().__init__()
        self.embed = torch.nn.ModuleList([torch.nn.Embedding(v, dim) for v in vocabularies])
        self.gru = torch.nn.GRU(i + len(vocabularies) * dim, h, num_layers=layers, batch_first=True)
        self.head = torch.nn.Linear(h + context, o)

    def forward(self, x, future=None, categories=None):
        if categories is not None:
            e = torch.cat([m(categories[:, k]) for k, m in enumerate(self.embed)], 1)
            x = torch.cat([x, e.unsqueeze(1).expand(-1, x.shape[1], -1)], 2)
        out, _ = self.gru(x)
        last = out[:, -1]
        if future is not None:
            last = torch.cat([last, future.reshape(len(x), -1)], 1)
        return self.head(last)

state, case, layers = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
x, y = case["x"], case["y"]
h = state["gru.weight_hh_l0"].shape[1]
future = case.get("future")
categories = case.get("categories")
vocabularies = [state[f"embed.{k}.weight"].shape[0] for k in range(0 if categories is None else categories.shape[1])]
dim = state["embed.0.weight"].shape[1] if vocabularies else 0
net = Net(x.shape[2], h, layers, y.shape[1], 0 if future is None else future[0].numel(), vocabularies, dim)
net.load_state_dict(state, strict=True)
with torch.no_grad():
    got = net(x, future, None if categories is None else categories.long())
diff = (got - y).abs().max().item()
print(f"torch {torch.__version__} max abs diff {diff:.3g}")
print("OK" if diff < 1e-4 else "MISMATCH")
sys.exit(0 if diff < 1e-4 else 1)
