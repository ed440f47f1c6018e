package dev.shortcut.examples.torchvision;

import dev.shortcut.annotations.Activation;
import dev.shortcut.annotations.BatchNorm;
import dev.shortcut.annotations.Conv;
import dev.shortcut.annotations.Dense;
import dev.shortcut.annotations.GlobalAvgPool;
import dev.shortcut.annotations.Layer;
import dev.shortcut.annotations.MaxPool;
import dev.shortcut.annotations.Network;
import dev.shortcut.annotations.Stack;

/**
 * torchvision's {@code resnet18()}, field for field: its checkpoints load into
 * {@code torchvision.models.resnet18()} with {@code strict=True}, and the other way round.
 * Generates {@code ResidualResNet18}.
 */
@Network(channels = 3, height = 224, width = 224, outputs = 1000, name = "ResNet18")
public class ResNet18 {
  @Conv(filters = 64, kernel = 7, stride = 2, padding = 3)
  Layer conv1;

  @BatchNorm
  Layer bn1;

  @MaxPool(kernel = 3, stride = 2, padding = 1)
  Layer maxpool;

  @Stack(repeat = 2, filters = 64)
  BasicBlock layer1;

  @Stack(repeat = 2, filters = 128, stride = 2)
  BasicBlock layer2;

  @Stack(repeat = 2, filters = 256, stride = 2)
  BasicBlock layer3;

  @Stack(repeat = 2, filters = 512, stride = 2)
  BasicBlock layer4;

  @GlobalAvgPool
  Layer avgpool;

  @Dense(units = 1000, activation = Activation.NONE)
  Layer fc;
}
