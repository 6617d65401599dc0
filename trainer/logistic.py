"""Fathom's logistic regression trained with its gradient written out, in numpy.

The model is torch.nn.Linear(features, 1) under BCEWithLogitsLoss(reduction=sum,
pos_weight): the same initial weights for the same seed (torch's own random
stream, reproduced bit for bit), the same loss, the same Adam steps, so the same
model as the autograd loop up to float rounding (tests/trainer/test_logistic.py
checks it against torch). Written by hand because for one linear layer the
gradient is one matrix product, X^T r, and because torch's import alone (about
a second) is most of a small training run.

Each iteration is one pass over the training matrix forward (X w), one back
(X^T r) and one over the validation matrix, all into buffers made once; the
element-wise work runs in place on them.
"""

from __future__ import annotations

import math

import numpy as np

from trainer.adam import Adam
from trainer.dedup import WeightedRows, merge_identical_rows


def linear_init(n_features: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """torch.nn.Linear(n_features, 1)'s initial weight (1, n) and bias (1,) after torch.manual_seed(seed).

    torch draws both from Uniform(-1/sqrt(n), 1/sqrt(n)) (kaiming_uniform_ with
    a=sqrt(5) comes to that bound), weight first, one 32-bit Mersenne Twister
    output per value, keeping its low 24 bits. numpy's legacy RandomState seeds
    the same generator the same way.
    """
    raw = np.random.RandomState(seed % 2**32).randint(0, 2**32, size=n_features + 1, dtype=np.uint32)
    unit = (raw.astype(np.uint64) & ((1 << 24) - 1)).astype(np.float64) * 2.0**-24
    if n_features == 0:
        return np.zeros((1, 0), np.float32), np.zeros(1, np.float32)
    weight_bound = math.sqrt(3.0) * (math.sqrt(2.0 / (1 + 5)) / math.sqrt(n_features))
    bias_bound = 1 / math.sqrt(n_features)
    weight = _uniform(unit[:n_features], weight_bound)
    bias = _uniform(unit[n_features:], bias_bound)
    return weight.reshape(1, n_features), bias


def _uniform(unit: np.ndarray, bound: float) -> np.ndarray:
    # torch's arithmetic: bounds rounded to float32, the product taken in double.
    low, high = np.float64(np.float32(-bound)), np.float64(np.float32(bound))
    return (unit * (high - low) + low).astype(np.float32)


class _Scorer:
    """The summed loss of one matrix of (possibly weighted) rows, with buffers for its pass."""

    def __init__(self, rows: WeightedRows, pos_weight: float):
        # Features by rows, candidates along them: numpy's BLAS runs both products
        # about a quarter faster on this layout than on candidates by rows.
        self.columns = np.ascontiguousarray(rows.x.T)
        self.counts = rows.counts
        self.pos_weight = np.float32(pos_weight)
        self.targets = np.flatnonzero(rows.y > 0.5)
        self.target_counts = None if rows.counts is None else rows.counts[self.targets]
        n = len(rows.y)
        self.logits = np.empty(n, np.float32)
        self.softplus = np.empty(n, np.float32)
        self.scratch = np.empty(n, np.float32)

    def loss(self, weight: np.ndarray, bias: np.ndarray) -> float:
        """sum over rows of count * [pos_weight * y * softplus(-z) + (1 - y) * softplus(z)]."""
        z, softplus, scratch = self.logits, self.softplus, self.scratch
        np.dot(weight[0], self.columns, out=z)
        z += bias[0]
        # softplus(z) = max(z, 0) + log(1 + exp(-|z|)): no overflow for any z.
        np.abs(z, out=scratch)
        np.negative(scratch, out=scratch)
        np.exp(scratch, out=scratch)
        np.log1p(scratch, out=softplus)
        np.maximum(z, 0, out=scratch)
        softplus += scratch
        # Targets (a few percent) swap softplus(z) for pos_weight * softplus(-z) = pos_weight * (softplus(z) - z).
        per_target = (self.pos_weight - 1) * softplus[self.targets] - self.pos_weight * z[self.targets]
        per_row = softplus
        if self.counts is not None:
            per_row = np.multiply(softplus, self.counts, out=scratch)  # softplus itself stays for residuals
            per_target *= self.target_counts
        # numpy sums float32 pairwise: rounding grows with log(rows), not rows.
        return float(per_row.sum()) + float(per_target.sum())

    def residuals(self) -> np.ndarray:
        """d loss / d z at the logits of the last `loss`: count * (sigmoid(z) - y), targets times pos_weight."""
        r = self.scratch
        np.subtract(self.logits, self.softplus, out=r)  # log sigmoid(z) = z - softplus(z)
        np.exp(r, out=r)
        r[self.targets] = self.pos_weight * (r[self.targets] - 1)
        if self.counts is not None:
            r *= self.counts
        return r


class LogisticLearner:
    """One linear layer: parameters [weight (1, n), bias (1,)], as torch.nn.Linear keeps them."""

    def __init__(self, x: np.ndarray, y: np.ndarray, lr: float, seed: int, pos_weight: float | None = None,
                 validation: tuple[np.ndarray, np.ndarray] | None = None, merge_rows: bool = True):
        weight = 1.0 if pos_weight is None else pos_weight

        def rows(x: np.ndarray, y: np.ndarray) -> WeightedRows:
            return merge_identical_rows(x, y) if merge_rows else WeightedRows(x, y, None)

        self.training = _Scorer(rows(x, y), weight)
        self.validation = None if validation is None else _Scorer(rows(*validation), weight)
        self.params = list(linear_init(x.shape[1], seed))
        self.grads = [np.empty_like(p) for p in self.params]
        self.optimizer = Adam(self.params, lr)

    def losses(self) -> tuple[float, float | None]:
        """Training and validation loss at the current weights (the next `step` starts from these)."""
        weight, bias = self.params
        loss = self.training.loss(weight, bias)
        return loss, None if self.validation is None else self.validation.loss(weight, bias)

    def step(self) -> None:
        """One Adam step along the gradient at the weights of the last `losses`: X^T r and sum(r)."""
        r = self.training.residuals()
        np.dot(self.training.columns, r, out=self.grads[0][0])
        self.grads[1][0] = r.sum()
        self.optimizer.step(self.grads)
