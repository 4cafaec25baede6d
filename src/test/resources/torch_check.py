"""Loads a spark-gru torch export into torch.nn.GRU + nn.Linear and compares with spark-gru's outputs.

Usage: torch_check.py STATE.safetensors CASE.safetensors LAYERS
CASE holds x [B, T, I], y [B, O] (spark-gru's forward) and, for a model with known-future covariates, future
[B, horizon, F]. Needs only torch; safetensors files are parsed by hand.
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
    def __init__(self, i, h, layers, o, context=0):
        super().__init__()
        self.gru = torch.nn.GRU(i, h, num_layers=layers, batch_first=True)
        self.head = torch.nn.Linear(h + context, o)

    def forward(self, x, future=None):
        out, _ = self.gru(x)
        last = out[:, -1]
        if future is not None:
            last = torch.cat([last, future.reshape(len(x), -1)], 1)
        return self.head(last)

state, case, layers = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
x, y = case["x"], case["y"]
h = state["gru.weight_hh_l0"].shape[1]
future = case.get("future")
net = Net(x.shape[2], h, layers, y.shape[1], 0 if future is None else future[0].numel())
net.load_state_dict(state, strict=True)
with torch.no_grad():
    got = net(x, future)
diff = (got - y).abs().max().item()
print(f"torch {torch.__version__} max abs diff {diff:.3g}")
print("OK" if diff < 1e-4 else "MISMATCH")
sys.exit(0 if diff < 1e-4 else 1)
