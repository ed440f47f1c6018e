"""Tests of torch_check.py's own logic (run by torch_check.sh before the check): seconds, no Java."""
import json
import os
import struct
import tempfile
import unittest

import torch
import torchvision

import torch_check as tc


class SafetensorsTest(unittest.TestCase):
    def test_round_trip_keeps_dtypes_and_a_scalar_counter_as_shape_empty(self):
        tensors = {"w": torch.arange(6, dtype=torch.float32).reshape(2, 3), "d": torch.tensor([0.5, -2.0], dtype=torch.float64),
                   "bn.num_batches_tracked": torch.tensor(7), "mask": torch.tensor([[1, 0]], dtype=torch.uint8)}
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "t.safetensors")
            tc.write_safetensors(path, tensors, {"k": "v"})
            with open(path, "rb") as f:
                (n,) = struct.unpack("<Q", f.read(8))
                header = json.loads(f.read(n))
            # torch's num_batches_tracked is 0-dimensional: Shortcut expects shape [], not [1].
            self.assertEqual([], header["bn.num_batches_tracked"]["shape"])
            self.assertEqual("I64", header["bn.num_batches_tracked"]["dtype"])
            self.assertEqual(0, (8 + n) % 8, "data starts 8-byte aligned")
            back, meta = tc.read_safetensors(path)
        self.assertEqual({"k": "v"}, meta)
        for name, t in tensors.items():
            self.assertEqual(t.dtype, back[name].dtype, name)
            self.assertTrue(torch.equal(t, back[name]), name)


class NetworksTest(unittest.TestCase):
    def test_option_a_puts_the_input_between_planes_over_4_zero_channels(self):
        block = tc.CifarBasicBlock(16, 32, 2)
        x = torch.randn(2, 16, 6, 6)
        s = block.shortcut(x)
        self.assertEqual((2, 32, 3, 3), tuple(s.shape))
        self.assertTrue(torch.equal(s[:, 8:24], x[:, :, ::2, ::2]))
        self.assertEqual(0, int(s[:, :8].count_nonzero()) + int(s[:, 24:].count_nonzero()))

    def test_resnet20_has_the_papers_size_and_the_declarations_names(self):
        model = tc.CifarResNet(3)
        self.assertEqual(269_722, sum(p.numel() for p in model.parameters()))  # the paper's 0.27M
        names = set(model.state_dict())
        self.assertIn("layer2.0.bn2.running_var", names)
        self.assertIn("fc.weight", names)
        self.assertEqual(19, sum(1 for k in names if k.endswith("num_batches_tracked")))

    def test_every_relu_call_is_planned_in_forward_order(self):
        # Shortcut's ReLU layers: the stem's, then each block's, in order: 17, 49 and 19 of them.
        for build, size, calls in ((torchvision.models.resnet18, 64, 17), (torchvision.models.resnet50, 64, 49),
                                   (lambda: tc.CifarResNet(3), 32, 19)):
            model = build()
            plan = tc.plan_relus(model)
            self.assertFalse(any(isinstance(m, torch.nn.ReLU) for m in model.modules()))
            plan.recording = []
            with torch.no_grad():
                model.eval()(torch.randn(1, 3, size, size))
            self.assertEqual(calls, len(plan.recording))


class ReluPlanTest(unittest.TestCase):
    def test_following_a_decision_takes_its_value_and_gradient(self):
        plan = tc.ReluPlan()
        z = torch.tensor([-1e-9, 2.0, -3.0, 4.0], dtype=torch.float64, requires_grad=True)
        plan.recording, plan.follow = [], [torch.tensor([True, True, False, False])]
        out = plan(z)
        out.sum().backward()
        self.assertEqual([-1e-9, 2.0, 0.0, 0.0], out.tolist())
        self.assertEqual([1.0, 1.0, 0.0, 0.0], z.grad.tolist())
        self.assertEqual(1, len(plan.recording))

    def test_outside_a_recording_it_is_a_relu(self):
        plan = tc.ReluPlan()
        self.assertEqual([0.0, 2.0], plan(torch.tensor([-1.0, 2.0])).tolist())

    def test_a_wrong_shape_to_follow_is_refused(self):
        plan = tc.ReluPlan()
        plan.recording, plan.follow = [], [torch.tensor([True])]
        with self.assertRaises(ValueError):
            plan(torch.zeros(2))

    def test_decisions_counts_the_differences_and_how_far_from_zero(self):
        z = torch.tensor([[1e-7, -2.0, 10.0, -1e-6]], dtype=torch.float64)
        calls = [(z, z > 0)]
        mask = torch.tensor([[False, False, True, True]])
        count, worst = tc.decisions(calls, [mask])
        self.assertEqual(2, count)
        self.assertAlmostEqual(1e-7, worst, delta=1e-12)  # |-1e-6| / 10
        self.assertEqual((1, 0.2), tc.decisions(calls, [torch.tensor([[True, True, True, False]])]))


class DifferenceTest(unittest.TestCase):
    def test_relative_to_the_largest_reference_magnitude(self):
        a, r = torch.tensor([1.0, 2.5]), torch.tensor([1.0, 2.0], dtype=torch.float64)
        self.assertEqual((0.5, 0.25), tc.difference(a, r))
        self.assertEqual((0.0, 0.0), tc.difference(torch.zeros(2), torch.zeros(2)))
        with self.assertRaises(ValueError):
            tc.difference(torch.zeros(2), torch.zeros(3))


if __name__ == "__main__":
    unittest.main()
