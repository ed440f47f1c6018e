#!/usr/bin/env python3
"""PyTorch's side of benchmarks/torch_check.sh: Shortcut against PyTorch on the same weights.

  torch_check.py states DIR
      writes the state dicts of torchvision's own resnet18() and resnet50() (every batch
      normalization's weight, bias, running statistics and batch count drawn at random, so that
      names and layouts are tested by values that differ per channel) and a batch for each, for
      dev.shortcut.benchmarks.torch.TorchCheck to load into Shortcut's ResidualResNet18/50.
  torch_check.py check DIR [--results FILE]
      compares what TorchCheck wrote with PyTorch (see TrainingStep.java for the files): every
      quantity against the same network evaluated in float64, for Shortcut and for PyTorch in
      float32 alike; prints the table, writes it as Markdown to FILE, and exits 1 on any
      disagreement.

The networks in PyTorch: the paper's ResNet-20 written as akamaster's resnet.py writes it (a
BasicBlock module whose option-A shortcut is F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, planes // 4,
planes // 4)), the head named fc as in Shortcut's declaration), and torchvision.models.resnet18()
and resnet50() themselves. Needs only torch, torchvision and numpy: safetensors files are read and
written by hand.
"""
import argparse
import json
import os
import platform
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

# ---- safetensors ---------------------------------------------------------------------------------

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64}
NAMES = {np.dtype(v): k for k, v in DTYPES.items()}


def read_safetensors(path):
    """Tensors by name and the metadata strings."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        arr = np.frombuffer(data, dtype=DTYPES[info["dtype"]], offset=8 + n + begin,
                            count=(end - begin) // np.dtype(DTYPES[info["dtype"]]).itemsize)
        tensors[name] = torch.from_numpy(arr.reshape(info["shape"]).copy())
    return tensors, meta


def write_safetensors(path, tensors, meta=None):
    """Writes float32, float64 and int64 tensors (a 0-dimensional one as shape [])."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        arr = np.ascontiguousarray(t.detach().cpu().numpy())
        blob = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": NAMES[arr.dtype], "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    if meta:
        header["__metadata__"] = meta
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


# ---- the networks --------------------------------------------------------------------------------


