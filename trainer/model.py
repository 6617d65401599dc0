"""A trained recognizer as plain numbers: layers of weights and biases.

Training uses torch (trainer/train.py); scoring needs only numpy, so `corpus test`
and the reports never import torch. With no hidden layers the network is
Fathom's logistic regression: one weight per rule plus a bias, which is exactly
the `{"coeffs": [["rule", w], ...], "bias": b}` a JavaScript ruleset pastes in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Layer:
    weight: list[list[float]]  # (outputs, inputs), as torch.nn.Linear keeps it
    bias: list[float]  # (outputs,)


@dataclass
class Network:
    feature_names: list[str]
    layers: list[Layer]  # a ReLU sits between consecutive layers; the last gives one logit

    @property
    def hidden_sizes(self) -> list[int]:
        return [len(layer.bias) for layer in self.layers[:-1]]

    @property
    def is_linear(self) -> bool:
        return len(self.layers) == 1

    def coeffs(self) -> list[tuple[str, float]]:
        """The per-rule weights of a linear network (the exchange shape)."""
        if not self.is_linear:
            raise ValueError("a network with hidden layers has no per-rule coefficients")
        return list(zip(self.feature_names, self.layers[0].weight[0]))

    @property
    def bias(self) -> float:
        return self.layers[-1].bias[0]

    def logits(self, x: np.ndarray) -> np.ndarray:
        """One raw score per row of `x` (columns in `feature_names` order)."""
        out = np.asarray(x, dtype=np.float32)
        for i, layer in enumerate(self.layers):
            out = out @ np.asarray(layer.weight, dtype=np.float32).T + np.asarray(layer.bias, dtype=np.float32)
            if i < len(self.layers) - 1:
                out = np.maximum(out, 0.0)
        return out[:, 0]

    def scores(self, x: np.ndarray) -> np.ndarray:
        """Confidence in [0, 1] that each row is a target."""
        return sigmoid(self.logits(x))


def sigmoid(z: np.ndarray) -> np.ndarray:
    # Computed in float64 and split by sign so large |z| neither overflows nor warns.
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def linear_network(coeffs: list[tuple[str, float]], bias: float) -> Network:
    """A network from the exchange shape."""
    return Network([name for name, _ in coeffs], [Layer([[float(w) for _, w in coeffs]], [float(bias)])])
