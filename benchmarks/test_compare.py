#!/usr/bin/env python3
"""Tests of compare.py's own logic: the network it builds from an architecture, its fast PyTorch
modes, and the float64 reference's handling of ReLU ties. Needs torch (as compare.py does), so it
runs beside compare.sh rather than in Maven:

    /usr/bin/python3 -m unittest discover -s benchmarks -p 'test_*.py'      (a few seconds)
"""
import os
import sys
import unittest

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402

# stem (4 -> 6), a projection block (6 -> 5) holding an identity block (5 -> 5), head (5 -> 3).
ARCH = {
    "layers": [
        {"name": "stem", "in": 4, "out": 6, "act": "RELU"},
        {"name": "outer.fc1", "in": 6, "out": 5, "act": "RELU"},
        {"name": "outer.inner.fc1", "in": 5, "out": 5, "act": "LEAKY_RELU"},
        {"name": "outer.inner.fc2", "in": 5, "out": 5, "act": "RELU"},
        {"name": "head", "in": 5, "out": 3, "act": "NONE"},
    ],
    "blocks": [
        {"name": "outer.inner", "in": 5, "out": 5, "shortcut": "IDENTITY", "first": 2, "last": 3},
        {"name": "outer", "in": 6, "out": 5, "shortcut": "PROJECTION", "first": 1, "last": 3},
    ],
}
OPT = {"lr": 1e-3, "betas": [0.9, 0.999], "eps": 1e-8}


def random_parameters(seed=0):
    g = torch.Generator().manual_seed(seed)
    names = compare.ResidualMlp(ARCH).named_tensors()
    return {n: torch.randn(p.shape, generator=g) * 0.5 for n, p in names.items()}


def loaded(model, params):
    with torch.no_grad():
        for n, p in model.named_tensors().items():
            p.copy_(params[n])
    return model


class NetworkTest(unittest.TestCase):
    def test_forward_follows_the_architecture_written_out_by_hand(self):
        p = {n: t.double() for n, t in random_parameters().items()}
        x = torch.randn(3, 4, dtype=torch.float64)
        lin = lambda name, v: v @ p[name + ".weight"].t() + p[name + ".bias"]  # noqa: E731
        a0 = torch.relu(lin("stem", x))
        a1 = torch.relu(lin("outer.fc1", a0))
        a2 = torch.nn.functional.leaky_relu(lin("outer.inner.fc1", a1), 0.01)
        # The inner and the outer shortcut both land on fc2's pre-activation, before its ReLU.
        a3 = torch.relu(lin("outer.inner.fc2", a2) + a1 + a0 @ p["outer.shortcut.weight"].t())
        expected = lin("head", a3)
        model = loaded(compare.ResidualMlp(ARCH).double(), p)
        self.assertTrue(torch.allclose(model(x), expected, rtol=1e-12, atol=1e-12))
        reference = loaded(compare.ResidualMlp(ARCH, reference=True).double(), p)
        self.assertTrue(torch.allclose(reference(x), expected, rtol=1e-12, atol=1e-12))

    def test_every_mode_computes_the_eager_logits(self):
        params = random_parameters()
        x = torch.randn(1, 4)
        model = loaded(compare.ResidualMlp(ARCH), params)
        expected = compare.Eager(model, x)().detach().clone()
        for mode in (compare.Frozen(model, x), compare.MatrixVector(model, x)):
            logits, _, _ = mode.results()
            self.assertLess(compare.rel(logits, expected), 1e-6, mode.name)
            self.assertLess(compare.rel(mode.results()[0], expected), 1e-6, mode.name + ", called again")


