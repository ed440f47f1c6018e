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

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "U8": np.uint8}
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
        arr = t.detach().cpu().numpy()  # np.ascontiguousarray would turn a 0-d counter into shape [1]
        blob = arr.astype(arr.dtype.newbyteorder("<")).tobytes(order="C")
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
        self.relu = nn.ReLU()  # akamaster calls F.relu; a module, as in torchvision, so it can be planned
        self.reshapes = stride != 1 or in_planes != planes
        self.planes = planes

    def shortcut(self, x):
        if not self.reshapes:
            return x
        return F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.planes // 4, self.planes // 4))

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + self.shortcut(x))


class CifarResNet(nn.Module):
    """ResNet-(6n+2) for 32×32 images (or any side the strides divide, e.g. 28×28): 16/32/64 filters,
    global average pooling, one linear layer; `channels` input channels (3 for CIFAR)."""

    def __init__(self, n, classes=10, channels=3):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 16, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU()
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
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        # akamaster's F.avg_pool2d(out, out.size()[3]); adaptive pooling is the same average, and traces
        # (TorchScript would take the size for a tensor)
        out = F.adaptive_avg_pool2d(out, 1).flatten(1)
        return self.fc(out)


NETWORKS = {
    "resnet20": lambda: CifarResNet(3),
    "resnet18": torchvision.models.resnet18,
    "resnet50": torchvision.models.resnet50,
}


class ReluPlan:
    """Which way each ReLU of a training-mode forward pass goes, shared by a network's ReLUs.

    Float32 may round a pre-activation within about 1e-7 of its terms' size to either side of zero,
    and the side decides that unit's whole gradient: both are correct float32 results. So a float32
    side's gradients are compared with the float64 network evaluated along that side's own
    decisions (`follow`), after checking that they differ from float64's own only at such ties.
    Outside a plan's `recording`, its ReLUs are plain ReLUs."""

    def __init__(self):
        self.recording = None  # [(pre-activation, mask)] of the calls so far, or None
        self.follow = None  # masks to follow, call by call, or None for the ReLU's own

    def __call__(self, z):
        if self.recording is None:
            return F.relu(z)
        k = len(self.recording)
        if self.follow is None:
            mask = z > 0
        else:
            if k >= len(self.follow) or self.follow[k].shape != z.shape:
                raise ValueError(f"ReLU call {k} has shape {list(z.shape)}, but the decisions to follow "
                                 f"{'end there' if k >= len(self.follow) else 'have ' + str(list(self.follow[k].shape))}")
            mask = self.follow[k]
        self.recording.append((z.detach(), mask))
        return torch.where(mask, z, torch.zeros((), dtype=z.dtype))


class PlannedRelu(nn.Module):
    def __init__(self, plan):
        super().__init__()
        self.plan = plan

    def forward(self, z):
        return self.plan(z)


def plan_relus(model):
    """Replaces every ReLU module (torchvision's `relu` attributes, ours alike) by one that follows a plan."""
    plan = ReluPlan()
    for module in list(model.modules()):
        for name, child in list(module.named_children()):
            if isinstance(child, nn.ReLU):
                setattr(module, name, PlannedRelu(plan))
    return plan

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

# The worst tolerated difference from float64, as max |a - ref| / max |ref| over a tensor (for a
# group of tensors, the worst tensor's). Measured (results/torch_check.md): float32 logits, loss and
# running statistics 3e-8 to 2e-5 from float64, gradients (along each side's own ReLU decisions)
# 1e-5 for ResNet-20 and ResNet-18 and 2e-4 for ResNet-50, whose batch of 2 leaves 98 values per
# channel to its last batch normalizations (PyTorch's own float32 run: 2e-6, 7e-6 and 2e-4); the
# float64 twins 1e-15 to 4e-13. Each bound is 5 to 10 times the worst of both sides.
TOLERANCE = {
    "logits": 1e-4,
    "loss": 1e-4,
    "running statistics": 1e-4,
    "float64": 1e-10,
}
# Parameter and input gradients, per network: ResNet-50's batch of 2 leaves its last batch
# normalizations 98 values per channel, mostly two per-sample levels, and float32 loses more there.
GRADIENT_TOLERANCE = {"resnet20": 1e-4, "resnet18": 1e-4, "resnet50": 1e-3}
# A float32 ReLU decision may differ from float64's only at a tie: |z| <= TIE * max |z| over its
# layer (measured: up to 4e-5 in ResNet-50, PyTorch's float32 alike; values a float32 rounding of
# the block's larger terms can move across zero).
TIE = 1e-4


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


