"""The seed's button-or-link CNN, layer for layer, in PyTorch.

Keras:  Conv2D(32,3,relu) GaussianNoise(0.01) MaxPool Conv2D(32,3,relu) MaxPool
        Conv2D(32,3,relu) MaxPool Flatten Dense(128,relu) Dense(classes)
Keras convolutions default to `valid` padding and its pooling to 2x2 stride 2, as here.
"""

from __future__ import annotations

import torch
from torch import nn

ARCHITECTURE = "seed-cnn-v1"


class GaussianNoise(nn.Module):
    """Adds N(0, std) noise while training; the identity when evaluating."""

    def __init__(self, std: float) -> None:
        super().__init__()
        self.std = std

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training and self.std > 0:
            return x + torch.randn_like(x) * self.std
        return x


def feature_side(size: int) -> int:
    """Side of the last feature map: three rounds of a 3x3 valid conv then a 2x2 pool."""
    for _ in range(3):
        size = (size - 2) // 2
    return size


class ButtonNet(nn.Module):
    def __init__(self, in_channels: int, num_classes: int, size: int, noise: float = 0.01) -> None:
        super().__init__()
        side = feature_side(size)
        if side < 1:
            raise ValueError(f"image size {size} is too small for three conv+pool stages (minimum 22)")
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 32, 3), nn.ReLU(), GaussianNoise(noise), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(32 * side * side, 128), nn.ReLU(),
            nn.Linear(128, num_classes),  # logits
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))
