"""Networks with hidden layers: torch's autograd computes the gradient, torch.optim.Adam steps.

Fathom's Linear/ReLU stacks (`-y/--layer`), trained as the image model is
(trainer/images/train.py). The plain logistic regression, the model a ruleset
pastes in, trains in trainer/logistic.py without torch (and is checked against
this learner in tests/trainer/test_logistic.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch

# Training runs on one thread, whatever the size. An iteration is a few matrix-vector
# products, bound by memory, not arithmetic: more threads gain little on an idle machine,
# and on a busy one (CI, a shared box) their spin-waiting costs 20x to 50x. Measured on
# 67k candidates x 40 rules, 1000 iterations, 2 cores shared with other jobs: 1.1 s on
# one thread, 21 to 69 s on two.
TRAINING_THREADS = 1


def build_model(n_features: int, hidden: tuple[int, ...], seed: int) -> torch.nn.Sequential:
    """Fathom's classifier, initialized from `seed` without touching torch's global RNG."""
    sizes = [n_features, *hidden]
    modules: list[torch.nn.Module] = []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for n_in, n_out in zip(sizes, sizes[1:]):
            modules += [torch.nn.Linear(n_in, n_out), torch.nn.ReLU()]
        modules.append(torch.nn.Linear(sizes[-1], 1))
    return torch.nn.Sequential(*modules)


class TorchLearner:
    """A torch network and its Adam; `params` are [weight, bias] per layer, as numpy views of
    the network's own memory (what trainer/train.py reads, keeps and puts back)."""

    def __init__(self, x: np.ndarray, y: np.ndarray, lr: float, seed: int, layers: tuple[int, ...] = (),
                 pos_weight: float | None = None, validation: tuple[np.ndarray, np.ndarray] | None = None):
        self.x, self.y = torch.from_numpy(x), torch.from_numpy(y).unsqueeze(1)
        self.validation = None if validation is None else (
            torch.from_numpy(validation[0]), torch.from_numpy(validation[1]).unsqueeze(1))
        self.model = build_model(x.shape[1], layers, seed)
        weight = None if pos_weight is None else torch.tensor([pos_weight])
        self.loss_fn = torch.nn.BCEWithLogitsLoss(reduction="sum", pos_weight=weight)
        self.tensors = list(self.model.parameters())
        self.params = [t.detach().numpy() for t in self.tensors]  # torch's Adam updates the memory in place
        self.optimizer = torch.optim.Adam(self.tensors, lr=lr)
        self.loss: torch.Tensor | None = None

    def losses(self) -> tuple[float, float | None]:
        with _threads():
            self.loss = self.loss_fn(self.model(self.x), self.y)
            validation_loss = None
            if self.validation is not None:
                with torch.no_grad():
                    validation_loss = self.loss_fn(self.model(self.validation[0]), self.validation[1]).item()
            return self.loss.item(), validation_loss

    def step(self) -> None:
        assert self.loss is not None, "losses() first"
        with _threads():
            self.optimizer.zero_grad(set_to_none=True)
            self.loss.backward()
            self.optimizer.step()

    def close(self) -> None:
        pass


@contextmanager
def _threads() -> Iterator[None]:
    """torch on TRAINING_THREADS for the duration, then as it was."""
    before = torch.get_num_threads()
    torch.set_num_threads(TRAINING_THREADS)
    try:
        yield
    finally:
        torch.set_num_threads(before)
