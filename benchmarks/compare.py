#!/usr/bin/env python3
"""PyTorch side of Shortcut's side-by-side benchmark, driven by dev.shortcut.benchmarks.compare.Compare.

A small server: it reads one JSON command per line on stdin and answers one JSON line on stdout
(anything else it has to say goes to stderr). The Java side owns the order of events, so that the
two sides take turns on the machine and never time at once.

  {"cmd": "environment"}
      torch, numpy and Python versions, the BLAS library this process actually mapped, its
      threading flavour and thread count, oneDNN's version, ATen's CPU capability.
  {"cmd": "load", "file": PATH, "threads": [1, 2]}
      reads a safetensors file Compare wrote (the network's weights, a batch, and Shortcut's logits,
      gradients and parameters after one Adam step at each thread count, written once where they
      are bit-identical to 1 thread's), builds the same network, and answers how far each side, at
      each thread count, is from the network evaluated in float64, for PyTorch in each of its modes.
  {"cmd": "trial", "mode": NAME, "threads": N, "seconds": S, "min_steps": K}
      resets to the starting state, then times MODE for at least S seconds and K steps at N
      threads: samples per second, CPU time over wall time, the thread counts really in force.
  {"cmd": "quit"}

Needs only torch, torchvision and numpy (no pip): the safetensors file is parsed by hand. The
convolutional family (the paper's CIFAR ResNets) is torch_check.py's CifarResNet, akamaster's
resnet.py with the option-A shortcut, and its float64 reference follows each side's ReLU decisions
with torch_check's ReLU plan.
"""
import copy
import ctypes
import json
import mmap
import os
import platform
import re
import struct
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_check  # noqa: E402  (the PyTorch ResNet and its ReLU plan, shared with the torch check)

# ---- input ---------------------------------------------------------------------------------------


