"""The paper's ResNet-20 and recipe in PyTorch, on padded Fashion-MNIST: the side-by-side reference
for examples/.../guide/PaperRecipe.java (benchmarks/paper_recipe.sh runs both).

Same data (1x32x32: 28x28 with a 2-pixel zero border, scaled to [0, 1], standardized per channel
with the training set's mean and population deviation), same network (three stages of 16/32/64
channels, option-A shortcuts with the zero channels split around the input, batch normalization,
global average pooling, a dense layer; He normal over the fan-out for convolutions and over the
fan-in for the dense layer, the last batch normalization of each block starting at zero as
Shortcut's zeroInitLast does), same recipe (SGD, momentum 0.9, weight decay 1e-4 on every
parameter, learning rate 0.1 divided by 10 at 50% and 75% of the steps, batch 128 with the last
partial batch kept, 4-pixel zero padding with random 32x32 crops and horizontal flips). Only the
random draws differ: initialization, shuffling and augmentation come from torch's generator.

Prints one JSON object per epoch and a final one with the test accuracy and the wall time.
"""

import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    _, dtype, dims = struct.unpack(">HBB", data[:4])
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(directory, stem):
    for name in (stem + ".gz", stem):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return path
    raise SystemExit(f"{directory}: no {stem}(.gz); install dataset-fashion-mnist or pass --data")


def load(directory):
    """Both splits as float32 NCHW tensors 1x32x32, standardized with the training statistics."""
    images = {}
    for split, prefix in (("train", "train"), ("test", "t10k")):
        x = read_idx(find(directory, prefix + "-images-idx3-ubyte")).astype(np.float32) / 255.0
        y = read_idx(find(directory, prefix + "-labels-idx1-ubyte")).astype(np.int64)
        x = np.pad(x, ((0, 0), (2, 2), (2, 2)))[:, None, :, :]
        images[split] = (x, y)
    mean = images["train"][0].mean(dtype=np.float64)
    std = images["train"][0].std(dtype=np.float64)
    return {k: (torch.from_numpy(((x - mean) / std).astype(np.float32)), torch.from_numpy(y))
            for k, (x, y) in images.items()}


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.stride = stride
        self.pad = cout - cin

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x
        if self.stride != 1 or self.pad:
            shortcut = x[:, :, ::self.stride, ::self.stride]
            before = self.pad // 2
            shortcut = F.pad(shortcut, (0, 0, 0, 0, before, self.pad - before))
        return F.relu(out + shortcut)


class ResNet20(nn.Module):
    def __init__(self, channels=1, classes=10, n=3):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        blocks, cin = [], 16
        for cout, stride in ((16, 1), (32, 2), (64, 2)):
            for i in range(n):
                blocks.append(BasicBlock(cin, cout, stride if i == 0 else 1))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(64, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        nn.init.kaiming_normal_(self.fc.weight, mode="fan_in", nonlinearity="relu")
        nn.init.zeros_(self.fc.bias)
        for b in blocks:
            nn.init.zeros_(b.bn2.weight)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.blocks(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def augment(x, generator):
    """4-pixel zero padding, a random 32x32 crop and a horizontal flip with probability 1/2, per image."""
    n, _, h, w = x.shape
    padded = F.pad(x, (4, 4, 4, 4))
    dy = torch.randint(0, 9, (n,), generator=generator)
    dx = torch.randint(0, 9, (n,), generator=generator)
    flip = torch.rand(n, generator=generator) < 0.5
    out = torch.empty_like(x)
    for i in range(n):
        crop = padded[i, :, dy[i]:dy[i] + h, dx[i]:dx[i] + w]
        out[i] = crop.flip(-1) if flip[i] else crop
    return out


def evaluate(model, x, y, device="cpu"):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            logits = model(x[i:i + 1000].to(device))
            correct += (logits.argmax(1).cpu() == y[i:i + 1000]).sum().item()
    model.train()
    return correct / len(x)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--images", type=int, default=0, help="first N training images (0: all)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--channels-last", action="store_true")
    parser.add_argument("--device", default="cpu",
                        help="cpu, or cuda: the accuracy reference on a GPU (data and augmentation stay on the CPU)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    data = load(args.data)
    x_train, y_train = data["train"]
    if args.images:
        x_train, y_train = x_train[:args.images], y_train[:args.images]
    x_test, y_test = data["test"]
    model = ResNet20()
    memory = torch.channels_last if args.channels_last else torch.contiguous_format
    model = model.to(device=args.device, memory_format=memory)
    batch = 128
    steps_per_epoch = (len(x_train) + batch - 1) // batch
    total = steps_per_epoch * args.epochs
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    milestones = [round(total * 0.5), round(total * 0.75)]
    schedule = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones, gamma=0.1)
    start = time.time()
    for epoch in range(1, args.epochs + 1):
        order = torch.randperm(len(x_train), generator=generator)
        loss_sum, seen, t0 = 0.0, 0, time.time()
        for s in range(steps_per_epoch):
            idx = order[s * batch:(s + 1) * batch]
            x = augment(x_train[idx], generator).to(args.device).contiguous(memory_format=memory)
            loss = F.cross_entropy(model(x), y_train[idx].to(args.device))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            loss_sum += loss.item() * len(idx)
            seen += len(idx)
        seconds = time.time() - t0
        accuracy = evaluate(model, x_test.contiguous(memory_format=memory), y_test, args.device)
        print(json.dumps({"epoch": epoch, "train_loss": loss_sum / seen, "test_accuracy": accuracy,
                          "seconds": seconds, "images_per_s": seen / seconds}), flush=True)
    print(json.dumps({"final": True, "epochs": args.epochs, "test_accuracy": evaluate(model, x_test, y_test, args.device),
                      "seconds": time.time() - start, "threads": torch.get_num_threads(),
                      "torch": torch.__version__, "channels_last": args.channels_last,
                      "device": args.device if args.device == "cpu" else torch.cuda.get_device_name(),
                      "seed": args.seed}), flush=True)


if __name__ == "__main__":
    main()
