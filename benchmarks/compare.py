#!/usr/bin/env python3
"""PyTorch side of Shortcut's side-by-side benchmark.

Reads a safetensors file written by dev.shortcut.benchmarks.Compare (weights, a batch, and the
logits and gradients Shortcut computed), builds the same residual MLP with torch.nn.Linear, checks
that Shortcut's logits and gradients agree with the network's float64 evaluation, then times a training step or batch-1 inference at 1 and 2
threads. Prints one JSON object. Needs only torch and numpy (no pip): the safetensors file is
parsed by hand.
"""
import json
import struct
import sys
import time

import numpy as np
import torch


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = {"F32": np.float32, "F64": np.float64}[info["dtype"]]
        arr = np.frombuffer(data[base + begin:base + end], dtype=dtype).reshape(info["shape"])
        tensors[name] = torch.from_numpy(arr.copy())
    return tensors, meta


ACTS = {"RELU": torch.relu, "NONE": lambda x: x, "TANH": torch.tanh, "SIGMOID": torch.sigmoid,
        "LEAKY_RELU": lambda x: torch.nn.functional.leaky_relu(x, 0.01)}


class ResidualMlp(torch.nn.Module):
    """The network described by Shortcut's Architecture: dense layers, blocks, shortcuts."""

    def __init__(self, arch):
        super().__init__()
        self.layers = arch["layers"]
        self.blocks = arch["blocks"]
        self.linears = torch.nn.ModuleList(torch.nn.Linear(l["in"], l["out"]) for l in self.layers)
        self.projections = torch.nn.ModuleDict()
        for i, b in enumerate(self.blocks):
            if b["shortcut"] == "PROJECTION":
                self.projections[str(i)] = torch.nn.Linear(b["in"], b["out"], bias=False)
        self.starts = {}
        self.ends = {}
        for i, b in enumerate(self.blocks):
            self.starts.setdefault(b["first"], []).append(i)
            self.ends.setdefault(b["last"], []).insert(0, i)  # inner blocks end first

    def forward(self, x):
        inputs = {}
        for i, (spec, linear) in enumerate(zip(self.layers, self.linears)):
            for b in self.starts.get(i, []):
                inputs[b] = x
            z = linear(x)
            for b in self.ends.get(i, []):
                kind = self.blocks[b]["shortcut"]
                if kind == "IDENTITY":
                    z = z + inputs[b]
                elif kind == "PROJECTION":
                    z = z + self.projections[str(b)](inputs[b])
            x = ACTS[spec["act"]](z)
        return x

    def load(self, tensors):
        with torch.no_grad():
            for spec, linear in zip(self.layers, self.linears):
                linear.weight.copy_(tensors[spec["name"] + ".weight"])
                linear.bias.copy_(tensors[spec["name"] + ".bias"])
            for i, b in enumerate(self.blocks):
                if b["shortcut"] == "PROJECTION":
                    self.projections[str(i)].weight.copy_(tensors[b["name"] + ".shortcut.weight"])

    def named_gradients(self):
        for spec, linear in zip(self.layers, self.linears):
            yield spec["name"] + ".weight", linear.weight.grad
            yield spec["name"] + ".bias", linear.bias.grad
        for i, b in enumerate(self.blocks):
            if b["shortcut"] == "PROJECTION":
                yield b["name"] + ".shortcut.weight", self.projections[str(i)].weight.grad


def rel(a, b):
    """Relative difference in norm: a ReLU whose input sits within rounding of zero may flip in one
    sample and change one element, which an element-wise maximum would blow up."""
    return float((a - b).norm() / max(float(b.norm()), 1e-12))





def per_second(fn, batch, seconds):
    for _ in range(5):
        fn()
    n = 0
    start = time.perf_counter()
    while True:
        fn()
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and n >= 5:
            return batch * n / elapsed


def main():
    path, kind, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    tensors, meta = read_safetensors(path)
    arch = json.loads(meta["architecture"])
    model = ResidualMlp(arch)
    model.load(tensors)
    x = tensors["input"]
    labels = tensors["labels"].long()
    batch = x.shape[0]

    # The same network in float64 is the arbiter: Shortcut's float32 results must match it. PyTorch's
    # own float32 results are reported too; deep ReLU stacks can amplify its rounding to ~1e-3.
    reference = ResidualMlp(arch)
    reference.load(tensors)
    reference = reference.double()
    ref_logits = reference(x.double())
    torch.nn.functional.cross_entropy(ref_logits, labels).backward()
    ref_grads = dict(reference.named_gradients())
    logits_rel = rel(tensors["expected.logits"].double(), ref_logits.detach())
    grad_rel = max(rel(tensors["expected.grad." + n].double(), g) for n, g in ref_grads.items())

    logits = model(x)
    torch.nn.functional.cross_entropy(logits, labels).backward()
    torch_logits_rel = rel(logits.detach().double(), ref_logits.detach())
    torch_grad_rel = max(rel(g.double(), ref_grads[n]) for n, g in model.named_gradients())

    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def train_step():
        optimizer.zero_grad(set_to_none=False)
        out = model(x)
        torch.nn.functional.cross_entropy(out, labels).backward()
        optimizer.step()

    def infer():
        with torch.no_grad():
            model(x)

    rates = {}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        rates[str(threads)] = per_second(train_step if kind == "train" else infer, batch, seconds)
    print(json.dumps({"logits_rel": logits_rel, "grad_rel": grad_rel, "torch_logits_rel": torch_logits_rel,
                      "torch_grad_rel": torch_grad_rel, "per_s": rates,
                      "torch": torch.__version__, "blas": blas_library()}))


def blas_library():
    """The BLAS this process actually loaded (Debian's libblas.so.3 alternative)."""
    torch.ones(64, 64) @ torch.ones(64, 64)
    with open("/proc/self/maps") as maps:
        for line in maps:
            if "libblas" in line or "openblas" in line:
                return line.split()[-1]
    return "unknown"


if __name__ == "__main__":
    main()