class CifarBasicBlock(nn.Module):
    """The paper's basic block as akamaster's resnet.py builds it, option A across a change of shape."""

    def __init__(self, in_planes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.reshapes = stride != 1 or in_planes != planes
        self.planes = planes

    def shortcut(self, x):
        if not self.reshapes:
            return x
        return F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.planes // 4, self.planes // 4))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class CifarResNet(nn.Module):
    """ResNet-(6n+2) for 32×32 images: 16/32/64 filters, global average pooling, one linear layer."""

    def __init__(self, n, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.layer1 = self._stage(16, 16, n, 1)
        self.layer2 = self._stage(16, 32, n, 2)
        self.layer3 = self._stage(32, 64, n, 2)
        self.fc = nn.Linear(64, classes)  # akamaster calls it `linear`; Shortcut's declaration, fc

    @staticmethod
    def _stage(in_planes, planes, n, stride):
        blocks = []
        for s in [stride] + [1] * (n - 1):
            blocks.append(CifarBasicBlock(in_planes, planes, s))
            in_planes = planes
        return nn.Sequential(*blocks)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        out = F.avg_pool2d(out, out.size()[3]).flatten(1)
        return self.fc(out)


NETWORKS = {
    "resnet20": lambda: CifarResNet(3),
    "resnet18": torchvision.models.resnet18,
    "resnet50": torchvision.models.resnet50,
}

# ---- states from torchvision ---------------------------------------------------------------------

TORCHVISION_SEED = 10
IMAGENET_BATCH = 2


def randomize_normalization(model, generator):
    """γ in [0.5, 1.5), β, biases and running means in [-0.2, 0.2), variances in [0.5, 1.5), counts."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.weight.copy_(torch.rand(module.weight.shape, generator=generator) + 0.5)
                module.bias.copy_(torch.rand(module.bias.shape, generator=generator) * 0.4 - 0.2)
                module.running_mean.copy_(torch.rand(module.running_mean.shape, generator=generator) * 0.4 - 0.2)
                module.running_var.copy_(torch.rand(module.running_var.shape, generator=generator) + 0.5)
                module.num_batches_tracked.fill_(int(torch.randint(0, 1000, (), generator=generator)))
            elif isinstance(module, (nn.Linear, nn.Conv2d)) and module.bias is not None:
                module.bias.copy_(torch.rand(module.bias.shape, generator=generator) * 0.4 - 0.2)


def states(directory):
    for name in ("resnet18", "resnet50"):
        torch.manual_seed(TORCHVISION_SEED)
        generator = torch.Generator().manual_seed(TORCHVISION_SEED)
        model = NETWORKS[name]()
        randomize_normalization(model, generator)
        write_safetensors(os.path.join(directory, f"torchvision_{name}.state.safetensors"), model.state_dict())
        x = torch.randn(IMAGENET_BATCH, 3, 224, 224, generator=generator)
        write_safetensors(os.path.join(directory, f"torchvision_{name}.batch.safetensors"),
                          {"input": x.permute(0, 2, 3, 1)})  # NHWC for Shortcut


# ---- the comparison ------------------------------------------------------------------------------

# Worst tolerated difference from float64, as max |a - ref| / max |ref| over a tensor (the worst
# tensor of a group). Measured differences and why these bounds: see benchmarks/README.md.
TOLERANCE = {
    "logits": 1e-4,
    "loss": 1e-5,
    "gradients": 1e-3,
    "input gradient": 1e-3,
    "running mean": 1e-5,
    "running var": 1e-5,
}


def nchw(x):
    return x.permute(0, 3, 1, 2).contiguous()


def difference(actual, reference):
    """(max |a - ref|, max |a - ref| / max |ref|) in float64."""
    a, r = actual.double(), reference.double()
    if a.shape != r.shape:
        raise ValueError(f"shape {list(a.shape)} against {list(r.shape)}")
    worst = float((a - r).abs().max()) if a.numel() else 0.0
    scale = float(r.abs().max()) if r.numel() else 0.0
    return worst, worst / scale if scale > 0 else (0.0 if worst == 0 else float("inf"))


def group_difference(actual, reference):
    """The worst max-abs and the worst relative difference over tensors, with the tensor of the latter."""
    worst_abs, worst_rel, where = 0.0, 0.0, None
    for name, ref in reference.items():
        d_abs, d_rel = difference(actual[name], ref)
        worst_abs = max(worst_abs, d_abs)
        if where is None or d_rel > worst_rel:
            worst_rel, where = d_rel, name
    return worst_abs, worst_rel, where


def load_strict(name, state, dtype):
    model = NETWORKS[name]()
    model.load_state_dict(state, strict=True)  # raises on a missing, unexpected or misshapen tensor
    return model.to(dtype)


def run_training_step(model, x, labels):
    """Evaluation-mode logits, one training-mode forward and backward, evaluation-mode logits again."""
    out = {}
    model.eval()
    with torch.no_grad():
        out["eval_before.logits"] = model(x)
    model.train()
    for p in model.parameters():
        p.grad = None
    xg = x.clone().requires_grad_(True)
    logits = model(xg)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    out["train.logits"] = logits.detach()
    out["train.loss"] = loss.detach()
    out["train.input_grad"] = xg.grad
    out["grad"] = {n: p.grad for n, p in model.named_parameters()}
    out["buffers"] = {n: b.clone() for n, b in model.named_buffers()}
    model.eval()
    with torch.no_grad():
        out["eval_after.logits"] = model(x)
    return out


class Table:
    def __init__(self):
        self.rows = []

    def add(self, case, quantity, tensors, shortcut, pytorch, tolerance, where=None, exact=False):
        ok = shortcut[1] <= tolerance if not exact else shortcut[0] == 0
        self.rows.append(dict(case=case, quantity=quantity, tensors=tensors, shortcut_abs=shortcut[0],
                              shortcut_rel=shortcut[1], pytorch_abs=pytorch[0] if pytorch else None,
                              pytorch_rel=pytorch[1] if pytorch else None, tolerance=tolerance, where=where,
                              exact=exact, ok=ok))
        r = self.rows[-1]
        print(f"  {'ok  ' if ok else 'FAIL'} {case:<22} {quantity:<28} {tensors:>4}  shortcut {fmt(r['shortcut_abs'])}"
              f" {fmt(r['shortcut_rel'])}  pytorch-f32 {fmt(r['pytorch_abs'])} {fmt(r['pytorch_rel'])}"
              f"  tol {'exact' if exact else fmt(tolerance)}" + (f"  (worst: {where})" if where else ""), flush=True)

    def failed(self):
        return [r for r in self.rows if not r["ok"]]


def fmt(v):
    return "-" if v is None else ("0" if v == 0 else f"{v:.1e}")


def check_training(directory, name, table):
    """Shortcut's checkpoint in PyTorch (strict), then every result of one training step."""
    state, _ = read_safetensors(os.path.join(directory, f"{name}.init.safetensors"))
    batch, _ = read_safetensors(os.path.join(directory, f"{name}.batch.safetensors"))
    ours, _ = read_safetensors(os.path.join(directory, f"{name}.shortcut.safetensors"))
    after, _ = read_safetensors(os.path.join(directory, f"{name}.after.safetensors"))
    x, labels = nchw(batch["input"]), batch["labels"]
    start = time.time()
    reference = run_training_step(load_strict(name, state, torch.float64), x.double(), labels)
    single = run_training_step(load_strict(name, state, torch.float32), x, labels)
    print(f"  pytorch   {name:<22} {time.time() - start:5.1f} s (float64 and float32)", flush=True)
    table.add(name, "strict load of the checkpoint", len(state), (0.0, 0.0), None, 0, exact=True)

    def both(quantity, mine, key, tolerance):
        table.add(name, quantity, 1, difference(mine, reference[key]), difference(single[key], reference[key]),
                  tolerance)

    both("eval logits (loaded state)", ours["eval_before.logits"], "eval_before.logits", TOLERANCE["logits"])
    both("train logits", ours["train.logits"], "train.logits", TOLERANCE["logits"])
    both("train loss", ours["train.loss"], "train.loss", TOLERANCE["loss"])
    grads = {n: ours["grad." + n] for n in reference["grad"]}
    missing = set(k[5:] for k in ours if k.startswith("grad.")) ^ set(reference["grad"])
    if missing:
        raise ValueError(f"{name}: gradients on one side only: {sorted(missing)}")
    g_abs, g_rel, where = group_difference(grads, reference["grad"])
    p_abs, p_rel, _ = group_difference(single["grad"], reference["grad"])
    table.add(name, "parameter gradients", len(grads), (g_abs, g_rel), (p_abs, p_rel), TOLERANCE["gradients"], where)
    both("input gradient", nchw(ours["train.input_grad"]), "train.input_grad", TOLERANCE["input gradient"])
    for suffix, tolerance in (("running_mean", TOLERANCE["running mean"]), ("running_var", TOLERANCE["running var"])):
        ref = {n: b for n, b in reference["buffers"].items() if n.endswith(suffix)}
        b_abs, b_rel, where = group_difference({n: after[n] for n in ref}, ref)
        p_abs, p_rel, _ = group_difference(single["buffers"], ref)
        table.add(name, suffix.replace("_", " ") + " after the step", len(ref), (b_abs, b_rel), (p_abs, p_rel),
                  tolerance, where)
    counts = {n: b for n, b in reference["buffers"].items() if n.endswith("num_batches_tracked")}
    wrong = max(abs(int(after[n]) - int(c)) for n, c in counts.items())
    table.add(name, "num_batches_tracked after", len(counts), (float(wrong), float(wrong)), None, 0, exact=True)
    both("eval logits after the step", ours["eval_after.logits"], "eval_after.logits", TOLERANCE["logits"])


def check_loaded(directory, name, table):
    """torchvision's state dict, loaded by Shortcut: evaluation-mode logits."""
    state, _ = read_safetensors(os.path.join(directory, f"torchvision_{name}.state.safetensors"))
    batch, _ = read_safetensors(os.path.join(directory, f"torchvision_{name}.batch.safetensors"))
    ours, _ = read_safetensors(os.path.join(directory, f"torchvision_{name}.shortcut.safetensors"))
    x = nchw(batch["input"])
    results = {}
    for dtype in (torch.float64, torch.float32):
        model = load_strict(name, state, dtype).eval()
        with torch.no_grad():
            results[dtype] = model(x.to(dtype))
    table.add("torchvision_" + name, "eval logits (Shortcut loaded)", 1,
              difference(ours["eval.logits"], results[torch.float64]),
              difference(results[torch.float32], results[torch.float64]), TOLERANCE["logits"])


def environment():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"torch {torch.__version__}, torchvision {torchvision.__version__}, Python {platform.python_version()},"
            f" {os.cpu_count()} × {cpu}, PyTorch threads {torch.get_num_threads()}")


def markdown(table, env):
    lines = [
        "# Shortcut against PyTorch on the same weights",
        "",
        "Written by `benchmarks/torch_check.sh` (see benchmarks/README.md). " + env + ".",
        "",
        "Each quantity is compared with the same network evaluated by PyTorch in float64: *abs* is the",
        "largest absolute difference, *rel* that divided by the largest magnitude of the float64 value",
        "(for a group of tensors, the worst tensor's; it is named). PyTorch's own float32 run is",
        "measured the same way, for scale. A check passes when Shortcut's *rel* is at most the tolerance.",
        "",
        "| network | quantity | tensors | Shortcut abs | Shortcut rel | PyTorch f32 abs | PyTorch f32 rel"
        " | tolerance | worst tensor | |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in table.rows:
        lines.append(f"| {r['case']} | {r['quantity']} | {r['tensors']} | {fmt(r['shortcut_abs'])} |"
                     f" {fmt(r['shortcut_rel'])} | {fmt(r['pytorch_abs'])} | {fmt(r['pytorch_rel'])} |"
                     f" {'exact' if r['exact'] else fmt(r['tolerance'])} | {r['where'] or ''} |"
                     f" {'ok' if r['ok'] else '**FAIL**'} |")
    return "\n".join(lines) + "\n"


def check(directory, results_file):
    table = Table()
    for name in ("resnet20", "resnet18", "resnet50"):
        check_training(directory, name, table)
    for name in ("resnet18", "resnet50"):
        check_loaded(directory, name, table)
    env = environment()
    if results_file:
        with open(results_file, "w") as f:
            f.write(markdown(table, env))
    failed = table.failed()
    print(f"torch_check: {len(table.rows) - len(failed)} of {len(table.rows)} checks agree ({env})")
    return 1 if failed else 0


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["states", "check"])
    parser.add_argument("directory")
    parser.add_argument("--results", help="Markdown table of the differences (check only)")
    args = parser.parse_args(argv)
    torch.set_num_threads(os.cpu_count() or 1)
    if args.command == "states":
        states(args.directory)
        return 0
    return check(args.directory, args.results)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
