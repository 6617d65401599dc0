"""Adam (Kingma & Ba), written out over numpy arrays, updating them in place.

The numpy linear model (trainer/logistic.py) uses it, so that training the model a
ruleset pastes in needs no torch. torch.optim's Adam, which the networks with hidden
layers use (trainer/deep.py), does the same arithmetic (tests/trainer/test_train.py
checks it step for step).
"""

from __future__ import annotations

import math

import numpy as np


class Adam:
    def __init__(self, params: list[np.ndarray], lr: float, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8):
        self.params = params
        self.lr = lr
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.steps = 0
        self.first_moments = [np.zeros_like(p) for p in params]  # running mean of gradients
        self.second_moments = [np.zeros_like(p) for p in params]  # ... of squared gradients

    def step(self, grads: list[np.ndarray]) -> None:
        """Move each parameter against its gradient (same order as `params`)."""
        self.steps += 1
        # The moments start at zero, so early averages are too small; these undo that bias.
        correction1 = 1 - self.beta1**self.steps
        correction2 = 1 - self.beta2**self.steps
        for param, grad, m, v in zip(self.params, grads, self.first_moments, self.second_moments):
            m *= self.beta1
            m += (1 - self.beta1) * grad
            v *= self.beta2
            v += (1 - self.beta2) * grad * grad
            denominator = np.sqrt(v) / math.sqrt(correction2) + self.eps
            param -= (self.lr / correction1) * (m / denominator)
