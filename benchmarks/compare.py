#!/usr/bin/env python3
"""PyTorch side of Shortcut's side-by-side benchmark, driven by dev.shortcut.benchmarks.compare.Compare.

A small server: it reads one JSON command per line on stdin and answers one JSON line on stdout
(anything else it has to say goes to stderr). The Java side owns the order of events, so that the
two sides take turns on the machine and never time at once.

  {"cmd": "environment"}
      torch, numpy and Python versions, the BLAS library this process actually mapped, its
      threading flavour and thread count, oneDNN's version, ATen's CPU capability.
  {"cmd": "load", "file": PATH}
      reads a safetensors file Compare wrote (the network's weights, a batch, and Shortcut's logits,
      gradients and parameters after one Adam step, at 1 thread and, where they differ, 2), builds
      the same network, and answers how far each side is from the network evaluated in float64,
      and which PyTorch modes can run this configuration.
  {"cmd": "trial", "mode": NAME, "threads": N, "seconds": S, "min_steps": K}
      resets to the starting state, then times MODE for at least S seconds and K steps at N
      threads: samples per second, CPU time over wall time, the thread counts really in force.
  {"cmd": "quit"}

Needs only torch and numpy (no pip): the safetensors file is parsed by hand.
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

# ---- input ---------------------------------------------------------------------------------------


def read_safetensors(path):
    """Tensors by name (float32 or float64, copied out of the file) and the metadata strings."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        (n,) = struct.unpack("<Q", data[:8])
        header = json.loads(bytes(data[8:8 + n]))
        meta = header.pop("__metadata__", {})
        base = 8 + n
        tensors = {}
        for name, info in header.items():
            begin, end = info["data_offsets"]
            dtype = {"F32": np.float32, "F64": np.float64}[info["dtype"]]
            arr = np.frombuffer(data, dtype=dtype, count=(end - begin) // np.dtype(dtype).itemsize,
                                offset=base + begin)
            tensors[name] = torch.from_numpy(arr.reshape(info["shape"]).copy())
            del arr  # no view may outlive the mapping
    return tensors, meta


# ---- the networks --------------------------------------------------------------------------------

ACTIVATIONS = {"RELU": torch.relu, "NONE": lambda z: z, "TANH": torch.tanh, "SIGMOID": torch.sigmoid,
               "LEAKY_RELU": lambda z: torch.nn.functional.leaky_relu(z, 0.01)}


class Dense(torch.nn.Module):
    """One dense layer: activation(W x + b)."""

    def __init__(self, spec):
        super().__init__()
        self.linear = torch.nn.Linear(spec["in"], spec["out"])
        self.activation = ACTIVATIONS[spec["act"]]

    def preactivation(self, x):
        return self.linear(x)

    def forward(self, x):
        return self.activation(self.linear(x))


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

    def preactivation(self, x):
        h = x
        for item in self.body:
            h = item(h)
        z = self.last.preactivation(h)
        if self.kind == "IDENTITY":
            z = z + x
        elif self.kind == "PROJECTION":
            z = z + self.projection(x)
        return z

    def forward(self, x):
        return self.activation(self.preactivation(x))


class ResidualMlp(torch.nn.Module):
    """The network a Shortcut Architecture describes: dense layers grouped into (possibly nested)
    residual blocks, built as a tree of modules."""

    def __init__(self, arch):
        super().__init__()
        self.arch = arch
        self.items = torch.nn.ModuleList(self._items(0, len(arch["layers"]), arch["blocks"]))

    def _items(self, lo, hi, blocks):
        # Blocks nest or are disjoint; the outermost one starting at a layer comes first.
        inside = sorted((b for b in blocks if lo <= b["first"] and b["last"] < hi),
                        key=lambda b: (b["first"], -b["last"]))
        items, i = [], lo
        while i < hi:
            outer = next((b for b in inside if b["first"] == i), None)
            if outer is None:
                items.append(Dense(self.arch["layers"][i]))
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
    """Relative difference in norm: a ReLU whose input sits within rounding of zero may flip in one
    sample and change one element, which an element-wise maximum would blow up."""
    return float((a.double() - b.double()).norm() / max(float(b.double().norm()), 1e-30))