def fresh(name, state, dtype):
    """The PyTorch network with `state` loaded strictly (raises on a missing, unexpected or misshapen
    tensor), in `dtype`, and the plan of its ReLUs."""
    model = NETWORKS[name]()
    model.load_state_dict(state, strict=True)
    plan = plan_relus(model)
    return model.to(dtype), plan


def train_pass(model, plan, x, labels, follow=None):
    """One training-mode forward and backward of the mean cross-entropy: results, and the ReLU calls."""
    model.train()
    for p in model.parameters():
        p.grad = None
    xg = x.clone().requires_grad_(True)
    plan.recording, plan.follow = [], follow
    try:
        logits = model(xg)
    finally:
        calls, plan.recording, plan.follow = plan.recording, None, None
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    return {"train.logits": logits.detach(), "train.loss": loss.detach(), "train.input_grad": xg.grad,
            "grad": {n: p.grad.clone() for n, p in model.named_parameters()}}, calls


def training_step(name, state, dtype, x, labels):
    """Evaluation-mode logits, one training pass, the buffers it left, evaluation-mode logits again."""
    model, plan = fresh(name, state, dtype)
    x = x.to(dtype)
    model.eval()
    with torch.no_grad():
        before = model(x)
    out, calls = train_pass(model, plan, x, labels)
    out["eval_before.logits"] = before
    out["buffers"] = {n: b.clone() for n, b in model.named_buffers()}
    model.eval()
    with torch.no_grad():
        out["eval_after.logits"] = model(x)
    return out, calls


def decisions(calls, masks):
    """Where `masks` (one per ReLU call) differ from the ReLU's own decisions in `calls`: the count,
    and the largest |z| / max |z| of its layer among them (a tie is below TIE)."""
    if len(masks) != len(calls):
        raise ValueError(f"{len(masks)} ReLU layers on one side, {len(calls)} ReLU calls on the other")
    count, worst = 0, 0.0
    for (z, own), mask in zip(calls, masks):
        if mask.shape != own.shape:
            raise ValueError(f"ReLU decisions of shape {list(mask.shape)} against {list(own.shape)}")
        differ = mask != own
        n = int(differ.sum())
        if n:
            count += n
            worst = max(worst, float(z[differ].abs().max() / z.abs().max()))
    return count, worst


def along(name, state, x, labels, calls, masks):
    """The float64 gradients along `masks` (the float64 pass's own `calls` reused where they agree)."""
    if all(torch.equal(mask, own) for (_, own), mask in zip(calls, masks)):
        return None
    model, plan = fresh(name, state, torch.float64)
    out, _ = train_pass(model, plan, x.double(), labels, follow=masks)
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
        print(f"  {'ok  ' if ok else 'FAIL'} {case:<20} {quantity:<38} {tensors:>4}  shortcut {fmt(r['shortcut_abs'])}"
              f" {fmt(r['shortcut_rel'])}  pytorch-f32 {fmt(r['pytorch_abs'])} {fmt(r['pytorch_rel'])}"
              f"  tol {'exact' if exact else fmt(tolerance)}" + (f"  (worst: {where})" if where else ""), flush=True)

    def failed(self):
        return [r for r in self.rows if not r["ok"]]


def fmt(v):
    if v is None:
        return "-"
    if v == 0:
        return "0"
    if float(v).is_integer() and abs(v) < 1e6:
        return str(int(v))
    return f"{v:.1e}"


def read(directory, name, required=True):
    path = os.path.join(directory, name)
    if not os.path.exists(path):
        if required:
            raise FileNotFoundError(f"{path} is missing: TorchCheck writes it (run benchmarks/torch_check.sh)")
        return None
    return read_safetensors(path)[0]