def read_safetensors(path):
    """Tensors by name (float32, float64, or bytes: ReLU decisions; copied out of the file) and the
    metadata strings."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        (n,) = struct.unpack("<Q", data[:8])
        header = json.loads(bytes(data[8:8 + n]))
        meta = header.pop("__metadata__", {})
        base = 8 + n
        tensors = {}
        for name, info in header.items():
            begin, end = info["data_offsets"]
            dtype = {"F32": np.float32, "F64": np.float64, "U8": np.uint8}[info["dtype"]]
            arr = np.frombuffer(data, dtype=dtype, count=(end - begin) // np.dtype(dtype).itemsize,
                                offset=base + begin)
            tensors[name] = torch.from_numpy(arr.reshape(info["shape"]).copy())
            del arr  # no view may outlive the mapping
    return tensors, meta


# ---- the networks --------------------------------------------------------------------------------

ACTIVATIONS = {"RELU": torch.relu, "NONE": lambda z: z, "TANH": torch.tanh, "SIGMOID": torch.sigmoid,
               "LEAKY_RELU": lambda z: torch.nn.functional.leaky_relu(z, 0.01)}

# The activations with a kink at zero, and their slope below it.
KINKS = {"RELU": 0.0, "LEAKY_RELU": 0.01}


class Kink:
    """ReLU or leaky ReLU in the float64 reference. It keeps what the reference needs to settle ties
    (see Reference): the pre-activation z, the sum of the magnitudes of its terms (float32 rounds z
    to within a small fraction of that), and the gradient that reaches its output. Elements marked in
    `flip` are taken to the other side of the kink."""

    def __init__(self, slope):
        self.slope = slope
        self.flip = None
        self.magnitude = None
        self.z = None
        self.out = None

    def __call__(self, z):
        positive = z > 0
        if self.flip is not None:
            positive = positive ^ self.flip
        out = torch.where(positive, z, z * self.slope)
        if out.requires_grad:
            out.retain_grad()
        self.z, self.out = z.detach(), out
        return out


class Dense(torch.nn.Module):
    """One dense layer: activation(W x + b)."""

    def __init__(self, spec, reference=False):
        super().__init__()
        self.linear = torch.nn.Linear(spec["in"], spec["out"])
        self.bias_name = spec["name"] + ".bias"
        self.kink = Kink(KINKS[spec["act"]]) if reference and spec["act"] in KINKS else None
        self.activation = self.kink or ACTIVATIONS[spec["act"]]

    def preactivation(self, x):
        if self.kink is not None:
            with torch.no_grad():
                self.kink.magnitude = x.abs() @ self.linear.weight.abs().t() + self.linear.bias.abs()
        return self.linear(x)

    def forward(self, x):
        return self.activation(self.preactivation(x))


class Block(torch.nn.Module):
    """A residual block the idiomatic way (torchvision's BasicBlock): the body, the shortcut added
    to the last layer's pre-activation, then that layer's activation."""

    def __init__(self, spec, items):
        super().__init__()
        self.body = torch.nn.ModuleList(items[:-1])
        self.last = items[-1]
        self.kind = spec["shortcut"]
        self.projection = (torch.nn.Linear(spec["in"], spec["out"], bias=False)
                           if self.kind == "PROJECTION" else None)
        self.activation = self.last.activation

    def last_dense(self):
        return self.last if isinstance(self.last, Dense) else self.last.last_dense()

    def preactivation(self, x):
        h = x
        for item in self.body:
            h = item(h)
        z = self.last.preactivation(h)
        if self.kind == "IDENTITY":
            shortcut = x
        elif self.kind == "PROJECTION":
            shortcut = self.projection(x)
        else:
            return z
        kink = self.last_dense().kink
        if kink is not None:
            with torch.no_grad():
                kink.magnitude = kink.magnitude + (
                    x.abs() if self.projection is None else x.abs() @ self.projection.weight.abs().t())
        return z + shortcut

    def forward(self, x):
        return self.activation(self.preactivation(x))


class ResidualMlp(torch.nn.Module):
    """The network a Shortcut Architecture describes: dense layers grouped into (possibly nested)
    residual blocks, built as a tree of modules. With reference=True its ReLUs are Kinks."""

    def __init__(self, arch, reference=False):
        super().__init__()
        self.arch = arch
        self.reference = reference
        self.items = torch.nn.ModuleList(self._items(0, len(arch["layers"]), arch["blocks"]))

    def _items(self, lo, hi, blocks):
        # Blocks nest or are disjoint; the outermost one starting at a layer comes first.
        inside = sorted((b for b in blocks if lo <= b["first"] and b["last"] < hi),
                        key=lambda b: (b["first"], -b["last"]))
        items, i = [], lo
        while i < hi:
            outer = next((b for b in inside if b["first"] == i), None)
            if outer is None:
                items.append(Dense(self.arch["layers"][i], self.reference))
                i += 1
            else:
                nested = [b for b in inside if b is not outer and outer["first"] <= b["first"]
                          and b["last"] <= outer["last"]]
                items.append(Block(outer, self._items(i, outer["last"] + 1, nested)))
                i = outer["last"] + 1
        return items

    def forward(self, x):
        for item in self.items:
            x = item(x)
        return x

    def kinked(self):
        """The dense layers whose activation is a Kink, in order."""
        return [m for m in self.modules() if isinstance(m, Dense) and m.kink is not None]

    def named_tensors(self):
        """Parameters under Shortcut's names, in Shortcut's order."""
        dense = [m for m in self.modules() if isinstance(m, Dense)]
        blocks = [m for m in self.modules() if isinstance(m, Block)]
        block_specs = sorted(self.arch["blocks"], key=lambda b: (b["first"], -b["last"]))
        named = {}
        for spec, layer in zip(self.arch["layers"], dense):
            named[spec["name"] + ".weight"] = layer.linear.weight
            named[spec["name"] + ".bias"] = layer.linear.bias
        for spec, block in zip(block_specs, blocks):
            if block.projection is not None:
                named[spec["name"] + ".shortcut.weight"] = block.projection.weight
        return named


FAMILIES = {"residual_mlp": ResidualMlp}


# ---- numerics ------------------------------------------------------------------------------------


def rel(a, b):
    """Relative difference in norm."""
    return float((a.double() - b.double()).norm() / max(float(b.double().norm()), 1e-30))


def max_rel(a, b):
    """The worst tensor's relative difference."""
    return max(rel(a[n], b[n]) for n in b)


def adam(params, grads, opt, dtype, foreach):
    """Parameters after one Adam step from `params` with gradients `grads`, in `dtype`."""
    ps = {n: p.detach().to(dtype).clone().requires_grad_(True) for n, p in params.items()}
    for n, p in ps.items():
        p.grad = grads[n].to(dtype).clone()
    torch.optim.Adam(list(ps.values()), lr=opt["lr"], betas=tuple(opt["betas"]), eps=opt["eps"],
                     foreach=foreach).step()
    return {n: p.detach() for n, p in ps.items()}


def step_once(model, x, labels):
    """Forward, loss, backward: the logits and the gradients by name."""
    model.zero_grad(set_to_none=True)
    logits = model(x)
    torch.nn.functional.cross_entropy(logits, labels).backward()
    return logits.detach(), {n: p.grad.detach().clone() for n, p in model.named_tensors().items()}


# A pre-activation within this fraction of the magnitudes of its terms is a tie: float32 rounding
# (about 1e-6 of them after 100 layers) may put it on either side of the kink.
TIE = 1e-5


class Reference:
    """The network in float64, from the same weights and batch: the arbiter.

    At a ReLU whose pre-activation is a tie, both sides of the kink are correct float32 results, and
    the one a side took changes that unit's gradient in that sample entirely (about 1e-3 of the
    whole gradient). So for each side checked, the reference takes ties the way that side evidently
    took them: taking element (s, j) across the kink changes the bias gradient of unit j by a known
    amount, and it is taken across when that explains the side's bias gradient better. Ties are
    settled from the last layer down, re-evaluating until none changes; everything else must agree
    within float32 rounding, so the tolerances need not make room for ties.
    """

    ROUNDS = 4

    def __init__(self, family, arch, initial, x, labels):
        self.model = family(arch, reference=True).double()
        with torch.no_grad():
            for n, p in self.model.named_tensors().items():
                p.copy_(initial[n])
        self.x, self.labels = x.double(), labels
        self.layers = self.model.kinked()
        self.base = self._evaluate()

    def _evaluate(self):
        logits, grads = step_once(self.model, self.x, self.labels)
        states = [(d.kink.z, d.kink.magnitude, d.kink.out.grad) for d in self.layers]
        return logits, grads, states

    def along(self, grads, decisions=None):
        """Logits and gradients with ties taken the way the side with gradients `grads` took them,
        how many ties that took across the kink, and (None here: the dense family infers ties from
        the bias gradients rather than from recorded decisions) the worst such tie."""
        logits, ref_grads, states = self.base
        if grads is None:
            return logits, ref_grads, 0, None
        for d in self.layers:
            d.kink.flip = None
        try:
            for _ in range(self.ROUNDS):
                if not self._settle(grads, ref_grads, states):
                    break
                logits, ref_grads, states = self._evaluate()
            ties = sum(int(d.kink.flip.sum()) for d in self.layers if d.kink.flip is not None)
        finally:
            for d in self.layers:
                d.kink.flip = None
        return logits, ref_grads, ties, None

    def _settle(self, grads, ref_grads, states):
        changed = False
        for d, (z, magnitude, g) in reversed(list(zip(self.layers, states))):
            tied = z.abs() <= TIE * magnitude
            if not bool(tied.any()):
                continue
            flip = d.kink.flip.clone() if d.kink.flip is not None else torch.zeros_like(tied)
            positive = (z > 0) ^ flip
            across = (1 - d.kink.slope) * g * torch.where(positive, -1.0, 1.0)
            residual = grads[d.bias_name].double() - ref_grads[d.bias_name]
            samples, units = tied.nonzero(as_tuple=True)
            for k in across[samples, units].abs().argsort(descending=True).tolist():
                s, j = int(samples[k]), int(units[k])
                if abs(float(residual[j] - across[s, j])) < abs(float(residual[j])):
                    residual[j] -= across[s, j]
                    flip[s, j] = not bool(flip[s, j])
                    changed = True
            d.kink.flip = flip
        return changed


def errors(reference, initial, opt, logits, grads, after, decisions=None):
    """How far one side's float32 results are from the float64 reference, quantity by quantity.

    gradients: against the reference with ties taken the side's way (Reference).
    adam_step: the side's parameters after its step against a float64 Adam step from the same
    starting parameters with the side's own gradients: the optimizer alone.
    parameters_after_step (reported, not judged): against a float64 step with the reference's
    gradients. Adam's first update is about lr times the sign of each gradient, so a gradient
    element within rounding of zero moves its parameter by up to 2 lr: this one is ill-conditioned.
    relu_decision_z (convolutional family): the largest |z| / max |z| of its layer where the side's
    ReLU `decisions`, which the reference follows, differ from float64's own (a tie is tiny).
    """
    ref_logits, ref_grads, ties, decision_z = reference.along(grads, decisions)
    e = {"logits": rel(logits, ref_logits)}
    if decision_z is not None:
        e["relu_decision_z"] = decision_z
    if grads is not None:
        e["gradients"] = max_rel(grads, ref_grads)
        own = adam(initial, grads, opt, torch.float64, foreach=False)
        e["adam_step"] = max(rel(after[n], own[n]) for n in own)
        e["parameters_after_step"] = max_rel(after, adam(initial, ref_grads, opt, torch.float64,
                                                         foreach=False))
        e["relu_ties_taken_across"] = ties
    return e


def same_results(a, b):
    """Whether two results, (logits, grads, after[, decisions]), are bit-identical."""
    if not torch.equal(a[0], b[0]) or (a[1] is None) != (b[1] is None):
        return False
    return a[1] is None or all(torch.equal(a[1][n], b[1][n]) and torch.equal(a[2][n], b[2][n])
                               for n in a[1])


# ---- threads and libraries -----------------------------------------------------------------------

BLAS_THREADING = {0: "sequential", 1: "pthreads", 2: "OpenMP"}


def blas_path():
    """The BLAS this process actually mapped (Debian's libblas.so.3 alternative resolves to one of
    the OpenBLAS builds): its real path from /proc/self/maps, after a product has run."""
    torch.ones(64, 64) @ torch.ones(64, 64)
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "/" in line}
    for pattern in ("openblas", "libblas", "mkl_rt", "libmkl"):
        found = sorted(p for p in paths if pattern in os.path.basename(p) or pattern in p)
        if found:
            return found[0]
    return None