def max_rel(a, b):
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


def errors(reference, initial, opt, logits, grads, after):
    """How far one side's float32 results are from the float64 reference, quantity by quantity.

    adam_step compares the side's parameters after its step with a float64 Adam step taken from
    the same starting parameters with the side's own gradients: it checks the optimizer alone, so its
    tolerance can be tight. parameters_after_step compares them with the float64 network's own step,
    where Adam's first update (about lr times the sign of each gradient) magnifies the float32
    rounding of gradients near zero.
    """
    e = {"logits": rel(logits, reference["logits"])}
    if grads is not None:
        e["gradients"] = max_rel(grads, reference["grads"])
        e["parameters_after_step"] = max_rel(after, reference["after"])
        own = adam(initial, grads, opt, torch.float64, foreach=False)
        e["adam_step"] = max(rel(after[n], own[n]) for n in own)
    return e


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
        """The threads OpenBLAS would split a product over now. Its OpenMP build rereads OpenMP's
        thread count only in a product large enough to split, so one runs first."""
        if not self.lib:
            return None
        probe = torch.ones(256, 256)
        torch.mm(probe, probe)
        return self.lib.openblas_get_num_threads()

    def describe(self):
        d = {"path": self.path, "openblas": self.lib is not None}
        if self.lib:
            d["threading"] = BLAS_THREADING.get(self.lib.openblas_get_parallel(), "unknown")
            d["config"] = self.lib.openblas_get_config().decode().strip()
            d["core"] = self.lib.openblas_get_corename().decode().strip()
            d["threads"] = self.threads()
        else:
            d["threading"] = "unknown"
        return d


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
            return self(), None, None


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


def _name_of(activation):
    return next(k for k, v in ACTIVATIONS.items() if v is activation)


def modes_for(kind, model, initial, opt, x, labels):
    if kind == "train":
        return [Training(model, initial, opt, x, labels)]
    modes = [Eager(model, x), Frozen(model, x)]
    if x.shape[0] == 1:
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
        arch = json.loads(meta["architecture"])
        opt = json.loads(meta["optimizer"])
        kind = meta["kind"]
        family = FAMILIES[meta["family"]]
        x = tensors["input"]
        labels = tensors["labels"].long()

        model = family(arch)
        names = list(model.named_tensors())
        initial = {n: tensors[n] for n in names}

        # The arbiter: the same network, same weights, in float64; one Adam step in float64.
        reference = family(arch).double()
        with torch.no_grad():
            for n, p in reference.named_tensors().items():
                p.copy_(initial[n])
        ref_logits, ref_grads = step_once(reference, x.double(), labels)
        ref = {"logits": ref_logits, "grads": ref_grads,
               "after": adam(initial, ref_grads, opt, torch.float64, foreach=False)}

        shortcut = {}
        for threads in (1, 2):
            prefix = "shortcut.t%d." % threads
            if prefix + "logits" not in tensors:
                continue  # bit-identical to 1 thread, as Compare checked
            shortcut[str(threads)] = errors(
                ref, initial, opt, tensors[prefix + "logits"],
                {n: tensors[prefix + "grad." + n] for n in names},
                {n: tensors[prefix + "step." + n] for n in names})

        # PyTorch's own float32 difference from float64, eager, at 1 and 2 threads: the yardstick
        # for what float32 rounding alone does to this network.
        with torch.no_grad():
            for n, p in model.named_tensors().items():
                p.copy_(initial[n])
        training = Training(model, initial, opt, x, labels)
        pytorch = {}
        for threads in (1, 2):
            torch.set_num_threads(threads)
            pytorch[str(threads)] = errors(ref, initial, opt, *training.results())

        self.modes = {m.name: m for m in modes_for(kind, model, initial, opt, x, labels)}
        mode_errors = {}
        for name, mode in self.modes.items():
            mode_errors[name] = {}
            for threads in (1, 2):
                torch.set_num_threads(threads)
                mode_errors[name][str(threads)] = errors(ref, initial, opt, *mode.results())
        return {"shortcut": shortcut, "pytorch": pytorch, "modes": mode_errors}

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
                "blas_threads": self.blas.threads()}


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