def check_training(directory, name, table):
    """Shortcut's checkpoint in PyTorch (strict), then every result of one training step."""
    state = read(directory, f"{name}.init.safetensors")
    batch = read(directory, f"{name}.batch.safetensors")
    ours = read(directory, f"{name}.shortcut.safetensors")
    after = read(directory, f"{name}.after.safetensors")
    x, labels = nchw(batch["input"]), batch["labels"]
    start = time.time()
    reference, calls = training_step(name, state, torch.float64, x, labels)
    single, single_calls = training_step(name, state, torch.float32, x, labels)
    table.add(name, "strict load of the checkpoint", len(state), (0.0, 0.0), None, 0, exact=True)

    def both(quantity, key, tolerance):
        mine = nchw(ours[key]) if key == "train.input_grad" else ours[key]
        table.add(name, quantity, 1, difference(mine, reference[key]), difference(single[key], reference[key]),
                  tolerance)

    both("eval logits (loaded state)", "eval_before.logits", TOLERANCE["logits"])
    both("train logits", "train.logits", TOLERANCE["logits"])
    both("train loss", "train.loss", TOLERANCE["loss"])

    # Gradients: each float32 side against float64 along its own ReLU decisions.
    our_masks = [nchw(ours[k]).bool() for k in sorted(k for k in ours if k.startswith("relu."))]
    single_masks = [mask for _, mask in single_calls]
    ours_ties, single_ties = decisions(calls, our_masks), decisions(calls, single_masks)
    table.add(name, "ReLU decisions unlike float64's (n; z/max)", len(calls), ours_ties, single_ties, TIE)
    our_reference = along(name, state, x, labels, calls, our_masks) or reference
    single_reference = along(name, state, x, labels, calls, single_masks) or reference
    grads = {n: ours["grad." + n] for n in reference["grad"]}
    missing = set(k[5:] for k in ours if k.startswith("grad.")) ^ set(reference["grad"])
    if missing:
        raise ValueError(f"{name}: gradients on one side only: {sorted(missing)}")
    g_abs, g_rel, where = group_difference(grads, our_reference["grad"])
    table.add(name, "parameter gradients", len(grads), (g_abs, g_rel),
              group_difference(single["grad"], single_reference["grad"])[:2], GRADIENT_TOLERANCE[name], where)
    table.add(name, "input gradient", 1, difference(nchw(ours["train.input_grad"]), our_reference["train.input_grad"]),
              difference(single["train.input_grad"], single_reference["train.input_grad"]),
              GRADIENT_TOLERANCE[name])

    for suffix in ("running_mean", "running_var"):
        ref = {n: b for n, b in reference["buffers"].items() if n.endswith(suffix)}
        b_abs, b_rel, where = group_difference({n: after[n] for n in ref}, ref)
        table.add(name, suffix.replace("_", " ") + " after the step", len(ref), (b_abs, b_rel),
                  group_difference(single["buffers"], ref)[:2], TOLERANCE["running statistics"], where)
    counts = {n: b for n, b in reference["buffers"].items() if n.endswith("num_batches_tracked")}
    wrong = max(abs(int(after[n]) - int(c)) for n, c in counts.items())
    table.add(name, "num_batches_tracked after the step", len(counts), (float(wrong), float(wrong)), None, 0,
              exact=True)
    both("eval logits after the step", "eval_after.logits", TOLERANCE["logits"])

    twin = read(directory, f"{name}.shortcut64.safetensors", required=False)
    if twin is not None:
        check_twin(name, twin, read(directory, f"{name}.after64.safetensors"), reference, table)
    print(f"  pytorch   {name:<22} {time.time() - start:5.1f} s", flush=True)