class Blas:
    """OpenBLAS's own queries through ctypes, where the mapped library is OpenBLAS."""

    def __init__(self):
        self.path = blas_path()
        self.lib = None
        if self.path is not None:
            try:
                lib = ctypes.CDLL(self.path, mode=os.RTLD_NOLOAD | os.RTLD_GLOBAL)
                lib.openblas_get_num_threads.restype = ctypes.c_int
                lib.openblas_get_parallel.restype = ctypes.c_int
                lib.openblas_get_config.restype = ctypes.c_char_p
                lib.openblas_get_corename.restype = ctypes.c_char_p
                self.lib = lib
            except (OSError, AttributeError):
                self.lib = None

    def threads(self):
        """The threads OpenBLAS would split a product over now. Its OpenMP build takes OpenMP's
        count afresh in each product large enough to split (so one runs first), and runs on one
        thread whenever that count is 1 without updating its own, which openblas_get_num_threads
        then still reports."""
        if not self.lib:
            return None
        if self.threading() == "OpenMP" and openmp_threads() == 1:
            return 1
        probe = torch.ones(256, 256)
        torch.mm(probe, probe)
        return self.lib.openblas_get_num_threads()

    def threading(self):
        return BLAS_THREADING.get(self.lib.openblas_get_parallel(), "unknown") if self.lib else "unknown"

    def describe(self):
        d = {"path": self.path, "openblas": self.lib is not None}
        if self.lib:
            d["threading"] = self.threading()
            d["config"] = self.lib.openblas_get_config().decode().strip()
            d["core"] = self.lib.openblas_get_corename().decode().strip()
            d["threads"] = self.threads()
        else:
            d["threading"] = "unknown"
        return d