class ReferenceTest(unittest.TestCase):
    def setUp(self):
        self.params = random_parameters(1)
        self.x = torch.randn(8, 4, generator=torch.Generator().manual_seed(2))
        self.labels = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])
        # Move the stem's bias so that unit 2 of sample 5 sits at a tie: a pre-activation of
        # 1e-9, within float32 rounding of zero, with the loss depending on that unit.
        stem = self.x[5].double() @ self.params["stem.weight"].double().t()
        self.params["stem.bias"][2] = float(-stem[2] + 1e-9)
        self.reference = compare.Reference(compare.ResidualMlp, ARCH, self.params, self.x, self.labels)

    def gradients(self, across):
        """Float64 gradients of the network, rounded to float32, with the tie taken across or not."""
        stem = self.reference.layers[0]
        self.assertEqual(stem.bias_name, "stem.bias")
        if across:
            stem.kink.flip = torch.zeros(8, 6, dtype=torch.bool)
            stem.kink.flip[5, 2] = True
        try:
            _, grads, _ = self.reference._evaluate()
        finally:
            stem.kink.flip = None
        return {n: g.float() for n, g in grads.items()}

    def test_a_side_that_took_the_tie_across_agrees_within_rounding(self):
        grads = self.gradients(across=True)
        plain = compare.max_rel(grads, self.reference.base[1])
        self.assertGreater(plain, 1e-3, "the tie matters to the gradient")
        _, ref_grads, ties, _ = self.reference.along(grads)
        self.assertEqual(ties, 1)
        self.assertLess(compare.max_rel(grads, ref_grads), 1e-6)

    def test_a_side_that_did_not_is_left_alone(self):
        grads = self.gradients(across=False)
        _, ref_grads, ties, _ = self.reference.along(grads)
        self.assertEqual(ties, 0)
        self.assertLess(compare.max_rel(grads, ref_grads), 1e-6)

    def test_a_wrong_gradient_is_not_explained_away(self):
        grads = self.gradients(across=False)
        grads["stem.bias"] = grads["stem.bias"] * 1.01
        _, ref_grads, _, _ = self.reference.along(grads)
        self.assertGreater(compare.max_rel(grads, ref_grads), 1e-3)

    def test_errors_judge_the_optimizer_on_the_sides_own_gradients(self):
        grads = self.gradients(across=False)
        after = compare.adam(self.params, grads, OPT, torch.float32, foreach=True)
        logits = self.reference.base[0].float()
        e = compare.errors(self.reference, self.params, OPT, logits, grads, after)
        self.assertLess(e["adam_step"], 1e-6)
        wrong = compare.adam(self.params, grads, dict(OPT, lr=1.01e-3), torch.float32, foreach=True)
        self.assertGreater(compare.errors(self.reference, self.params, OPT, logits, grads, wrong)["adam_step"], 1e-5)


def small_resnet_state(seed=0):
    """The state of a ResNet-8 (one block per stage) on one channel, batch normalization drawn at
    random as Shortcut's side draws it."""
    torch.manual_seed(seed)
    model = compare.torch_check.CifarResNet(1, channels=1)
    compare.torch_check.randomize_normalization(model, torch.Generator().manual_seed(seed))
    return {n: t for n, t in model.state_dict().items() if not n.endswith("num_batches_tracked")}


RESNET8 = {"blocks_per_stage": 1, "channels": 1, "side": 12}


class ResNetTest(unittest.TestCase):
    def setUp(self):
        self.state = small_resnet_state()
        g = torch.Generator().manual_seed(3)
        self.x = torch.randn(4, 1, 12, 12, generator=g)
        self.labels = torch.tensor([0, 3, 9, 1])

    def test_every_inference_mode_computes_the_eager_logits(self):
        modes = compare.conv_inference_modes(lambda: compare.cifar_resnet(RESNET8, self.state), self.x)
        self.assertEqual(4, len(modes))
        expected = modes[0].results()[0]
        for mode in modes[1:]:
            self.assertLess(compare.rel(mode.results()[0], expected), 1e-5, mode.name)

    def test_training_in_either_layout_agrees_with_float64_and_a_wrong_gradient_does_not(self):
        reference = compare.ConvReference(RESNET8, self.state, self.x, self.labels, "train")
        names = [n for n, _ in compare.cifar_resnet(RESNET8, self.state).named_parameters()]
        initial = {n: self.state[n] for n in names}
        for channels_last in (False, True):
            mode = compare.ConvTraining(compare.cifar_resnet(RESNET8, self.state), self.state, OPT, self.x,
                                        self.labels, channels_last)
            logits, grads, after, decisions = mode.results()
            e = compare.errors(reference, initial, OPT, logits, grads, after, decisions)
            self.assertLess(e["logits"], 1e-5, mode.name)
            self.assertLess(e["gradients"], 1e-5, mode.name)
            self.assertLess(e["adam_step"], 1e-6, mode.name)
            self.assertLess(e["relu_decision_z"], 1e-4, mode.name)
            wrong = dict(grads)
            wrong["layer2.0.conv1.weight"] = wrong["layer2.0.conv1.weight"] * 1.01
            self.assertGreater(compare.errors(reference, initial, OPT, logits, wrong, after, decisions)["gradients"],
                               1e-3)

    def test_a_decision_far_from_a_tie_is_reported(self):
        reference = compare.ConvReference(RESNET8, self.state, self.x, self.labels, "train")
        _, _, calls = reference.base
        decisions = [mask.clone() for _, mask in calls]
        z = calls[2][0]
        far = (z.abs() == z.abs().max()).nonzero()[0].tolist()
        decisions[2][tuple(far)] = ~decisions[2][tuple(far)]
        _, _, count, worst = reference.along(reference.base[1], decisions)
        self.assertEqual(1, count)
        self.assertGreater(worst, 0.5)


if __name__ == "__main__":
    unittest.main()