def check_twin(name, twin, after, reference, table):
    """The double-precision twin against float64 PyTorch: no ties, so everything to rounding."""
    tolerance = TOLERANCE["float64"]
    keys = ("eval_before.logits", "train.logits", "eval_after.logits")
    table.add(name, "float64 twin: logits (3 passes)", 3,
              group_difference({k: twin[k] for k in keys}, {k: reference[k] for k in keys})[:2], None, tolerance)
    table.add(name, "float64 twin: loss", 1, difference(twin["train.loss"], reference["train.loss"]), None, tolerance)
    g_abs, g_rel, where = group_difference({n: twin["grad." + n] for n in reference["grad"]}, reference["grad"])
    table.add(name, "float64 twin: parameter gradients", len(reference["grad"]), (g_abs, g_rel), None, tolerance,
              where)
    table.add(name, "float64 twin: input gradient", 1,
              difference(nchw(twin["train.input_grad"]), reference["train.input_grad"]), None, tolerance)
    ref = {n: b for n, b in reference["buffers"].items() if not n.endswith("num_batches_tracked")}
    b_abs, b_rel, where = group_difference({n: after[n] for n in ref}, ref)
    table.add(name, "float64 twin: running statistics", len(ref), (b_abs, b_rel), None, tolerance, where)


def check_loaded(directory, name, table):
    """torchvision's state dict, loaded by Shortcut: evaluation-mode logits."""
    state = read(directory, f"torchvision_{name}.state.safetensors")
    batch = read(directory, f"torchvision_{name}.batch.safetensors")
    ours = read(directory, f"torchvision_{name}.shortcut.safetensors")
    x = nchw(batch["input"])
    results = {}
    for dtype in (torch.float64, torch.float32):
        model, _ = fresh(name, state, dtype)
        model.eval()
        with torch.no_grad():
            results[dtype] = model(x.to(dtype))
    table.add("torchvision_" + name, "eval logits (state loaded by Shortcut)", 1,
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
        "Written by `benchmarks/torch_check.sh` (see benchmarks/README.md): " + env + ".",
        "",
        "**What runs.** `resnet20` is the paper's ResNet-20 (`ResidualCifar20` of",
        "`examples/.../paper/CifarResNets`; in PyTorch, akamaster's `resnet.py` with its option-A",
        "shortcut), on a batch of 8 × 3 × 32 × 32; `resnet18` and `resnet50` are torchvision's",
        "(`ResidualResNet18` / `ResidualResNet50` of `examples/.../torchvision`; in PyTorch,",
        "`torchvision.models.resnet18()` / `resnet50()`), on 2 × 3 × 224 × 224. Shortcut's network",
        "starts from its own initialization with every batch normalization's γ, β, running statistics",
        "and count, and every bias, drawn at random; its checkpoint (`Checkpoints.save`) is loaded",
        "into PyTorch with `load_state_dict(strict=True)`; the batch is N(0, 1) noise, NHWC on",
        "Shortcut's side and NCHW in PyTorch. Then: evaluation-mode logits; one training-mode",
        "forward and backward of the mean cross-entropy (batch statistics): logits, loss, every",
        "parameter gradient, the input gradient, the running statistics and `num_batches_tracked`",
        "after it; evaluation-mode logits again. `torchvision_resnet18/50`: the reverse, a",
        "torchvision model's state dict (random batch-normalization state too), written by Python,",
        "loaded by `Checkpoints.load`, evaluation-mode logits.",
        "",
        "**How it is judged.** Each quantity is compared with the same network evaluated by PyTorch",
        "in float64: *abs* is the largest absolute difference, *rel* that divided by the largest",
        "magnitude of the float64 value (for a group of tensors, the worst tensor's, named).",
        "PyTorch's own float32 run is measured the same way, for scale. A check passes when",
        "Shortcut's *rel* is at most the tolerance. Float32 may put a pre-activation within rounding",
        "of zero on either side of a ReLU's kink, which decides that unit's whole gradient (a few",
        "dozen such ties in ResNet-50 move PyTorch's own float32 gradients by up to 20 %), so each",
        "float32 side's gradients are compared with float64 evaluated along that side's own ReLU",
        "decisions; the *ReLU decisions* row counts where they differ from float64's (*abs*) and the",
        "largest |z| / max |z| of its layer among them (*rel*: a tie is below the tolerance). The",
        "*float64 twin* rows are a double-precision declaration of the same network with the",
        "examples' own block classes (`DoubleTwins`), from the same state on the same batch: no",
        "ties, so every difference is rounding.",
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