def openmp_threads():
    """omp_get_max_threads() of this thread: the count torch.set_num_threads sets, which ATen's
    parallel loops and OpenBLAS's OpenMP build both follow."""
    try:
        return ctypes.CDLL("libgomp.so.1", mode=os.RTLD_NOLOAD).omp_get_max_threads()
    except OSError:  # another OpenMP runtime: ATen's count is the same number
        return torch.get_num_threads()


def config_line(prefix):
    for line in torch.__config__.show().splitlines():
        line = line.strip(" -")
        if line.startswith(prefix):
            return line[len(prefix):].strip()
    return None


def environment(blas):
    onednn = config_line("Intel(R) MKL-DNN")
    parallel = re.search(r"ATen parallel backend: (.*)", torch.__config__.parallel_info())
    return {
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "blas": blas.describe(),
        "onednn": onednn.split()[0] if onednn else None,
        "mkldnn_available": torch.backends.mkldnn.is_available(),
        "mkldnn_enabled": bool(torch.backends.mkldnn.enabled),
        "cpu_capability": config_line("CPU capability usage:"),
        "parallel_backend": parallel.group(1).strip() if parallel else None,
        "default_threads": torch.get_num_threads(),
        "relu_tie_fraction": TIE,
        "variables": {k: v for k, v in os.environ.items()
                      if k.startswith(("OMP_", "OPENBLAS_", "MKL_", "GOMP_", "KMP_", "ATEN_"))
                      or k == "LD_LIBRARY_PATH"},
    }


# ---- the modes PyTorch may run in ----------------------------------------------------------------


class Training:
    """A training step as PyTorch's documentation recommends it for speed: Adam with foreach=True
    (one multi-tensor pass instead of a Python loop over parameters) and gradients set to None
    rather than zeroed."""

    name = "eager, Adam foreach"

    def __init__(self, model, initial, opt, x, labels):
        self.model, self.initial, self.opt, self.x, self.labels = model, initial, opt, x, labels
        self.reset()

    def reset(self):
        with torch.no_grad():
            for n, p in self.model.named_tensors().items():
                p.copy_(self.initial[n])
        self.model.zero_grad(set_to_none=True)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=self.opt["lr"],
                                          betas=tuple(self.opt["betas"]), eps=self.opt["eps"],
                                          foreach=True)

    def __call__(self):
        self.optimizer.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(self.model(self.x), self.labels).backward()
        self.optimizer.step()

    def results(self):
        """Logits, gradients and parameters after one step from the starting state."""
        self.reset()
        logits, grads = step_once(self.model, self.x, self.labels)
        self.optimizer.step()
        after = {n: p.detach().clone() for n, p in self.model.named_tensors().items()}
        self.reset()
        return logits, grads, after


class Inference:
    """Forward only. Stateless, so resetting does nothing."""

    def reset(self):
        pass

    def results(self):
        with torch.no_grad():
            return self().detach().clone(), None, None  # a copy: modes reuse their buffers


class Eager(Inference):
    name = "eager"

    def __init__(self, model, x):
        self.model, self.x = model.eval(), x

    def __call__(self):
        with torch.inference_mode():
            return self.model(self.x)


class Frozen(Inference):
    """TorchScript traced, frozen (weights become constants) and optimize_for_inference (which
    folds and, where oneDNN is present, converts linear layers to its kernels)."""

    name = "TorchScript frozen + optimize_for_inference"

    def __init__(self, model, x):
        with torch.no_grad():
            traced = torch.jit.trace(copy.deepcopy(model).eval(), x, check_trace=False)
            self.module = torch.jit.optimize_for_inference(torch.jit.freeze(traced))
        self.x = x

    def __call__(self):
        with torch.no_grad():
            return self.module(self.x)


class MatrixVector(Inference):
    """Batch 1 as matrix-vector products (BLAS gemv through addmv) into vectors allocated once, the
    shortcut added and the activation applied in place: no autograd, no allocation per layer."""

    name = "matrix-vector"

    IN_PLACE = {"RELU": torch.relu_, "NONE": lambda z: z, "TANH": torch.tanh_,
                "SIGMOID": torch.sigmoid_,
                "LEAKY_RELU": lambda z: torch.nn.functional.leaky_relu_(z, 0.01)}

    def __init__(self, model, x):
        self.x = x.reshape(-1).contiguous()
        self.program = [self._compile(item) for item in model.items]

    def _compile(self, item):
        if isinstance(item, Dense):
            w = item.linear.weight.detach()
            return ("dense", w, item.linear.bias.detach(), torch.empty(w.shape[0]),
                    self.IN_PLACE[_name_of(item.activation)])
        body = [self._compile(i) for i in item.body]
        last = self._compile(item.last)
        projection = None if item.projection is None else item.projection.weight.detach()
        return ("block", body, last, item.kind, projection)

    def _run(self, op, x, activate=True):
        if op[0] == "dense":
            _, w, b, out, act = op
            torch.addmv(b, w, x, out=out)
            return act(out) if activate else out
        _, body, last, kind, projection = op
        h = x
        for inner in body:
            h = self._run(inner, h)
        z = self._run(last, h, activate=False)
        if kind == "IDENTITY":
            z.add_(x)
        elif kind == "PROJECTION":
            z.addmv_(projection, x)
        return self._activation_of(last)(z) if activate else z

    def _activation_of(self, op):
        return op[4] if op[0] == "dense" else self._activation_of(op[2])

    def __call__(self):
        x = self.x
        for op in self.program:
            x = self._run(op, x)
        return x.reshape(1, -1)


# ---- the convolutional family: the paper's CIFAR ResNets -----------------------------------------


def cifar_resnet(arch, state, dtype=torch.float32):
    """torch_check's CifarResNet (akamaster's resnet.py, option A) with Shortcut's state: every
    parameter and running statistic by name (the batch counters, which no step here reads, aside)."""
    model = torch_check.CifarResNet(arch["blocks_per_stage"], channels=arch["channels"])
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise ValueError(f"Shortcut's state does not fit the PyTorch network: missing {missing}, "
                         f"unexpected {unexpected}")
    return model.to(dtype)


class ConvReference:
    """The ResNet in float64, from the same state and batch: the arbiter. Training is one
    training-mode forward and backward (batch statistics); inference, evaluation mode. A float32 side
    whose ReLU decisions differ from float64's at ties (both correct float32 results, and the side
    decides a unit's whole gradient) is compared with the float64 network following its decisions,
    torch_check's way; how far from a tie the worst differing decision was is reported and judged."""

    def __init__(self, arch, state, x, labels, kind):
        self.model = cifar_resnet(arch, state, torch.float64)
        self.plan = torch_check.plan_relus(self.model)
        self.x, self.labels = x.double(), labels
        if kind == "infer":
            self.model.eval()
            with torch.no_grad():
                self.base = (self.model(self.x), None, None)
        else:
            out, calls = torch_check.train_pass(self.model, self.plan, self.x, labels)
            self.base = (out["train.logits"], out["grad"], calls)

    def along(self, grads, decisions=None):
        logits, ref_grads, calls = self.base
        if grads is None or decisions is None:
            return logits, ref_grads, 0, None
        count, worst = torch_check.decisions(calls, decisions)
        if count == 0:
            return logits, ref_grads, 0, 0.0
        out, _ = torch_check.train_pass(self.model, self.plan, self.x, self.labels, follow=decisions)
        return out["train.logits"], out["grad"], count, worst


def memory_format(channels_last):
    return torch.channels_last if channels_last else torch.contiguous_format


def layout_name(channels_last):
    return "channels_last" if channels_last else "NCHW"


class ConvTraining:
    """A training step of the ResNet in one memory layout (NCHW or channels_last, which oneDNN may
    run without reordering): Adam with foreach=True, gradients set to None."""

    def __init__(self, model, state, opt, x, labels, channels_last):
        fmt = memory_format(channels_last)
        self.name = "eager %s, Adam foreach" % layout_name(channels_last)
        self.model = model.to(memory_format=fmt)
        self.x = x.contiguous(memory_format=fmt)
        self.state, self.opt, self.labels = state, opt, labels
        self.reset()

    def reset(self):
        self.model.load_state_dict(self.state, strict=False)  # copy_ keeps each tensor's layout
        self.model.train()
        self.model.zero_grad(set_to_none=True)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=self.opt["lr"], betas=tuple(self.opt["betas"]),
                                          eps=self.opt["eps"], foreach=True)

    def __call__(self):
        self.optimizer.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(self.model(self.x), self.labels).backward()
        self.optimizer.step()

    def results(self):
        """Logits, gradients and parameters after one step from the starting state, and the ReLU
        decisions, from a copy whose ReLUs record them (the timed model's stay plain)."""
        self.reset()
        twin = copy.deepcopy(self.model)
        plan = torch_check.plan_relus(twin)
        out, calls = torch_check.train_pass(twin, plan, self.x, self.labels)
        torch.optim.Adam(twin.parameters(), lr=self.opt["lr"], betas=tuple(self.opt["betas"]), eps=self.opt["eps"],
                         foreach=True).step()
        after = {n: p.detach().clone() for n, p in twin.named_parameters()}
        return out["train.logits"], out["grad"], after, [mask for _, mask in calls]


def conv_inference_modes(model_for, x):
    """Eager and TorchScript frozen + optimize_for_inference, each in NCHW and in channels_last."""
    modes = []
    for channels_last in (False, True):
        fmt = memory_format(channels_last)
        xf = x.contiguous(memory_format=fmt)
        eager = Eager(model_for().to(memory_format=fmt), xf)
        eager.name = "eager " + layout_name(channels_last)
        frozen = Frozen(model_for().to(memory_format=fmt), xf)
        frozen.name = "TorchScript frozen + optimize_for_inference, " + layout_name(channels_last)
        modes += [eager, frozen]
    return modes


def _name_of(activation):
    return next(k for k, v in ACTIVATIONS.items() if v is activation)


def modes_for(kind, model, initial, opt, x, labels, training):
    if kind == "train":
        return [training]
    modes = [Eager(model, x), Frozen(model, x)]
    if x.shape[0] == 1 and isinstance(model, ResidualMlp):
        modes.append(MatrixVector(model, x))
    return modes


# ---- the server ----------------------------------------------------------------------------------


class Server:
    def __init__(self):
        self.blas = Blas()
        self.modes = {}

    def environment(self, _):
        return environment(self.blas)

    def load(self, command):
        tensors, meta = read_safetensors(command["file"])
        if meta["family"] == "cifar_resnet":
            return self._load_resnet(command, tensors, meta)
        arch = json.loads(meta["architecture"])
        opt = json.loads(meta["optimizer"])
        kind = meta["kind"]
        family = FAMILIES[meta["family"]]
        x = tensors["input"]
        labels = tensors["labels"].long()

        model = family(arch)
        names = list(model.named_tensors())
        initial = {n: tensors[n] for n in names}
        with torch.no_grad():
            for n, p in model.named_tensors().items():
                p.copy_(initial[n])
        reference = Reference(family, arch, initial, x, labels)

        counts = command.get("threads", [1, 2])
        shortcut = {}
        for threads in counts:
            prefix = "shortcut.t%d." % threads
            if prefix + "logits" not in tensors:
                continue  # bit-identical to 1 thread, as Compare checked
            shortcut[str(threads)] = errors(
                reference, initial, opt, tensors[prefix + "logits"],
                {n: tensors[prefix + "grad." + n] for n in names},
                {n: tensors[prefix + "step." + n] for n in names})

        # PyTorch's own float32 results, eager, at 1 and 2 threads: held to the same tolerances.
        training = Training(model, initial, opt, x, labels)
        pytorch = self._by_threads(reference, initial, opt, training, counts)

        self.modes = {m.name: m for m in modes_for(kind, model, initial, opt, x, labels, training)}
        mode_errors = {name: pytorch if mode is training else
                       self._by_threads(reference, initial, opt, mode, counts)
                       for name, mode in self.modes.items()}
        return {"shortcut": shortcut, "pytorch": pytorch, "modes": mode_errors}

    def _load_resnet(self, command, tensors, meta):
        """load() for the paper's CIFAR ResNets: Shortcut's state in PyTorch's names and layouts,
        the batch in NHWC."""
        arch = json.loads(meta["architecture"])
        opt = json.loads(meta["optimizer"])
        kind = meta["kind"]
        x = torch_check.nchw(tensors["input"])
        labels = tensors["labels"].long()
        state = {n: t for n, t in tensors.items()
                 if n not in ("input", "labels") and not n.startswith("shortcut.")}
        names = [n for n, _ in cifar_resnet(arch, state).named_parameters()]
        initial = {n: state[n] for n in names}
        reference = ConvReference(arch, state, x, labels, kind)

        counts = command.get("threads", [1, 2])
        shortcut = {}
        for threads in counts:
            prefix = "shortcut.t%d." % threads
            if prefix + "logits" not in tensors:
                continue  # bit-identical to 1 thread, as Compare checked
            if kind == "infer":
                shortcut[str(threads)] = errors(reference, initial, opt, tensors[prefix + "logits"], None, None)
                continue
            decisions = [torch_check.nchw(tensors[k]).bool()
                         for k in sorted(k for k in tensors if k.startswith(prefix + "relu."))]
            shortcut[str(threads)] = errors(
                reference, initial, opt, tensors[prefix + "logits"],
                {n: tensors[prefix + "grad." + n] for n in names},
                {n: tensors[prefix + "step." + n] for n in names}, decisions)

        if kind == "train":
            modes = [ConvTraining(cifar_resnet(arch, state), state, opt, x, labels, cl) for cl in (False, True)]
        else:
            modes = conv_inference_modes(lambda: cifar_resnet(arch, state), x)
        self.modes = {m.name: m for m in modes}
        mode_errors = {m.name: self._by_threads(reference, initial, opt, m, counts) for m in modes}
        pytorch = mode_errors[modes[0].name]  # eager NCHW: PyTorch's plain float32 run
        return {"shortcut": shortcut, "pytorch": pytorch, "modes": mode_errors}

    @staticmethod
    def _by_threads(reference, initial, opt, mode, counts):
        """The mode's differences at each thread count (computed once where the results are
        bit-identical to 1 thread's)."""
        out, first = {}, None
        for threads in counts:
            torch.set_num_threads(threads)
            results = mode.results()
            if first is not None and same_results(first, results):
                out[str(threads)] = out["1"]
            else:
                out[str(threads)] = errors(reference, initial, opt, *results)
            first = first or results
        return out

    def trial(self, command):
        mode = self.modes[command["mode"]]
        threads = int(command["threads"])
        seconds, min_steps = float(command["seconds"]), int(command["min_steps"])
        torch.set_num_threads(threads)
        mode.reset()
        steps = 0
        cpu0, wall0 = time.process_time(), time.perf_counter()
        while True:
            mode()
            steps += 1
            wall = time.perf_counter() - wall0
            if wall >= seconds and steps >= min_steps:
                break
        cpu = time.process_time() - cpu0
        return {"steps": steps, "wall_s": wall, "cpu_s": cpu, "torch_threads": torch.get_num_threads(),
                "openmp_threads": openmp_threads(), "blas_threads": self.blas.threads()}


def main():
    server = Server()
    for line in sys.stdin:
        command = json.loads(line)
        if command["cmd"] == "quit":
            break
        try:
            answer = {"ok": getattr(server, command["cmd"])(command)}
        except Exception as e:  # reported to the Java side, which names the configuration
            import traceback
            traceback.print_exc(file=sys.stderr)
            answer = {"error": "%s: %s" % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
